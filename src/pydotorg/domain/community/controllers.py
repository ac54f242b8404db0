"""``/community/`` (Django's ``community:post_list``, public posts, 25 per page) and ``/community/<pk>/``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Template
from markupsafe import Markup
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models import Post
from pydotorg.db.models.community import PostStatus
from pydotorg.lib.pagination import paginate_query
from pydotorg.web.cache import cache_policy
from pydotorg.web.fragments import page_fragment, render_markup

POSTS_PER_PAGE = 25
CACHED = cache_policy("community")


def public_posts() -> Select[tuple[Post]]:
    return (
        select(Post)
        .where(Post.status == PostStatus.PUBLIC)
        .options(selectinload(Post.links), selectinload(Post.photos), selectinload(Post.videos))
        .order_by(Post.created.desc(), Post.id.desc())
    )


class CommunityController(Controller):
    path = "/community"
    include_in_schema = False

    @get("/", name="community:post_list", **CACHED)
    async def index(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        async def build() -> Markup:
            page = await paginate_query(db_session, public_posts(), request.query_params.get("page"), POSTS_PER_PAGE)
            return render_markup(request, "community/_posts.html", page=page)

        listing = await page_fragment(request, "community:posts", build)
        return Template(
            template_name="community/post_list.html", context={"listing": listing}, media_type=MediaType.HTML
        )

    @get("/{pk:int}/", name="community:post_detail", **CACHED)
    async def detail(self, pk: int, db_session: AsyncSession) -> Template:
        post = (await db_session.execute(public_posts().where(Post.id == pk))).scalars().first()
        if post is None:
            raise NotFoundException("No such community post.")
        return Template(template_name="community/post_detail.html", context={"post": post}, media_type=MediaType.HTML)
