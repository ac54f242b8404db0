"""django-sitetree's trees and items become our menus and menu items, with the same ids. Items whose URL names a
Django route (``urlaspattern``) get that page's path here."""

from __future__ import annotations

from pydotorg.db.django import DjangoTable, Row, table_of
from pydotorg.db.models import Menu, MenuItem
from pydotorg.domain.navigation.urls import resolve_url


def _item(row: Row) -> Row:
    row["url"] = resolve_url(row["url"], bool(row.pop("urlaspattern")))
    return row


DJANGO_TABLES: tuple[DjangoTable, ...] = (
    DjangoTable("sitetree_tree", table_of(Menu), select="SELECT id, alias, title FROM sitetree_tree"),
    DjangoTable(
        "sitetree_treeitem",
        table_of(MenuItem),
        select=(
            "SELECT id, tree_id AS menu_id, parent_id, title, hint, url, urlaspattern, alias, description, "
            "sort_order, hidden, inmenu FROM sitetree_treeitem"
        ),
        transform=_item,
    ),
)
