"""Admin registration of the site-wide banner."""

from __future__ import annotations

from pydotorg.db.models.banners import Banner
from pydotorg.domain.admin.registry import ModelAdmin, register

register(
    ModelAdmin(
        model=Banner,
        app_label="banners",
        model_name="banner",
        verbose_name="banner",
        verbose_name_plural="banners",
        list_display=["title", "link", "active", "psf_pages_only"],
        search_fields=["title", "message"],
        list_filter=["active", "psf_pages_only"],
        fields=["title", "message", "link", "active", "psf_pages_only"],
    )
)
