"""Admin registration of content boxes; a change refreshes the site content snapshot everywhere."""

from __future__ import annotations

from pydotorg.db.models.boxes import Box
from pydotorg.domain.admin.registry import ModelAdmin, register

register(
    ModelAdmin(
        model=Box,
        app_label="boxes",
        model_name="box",
        verbose_name="box",
        verbose_name_plural="boxes",
        list_display=["label", "content_markup_type", "updated"],
        search_fields=["label", "content"],
        ordering="label",
        fields=["label", "content", "content_markup_type"],
    )
)
