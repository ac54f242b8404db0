"""Code samples: an admin, the home page's carousel and the importer's mapping."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.django import DjangoTable, table_of
from pydotorg.db.models import CodeSample
from pydotorg.domain.admin.registry import ModelAdmin, register
from pydotorg.web.changes import invalidates
from pydotorg.web.section import Section

#: Django's ``IndexView`` shows the five newest published samples.
HOME_PAGE_SAMPLES = 5


async def code_samples(session: AsyncSession) -> list[dict[str, str]]:
    """The home page's code samples (as the home template reads them)."""
    query = (
        select(CodeSample)
        .where(CodeSample.is_published.is_(True))
        .order_by(CodeSample.created.desc(), CodeSample.id.desc())
        .limit(HOME_PAGE_SAMPLES)
    )
    return [
        {"code_rendered": sample.code_rendered, "copy_rendered": sample.copy_rendered}
        for sample in (await session.execute(query)).scalars()
    ]


register(
    ModelAdmin(
        model=CodeSample,
        app_label="codesamples",
        model_name="codesample",
        verbose_name="code sample",
        verbose_name_plural="code samples",
        list_display=["id", "is_published", "created"],
        search_fields=["code", "copy"],
        list_filter=["is_published"],
        ordering="-created",
        fields=["code", "code_markup_type", "copy", "copy_markup_type", "is_published"],
    )
)

SECTION = Section(
    name="codesamples",
    home_parts={"code_samples": code_samples},
    django_tables=(DjangoTable("codesamples_codesample", table_of(CodeSample), changed_column="updated"),),
)

invalidates(CodeSample, urls=["/"])
