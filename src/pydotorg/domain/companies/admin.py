"""Admin registration of companies."""

from __future__ import annotations

from pydotorg.db.models.companies import Company
from pydotorg.domain.admin.registry import IMAGE_EXTENSIONS, ModelAdmin, image_upload, register

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
        uploads={"logo": image_upload("companies", IMAGE_EXTENSIONS | {"svg"}, max_mb=2)},
        help_texts={"slug": "Left blank, it is made from the name."},
    )
)
