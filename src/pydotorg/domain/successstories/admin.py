"""Admin registration of success stories and their categories."""

from __future__ import annotations

from pydotorg.db.models import Company, Story, StoryCategory
from pydotorg.domain.admin.registry import ModelAdmin, image_upload, register
from pydotorg.domain.successstories.services import story_saved

register(
    ModelAdmin(
        model=StoryCategory,
        app_label="successstories",
        model_name="storycategory",
        verbose_name="story category",
        verbose_name_plural="story categories",
        list_display=["name", "slug"],
        search_fields=["name"],
        ordering="name",
        fields=["name", "slug"],
        help_texts={"slug": "Left blank, it is made from the name."},
    )
)

register(
    ModelAdmin(
        model=Story,
        app_label="successstories",
        model_name="story",
        verbose_name="story",
        verbose_name_plural="stories",
        list_display=["name", "company_name", "category_id", "is_published", "featured", "created"],
        search_fields=["name", "company_name", "author"],
        list_filter=["is_published", "featured"],
        ordering="-created",
        fields=[
            "name",
            "slug",
            "company_name",
            "company_url",
            "company_id",
            "category_id",
            "author",
            "author_email",
            "pull_quote",
            "content",
            "content_markup_type",
            "is_published",
            "featured",
            "image",
            "submitted_by_id",
        ],
        fk_select={"category_id": StoryCategory, "company_id": Company},
        uploads={"image": image_upload("successstories")},
        help_texts={
            "featured": "Use in the supernav and on the home page (published stories only).",
            "submitted_by_id": "The id of the submitting user (raw id).",
        },
        before_commit=story_saved,
    )
)
