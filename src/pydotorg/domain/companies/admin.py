"""Admin registration of companies."""

from __future__ import annotations

from pydotorg.db.models.companies import Company
from pydotorg.domain.admin.registry import ModelAdmin, Upload, register

register(
    ModelAdmin(
        model=Company,
        app_label="companies",
        model_name="company",
        verbose_name="company",
        verbose_name_plural="companies",
        list_display=["name", "slug", "url", "email"],
        search_fields=["name", "slug"],
        ordering="name",
        fields=["name", "slug", "about", "about_markup_type", "contact", "email", "url", "logo"],
        uploads={"logo": Upload(folder="companies", extensions=frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"}))},
        help_texts={"slug": "Left blank, it is made from the name."},
    )
)
