"""``/community/``: public posts only, 25 per page, each with its links, photos and videos."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete

from pydotorg.db.models import Link, Photo, Post, Video
from pydotorg.db.models.community import MediaType, PostStatus
from tests.factories import unique

pytestmark = pytest.mark.usefixtures("backend")


async def test_public_posts_are_listed_and_shown_private_ones_are_not(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    tag = unique("post")
    async with app.state.db_config.get_session() as session:
        public = Post(
            title=f"{tag} public",
            content="<p>Hello <script>alert(1)</script>community</p>",
            media_type=MediaType.PHOTO,
            status=PostStatus.PUBLIC,
            meta={"source": "test"},
        )
        private = Post(title=f"{tag} private", content="<p>Secret</p>", meta={})
        session.add_all([public, private])
        await session.flush()
        session.add_all(
            [
                Link(post_id=public.id, url="https://example.org/event"),
                Photo(post_id=public.id, image="community/photos/x.png", caption="A sprint"),
                Video(post_id=public.id, click_through_url="https://example.org/video", caption="The talk"),
            ]
        )
        await session.commit()
    try:
        listing = await client.get("/community/")
        assert listing.status_code == 200
        assert f"{tag} public" in listing.text and f"{tag} private" not in listing.text
        assert listing.headers["surrogate-key"] == "pydotorg-app community"
        page = await client.get(f"/community/{public.id}/")
        assert page.status_code == 200 and "alert(1)" not in page.text and "community</p>" in page.text
        assert 'src="/media/community/photos/x.thumb.png"' in page.text and "https://example.org/event" in page.text
        assert "Watch the video" in page.text
        assert (await client.get(f"/community/{private.id}/")).status_code == 404
        assert (await client.get("/community/?page=999")).status_code == 404
        assert (await client.get("/community/?page=abc")).status_code == 404
    finally:
        async with app.state.db_config.get_session() as session:
            await session.execute(delete(Post).where(Post.id.in_([public.id, private.id])))
            await session.commit()
