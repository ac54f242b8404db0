"""Django's admin history (``django_admin_log``): each entry's content type becomes our ``app_label.model``."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import AdminLogEntry

DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable(
        "django_admin_log",
        table_of(AdminLogEntry),
        select=(
            "SELECT l.id, l.action_time, l.user_id, COALESCE(ct.app_label || '.' || ct.model, '') AS content_type, "
            "COALESCE(l.object_id, '') AS object_id, l.object_repr, l.action_flag, l.change_message "
            "FROM django_admin_log l LEFT JOIN django_content_type ct ON ct.id = l.content_type_id"
        ),
        changed_column="action_time",
    ),
)
