"""PSF work groups (Django's ``work_groups``): admin only, as on python.org."""

from __future__ import annotations

from typing import ClassVar

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pydotorg.db.base import (
    Base,
    ContentManageable,
    MarkupSpec,
    NameSlug,
    association_table,
    markup_rendered_column,
    markup_type_column,
)
from pydotorg.db.models.users import User

workgroup_members = association_table(
    "work_groups_workgroup_members", ("workgroup_id", "work_groups_workgroup"), ("user_id", "users_user")
)
workgroup_organizers = association_table(
    "work_groups_workgroup_organizers", ("workgroup_id", "work_groups_workgroup"), ("user_id", "users_user")
)
_TEXTS = ("purpose", "active_time", "core_values", "rules", "communication", "support")


class WorkGroup(ContentManageable, NameSlug, Base):
    __tablename__ = "work_groups_workgroup"
    __markup__: ClassVar[dict[str, MarkupSpec]] = {name: MarkupSpec() for name in _TEXTS}

    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    approved: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    short_description: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    purpose_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    purpose_rendered: Mapped[str] = markup_rendered_column("purpose")
    active_time: Mapped[str] = mapped_column(Text, default="")
    active_time_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    active_time_rendered: Mapped[str] = markup_rendered_column("active_time")
    core_values: Mapped[str] = mapped_column(Text, default="")
    core_values_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    core_values_rendered: Mapped[str] = markup_rendered_column("core_values")
    rules: Mapped[str] = mapped_column(Text, default="")
    rules_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    rules_rendered: Mapped[str] = markup_rendered_column("rules")
    communication: Mapped[str] = mapped_column(Text, default="")
    communication_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    communication_rendered: Mapped[str] = markup_rendered_column("communication")
    support: Mapped[str] = mapped_column(Text, default="")
    support_markup_type: Mapped[str] = markup_type_column("restructuredtext")
    support_rendered: Mapped[str] = markup_rendered_column("support")
    url: Mapped[str] = mapped_column(String(200), default="")

    members: Mapped[list[User]] = relationship(secondary=workgroup_members, lazy="raise")
    organizers: Mapped[list[User]] = relationship(secondary=workgroup_organizers, lazy="raise")
