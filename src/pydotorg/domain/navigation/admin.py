"""Admin registrations of the menu tree (django-sitetree's trees and items)."""

from __future__ import annotations

from pydotorg.db.models.navigation import Menu, MenuItem
from pydotorg.domain.admin.registry import ModelAdmin, register

register(
    ModelAdmin(
        model=Menu,
        app_label="navigation",
        model_name="menu",
        verbose_name="menu",
        verbose_name_plural="menus",
        list_display=["alias", "title"],
        search_fields=["alias", "title"],
        ordering="alias",
        fields=["alias", "title"],
        related=[("Items", "navigation.menuitem", "menu_id")],
    )
)

register(
    ModelAdmin(
        model=MenuItem,
        app_label="navigation",
        model_name="menuitem",
        verbose_name="menu item",
        verbose_name_plural="menu items",
        list_display=["title", "url", "menu_id", "parent_id", "sort_order", "hidden", "inmenu"],
        search_fields=["title", "url", "alias"],
        list_filter=["hidden", "inmenu"],
        ordering="sort_order",
        fields=[
            "menu_id",
            "parent_id",
            "title",
            "hint",
            "url",
            "alias",
            "description",
            "sort_order",
            "hidden",
            "inmenu",
        ],
        fk_select={"menu_id": Menu, "parent_id": MenuItem},
    )
)
