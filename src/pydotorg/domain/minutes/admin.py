"""Admin registration of the PSF board minutes."""

from __future__ import annotations

from pydotorg.db.models import Minutes
from pydotorg.domain.admin.registry import ModelAdmin, register

register(
    ModelAdmin(
        model=Minutes,
        app_label="minutes",
        model_name="minutes",
        verbose_name="minutes",
        verbose_name_plural="minutes",
        list_display=["date", "is_published", "updated"],
        search_fields=["content"],
        list_filter=["is_published"],
        ordering="-date",
        fields=["date", "content", "content_markup_type", "is_published"],
    )
)
