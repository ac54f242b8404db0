"""The root pages of python.org that need only boxes and templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.exceptions import NoRouteMatchFoundException
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.users import Membership
from pydotorg.domain.users.auth import current_user
from pydotorg.settings import Settings
from pydotorg.web.errors import json_error
from pydotorg.web.forms import FORM
from pydotorg.web.fragments import fragment
from pydotorg.web.section import HomeParts

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
FUNDING_JSON = STATIC_DIR / "funding.json"
NO_SLASH: dict[str, Any] = {"append_slash": False}
#: Links of the account menu that belong to other sections, shown once that section's route exists.
USER_MENU_SECTIONS: list[tuple[str, str, str]] = [
    ("Nominations", "/users/nominations/", "users:user_nominations_view"),
    ("Sponsorships Dashboard", "/users/sponsorships/", "users:user_sponsorships_dashboard"),
]


def page(template: str, **context: Any) -> Template:
    return Template(template_name=template, context=context, media_type=MediaType.HTML)


class RootController(Controller):
    include_in_schema = False

    @get("/", name="home", cache=True)
    async def home(self, request: Request[Any, Any, Any], db_session: AsyncSession, home_parts: HomeParts) -> Template:
        # What other sections show on the home page (upcoming events, ...) comes from what they registered, as
        # plain data: built once per content change (web/fragments.py).
        async def build() -> dict[str, Any]:
            return {name: await part(db_session) for name, part in home_parts.items()}

        return page("python/index.html", **await fragment(request, "home:parts", build))

    @get("/about/", name="about", cache=True)
    async def about(self) -> Template:
        return page("python/about.html")

    @get("/shell/", name="shell", cache=True)
    async def shell(self) -> Template:
        return page("python/shell.html")

    @get("/inner/", name="inner", cache=True)
    async def inner(self) -> Template:
        return page("python/inner.html")

    @get("/psf-landing/", name="psf-landing", cache=True)
    async def psf_landing(self) -> Template:
        return page("psf/index.html", psf_page=True)

    @get("/docs-landing/", name="docs-landing", cache=True)
    async def docs_landing(self) -> Template:
        return page("docs/index.html")

    @get("/pypl-landing/", name="pypl-landing", cache=True)
    async def pypl_landing(self) -> Template:
        return page("pypl/index.html")

    @get("/shop-landing/", name="shop-landing", cache=True)
    async def shop_landing(self) -> Template:
        return page("shop/index.html")

    @get("/psf/sponsors/", name="psf-sponsors", cache=True)
    async def psf_sponsors(self) -> Template:
        return page("psf/sponsors-list.html", psf_page=True)

    @get("/community/microbit/", name="microbit", cache=True)
    async def microbit(self) -> Template:
        return page("community/microbit.html")

    @get("/authenticated", name="authenticated", opt={**NO_SLASH, **FORM}, cache_control=None)
    async def authenticated(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        """The account menu fragment (Django's ``USER_NAV_BAR``), the only per-user part of cached pages."""
        user = current_user(request)
        has_membership = False
        extra: list[tuple[str, str]] = []
        if user is not None:
            query = select(Membership.id).where(Membership.creator_id == user.id).limit(1)
            has_membership = (await db_session.execute(query)).first() is not None
            for label, url, route in USER_MENU_SECTIONS:
                try:
                    request.app.route_reverse(route)
                except NoRouteMatchFoundException:
                    continue  # that section is not built yet
                extra.append((label, url))
        return Template(
            template_name="includes/authenticated.html",
            context={"user": user, "has_membership": has_membership, "extra_links": extra},
            media_type=MediaType.HTML,
            headers={"Cache-Control": "private, no-cache", "Vary": "Cookie"},
        )


class TextController(Controller):
    """Plain-text and JSON documents and the health check (no layout, no site content)."""

    include_in_schema = False

    @get("/robots.txt", name="robots", opt=NO_SLASH)
    async def robots(self, settings: Settings) -> Template:
        return Template(
            template_name="robots.txt", media_type=MediaType.TEXT, context={"site_url": settings.site_url.rstrip("/")}
        )

    @get("/humans.txt", name="humans", opt=NO_SLASH)
    async def humans(self) -> Template:
        return Template(template_name="humans.txt", media_type=MediaType.TEXT)

    @get(["/_health", "/_health/{rest:path}", "/_healthcheck"], name="health", opt=NO_SLASH, cache_control=None)
    async def health(self) -> Response[str]:
        # Django's pattern is ``^_health/?`` without ``$``: every path that starts with it answers OK. Existing
        # monitors also call ``/_healthcheck``, which the Django deployment answered the same way.
        return Response("OK", media_type=MediaType.HTML, headers={"Cache-Control": "no-cache"})

    @get("/funding.json", name="funding_json", opt=NO_SLASH, sync_to_thread=True)
    def funding_json(self) -> Response[Any]:
        try:
            data = json.loads(FUNDING_JSON.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Response({"error": "funding.json not found"}, status_code=404, media_type=MediaType.JSON)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return json_error(500, f"funding.json is not valid JSON: {exc}")
        return Response(data, media_type=MediaType.JSON)
