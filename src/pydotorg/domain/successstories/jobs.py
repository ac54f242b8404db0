"""``success_stories_changed``: regenerate the success stories supernav box from a random featured story."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select

from pydotorg.db.models import Box
from pydotorg.domain.successstories import queries
from pydotorg.domain.successstories.services import StoriesJob
from pydotorg.lib.jobs import JobContext, job

SUPERNAV_BOX = "supernav-python-success-stories"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), trim_blocks=True)


@job(StoriesJob.CHANGED)
async def success_stories_changed(ctx: JobContext, **_: Any) -> dict[str, Any]:
    """Django's ``update_successstories_supernav``: the box shows one published, featured story's pull quote.
    With none featured the box keeps what it had (Django did the same). The box's own registration purges it."""
    async with ctx.session_factory() as session:
        story = await queries.random_featured(session)
        if story is None:
            return {"box": None}
        html = _env.get_template("successstories/supernav.html").render(story=story)
        box = (await session.execute(select(Box).where(Box.label == SUPERNAV_BOX))).scalars().first()
        if box is None:
            session.add(Box(label=SUPERNAV_BOX, content=html, content_markup_type="html"))
        elif (box.content, box.content_markup_type) != (html, "html"):
            box.content, box.content_markup_type = html, "html"
        await session.commit()
        return {"box": SUPERNAV_BOX, "story": story.slug}
