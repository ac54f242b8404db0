"""``/success-stories/``: the latest stories, one page per story and per category, and the submission form.

Django's URLs and names. Staff see drafts (uncached); everyone else sees published stories only.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Story, StoryCategory
from pydotorg.domain.successstories import queries, services
from pydotorg.domain.successstories.forms import StoryForm
from pydotorg.domain.users.auth import CurrentUser
from pydotorg.domain.users.guards import requires_login
from pydotorg.lib.errors import ConflictError
from pydotorg.lib.forms import add_error, bind, check_honeypot
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE, cache_policy
from pydotorg.web.errors import viewer_is_staff
from pydotorg.web.forms import FORM
from pydotorg.web.fragments import fragment
from pydotorg.web.ratelimit import mail_limit

CACHED = cache_policy("successstories")
THANKS = "Your success story submission has been recorded. It will be reviewed by the PSF staff and published."


def _page(template: str, *, status_code: int = 200, private: bool = False, **context: Any) -> Template:
    return Template(
        template_name=f"successstories/{template}.html",
        context=context,
        status_code=status_code,
        media_type=MediaType.HTML,
        headers=PRIVATE if private else None,
    )


# -- kept page parts: plain data, the same for every visitor (web/fragments.py) --------------------------------------
def _card(story: Story) -> dict[str, Any]:
    """What a list shows of a story."""
    return {
        "absolute_url": story.absolute_url,
        "name": story.name,
        "pull_quote": story.pull_quote,
        "author": story.author,
        "display_company_name": story.display_company_name,
    }


def _view(story: Story) -> dict[str, Any]:
    """What a story's page shows of it."""
    return {
        **_card(story),
        "is_published": story.is_published,
        "category": {"name": story.category.name},
        "display_company_url": story.display_company_url,
        "image": story.image,
        "content_rendered": story.content_rendered,
    }


async def _categories(request: Request[Any, Any, Any], db_session: AsyncSession) -> list[dict[str, str]]:
    """The sidebar's category links."""

    async def build() -> list[dict[str, str]]:
        return [{"absolute_url": c.absolute_url, "name": c.name} for c in await queries.categories(db_session)]

    return await fragment(request, "stories:categories", build)


async def _with_categories(db_session: AsyncSession, form: StoryForm) -> StoryForm:
    form.category.choices = [(c.id, c.name) for c in await queries.categories(db_session)]
    return form


class SuccessStoriesController(Controller):
    path = "/success-stories"
    include_in_schema = False
    opt = FORM

    @get("/", name="success_story_list", **CACHED)
    async def index(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        async def build() -> list[dict[str, Any]]:
            return [_card(story) for story in await queries.latest(db_session)]

        stories = await fragment(request, "stories:latest", build)
        return _page("story_list", stories=stories, categories=await _categories(request, db_session))

    @get("/create/", name="success_story_create", guards=[requires_login])
    async def create_form(self, db_session: AsyncSession, viewer: CurrentUser | None) -> Template:
        email = viewer.email if viewer else ""
        return _page("story_form", form=await _with_categories(db_session, StoryForm(author_email=email)), private=True)

    @post(
        "/create/",
        name="success_story_create_post",
        guards=[requires_login],
        status_code=200,
        middleware=[mail_limit("story-submit")],
    )
    async def create(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings, viewer: CurrentUser | None
    ) -> Response[Any]:
        if viewer is None:  # the guard ran first
            raise PermissionDeniedException()
        await check_honeypot(request)
        form = await _with_categories(db_session, await bind(StoryForm, request))
        if form.validate():
            try:
                await services.submit_story(db_session, settings, viewer, form.fill)
            except ConflictError as exc:
                add_error(form, "name", exc.message)
            else:
                await db_session.commit()  # the mail to the PSF staff leaves with the stored story
                flash(request, THANKS, category="success")
                return Redirect("/success-stories/create/")
        return _page("story_form", form=form, private=True, status_code=HTTP_400_BAD_REQUEST)

    @get("/category/{slug:str}/", name="success_story_list_category", **CACHED)
    async def category(self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession) -> Template:
        async def build() -> dict[str, Any] | None:
            query = select(StoryCategory).where(StoryCategory.slug == slug)
            found = (await db_session.execute(query)).scalars().first()
            if found is None:
                return None  # not kept: unknown slugs cannot fill the process's parts
            stories = [_card(story) for story in await queries.by_category(db_session, found.id)]
            return {"category": {"name": found.name, "slug": found.slug}, "stories": stories}

        part = await fragment(request, f"stories:category:{slug}", build)
        if part is None:
            raise NotFoundException("No such story category.")
        return _page("story_category", **part, categories=await _categories(request, db_session))

    @get("/{slug:str}/", name="success_story_detail", **CACHED)
    async def detail(self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession) -> Template:
        staff = viewer_is_staff(request)

        async def build() -> dict[str, Any] | None:
            found = await queries.story_by_slug(db_session, slug, include_drafts=staff)
            return None if found is None else _view(found)

        # Staff may see a draft: built for them and never kept. Everyone else gets the published story's part.
        story = await fragment(request, f"stories:story:{slug}", build, keep=not staff)
        if story is None:
            raise NotFoundException("No such success story.")
        return _page(
            "story_detail",
            story=story,
            categories=await _categories(request, db_session),
            private=not story["is_published"],
        )
