"""The list of domain routers. Adding a section of the site is one line here."""

from __future__ import annotations

import importlib
from typing import Any

from litestar import Request, Response, Router
from litestar.types import ControllerRouterHandler

from pydotorg.domain.admin.controllers import AdminController
from pydotorg.domain.api import v1 as api_v1
from pydotorg.domain.api import v2 as api_v2
from pydotorg.domain.boxes.controllers import box_detail
from pydotorg.domain.downloads.controllers import DownloadsController
from pydotorg.domain.downloads.docs import DocsController
from pydotorg.domain.events.controllers import EventsController
from pydotorg.domain.jobs.controllers import JobsController
from pydotorg.domain.pages.controllers import RootController, TextController
from pydotorg.domain.users.accounts import AccountController
from pydotorg.domain.users.controllers import MembershipController, UserController
from pydotorg.server.layout import append_slash, load_site_content

#: HTML sections: every route gets the site content (menu, boxes, banner) and Django's slash rule.
HTML_ROUTES: list[ControllerRouterHandler] = [
    RootController,
    box_detail,
    AccountController,
    UserController,
    MembershipController,
    AdminController,
    DocsController,
    EventsController,
    JobsController,
]

#: Sections that expose resources on /api/v1/ and /api/v2/ (each module registers them on import).
API_MODULES = [
    "pydotorg.domain.pages.api",
    "pydotorg.domain.downloads.api",
]

#: Sections whose models the staff admin manages (each module registers its ModelAdmins on import).
ADMIN_MODULES = [
    "pydotorg.domain.users.admin",
    "pydotorg.domain.pages.admin",
    "pydotorg.domain.boxes.admin",
    "pydotorg.domain.banners.admin",
    "pydotorg.domain.navigation.admin",
    "pydotorg.domain.redirects.admin",
    "pydotorg.domain.downloads.admin",
    "pydotorg.domain.events.admin",
    "pydotorg.domain.jobs.admin",
]

#: Documents without the layout.
PLAIN_ROUTES: list[ControllerRouterHandler] = [
    TextController,
]


def load_sections() -> None:
    """Import the modules that register admin models and API resources (idempotent)."""
    for module in [*ADMIN_MODULES, *API_MODULES]:
        importlib.import_module(module)


def build_routers() -> list[Router]:
    load_sections()
    return [
        api_v1.build_router(),
        api_v2.build_router(),
        # the downloads section answers at both of Django's mounts
        Router(path="/downloads", route_handlers=[DownloadsController], before_request=_html_before_request),
        Router(path="/getit", route_handlers=[DownloadsController], before_request=_html_before_request),
        Router(path="/", route_handlers=HTML_ROUTES, before_request=_html_before_request),
        Router(path="/", route_handlers=PLAIN_ROUTES, before_request=append_slash),
    ]


async def _html_before_request(request: Request[Any, Any, Any]) -> Response[Any] | None:
    redirect = append_slash(request)
    if redirect is not None:
        return redirect
    await load_site_content(request)
    return None
