"""Success stories at ``/success-stories/``: stories by category, user submissions, the supernav box."""

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import Story, StoryCategory
from pydotorg.domain.successstories import admin, jobs, queries  # noqa: F401  (register the admin and the background job)
from pydotorg.domain.successstories.controllers import SuccessStoriesController
from pydotorg.domain.successstories.django import DJANGO_TABLES
from pydotorg.domain.successstories.sitemap import stories_sitemap
from pydotorg.web.changes import invalidates
from pydotorg.web.live import ModerationQueue, moderation_queue
from pydotorg.web.search import Doc, indexes, plain_text
from pydotorg.web.section import Section


async def featured_stories(session: AsyncSession) -> list[dict[str, str]]:
    """The home page's success story: the published, featured ones, of which the home page shows one at random
    (Django's ``random_featured()``) on each request."""
    return [
        {
            "absolute_url": story.absolute_url,
            "pull_quote": story.pull_quote,
            "author": story.author,
            "display_company_name": story.display_company_name,
        }
        for story in await queries.featured(session)
    ]


SECTION = Section(
    sitemaps={"successstories": stories_sitemap},
    name="successstories",
    pages=[SuccessStoriesController],
    home_parts={"featured_stories": featured_stories},
    django_tables=DJANGO_TABLES,
)

# A story's page, the lists and the home page (which shows a featured story) go stale with any change.
invalidates(Story, keys=["successstories"], urls=lambda story: [story.absolute_url, "/success-stories/", "/"])
invalidates(StoryCategory, keys=["successstories"])


def _story_doc(_conn: Connection, story: Story) -> Doc | None:
    if not story.is_published:
        return None
    body = " ".join([story.company_name, story.pull_quote, plain_text(story.content_rendered)])
    return Doc(story.absolute_url, story.name, body)


indexes(Story, "story", _story_doc)

moderation_queue(
    ModerationQueue(
        name="success-stories",
        label="Success stories not published",
        admin_key="successstories.story",
        model=Story,
        pending=lambda: Story.is_published.is_(False),
        title=lambda story: story.name,
    )
)
