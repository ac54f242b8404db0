"""Admin registrations of CMS pages with their images and documents."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.pages import Page, PageDocument, PageImage
from pydotorg.domain.admin.registry import IMAGE_EXTENSIONS, ModelAdmin, Upload, image_upload, register
from pydotorg.domain.pages.rules import page_errors

DOCUMENT_TYPES = frozenset({"pdf", "txt", "zip", "gz", "tgz", "bz2", "xz", "csv", "odt", "ods", "docx", "xlsx", "pptx"})


async def validate_page(_session: AsyncSession, form: Any, _obj: Any) -> dict[str, str]:
    return page_errors({"path": form["path"].data, "template_name": form["template_name"].data})


register(
    ModelAdmin(
        model=Page,
        app_label="pages",
        model_name="page",
        verbose_name="page",
        verbose_name_plural="pages",
        list_display=["title", "path", "is_published", "updated"],
        search_fields=["title", "path", "keywords"],
        list_filter=["is_published"],
        ordering="path",
        fields=[
            "title",
            "path",
            "keywords",
            "description",
            "content",
            "content_markup_type",
            "is_published",
            "content_type",
            "template_name",
        ],
        help_texts={
            "path": "The URL of the page without the leading slash, as on Django, e.g. about/apps.",
            "template_name": "Leave empty for the default page template; 'pages/raw.html' sends the content as is.",
        },
        related=[("Images", "pages.image", "page_id"), ("Documents", "pages.document", "page_id")],
        validate=validate_page,
    )
)

register(
    ModelAdmin(
        model=PageImage,
        app_label="pages",
        model_name="image",
        verbose_name="page image",
        verbose_name_plural="page images",
        list_display=["image", "page_id"],
        search_fields=["image"],
        fields=["page_id", "image"],
        fk_select={"page_id": Page},
        uploads={"image": image_upload("pages/images", IMAGE_EXTENSIONS | {"svg"})},
    )
)

register(
    ModelAdmin(
        model=PageDocument,
        app_label="pages",
        model_name="document",
        verbose_name="page document",
        verbose_name_plural="page documents",
        list_display=["document", "page_id"],
        search_fields=["document"],
        fields=["page_id", "document"],
        fk_select={"page_id": Page},
        uploads={"document": Upload("files", DOCUMENT_TYPES)},
    )
)
