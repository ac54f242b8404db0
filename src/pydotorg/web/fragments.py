"""Parts of public pages computed once and reused by every request until the content changes.

A page is still assembled per request (layout, navigation state, per-visitor parts), but what is the same for every
visitor and costly to build (the downloads page's list of every release, the home page's news and events) is kept
in process memory as plain data or rendered markup, never as ORM objects bound to a session:

* a part is valid while the public-content version token is the one it was built under: every committed change to
  a model with a cache policy (``web/changes.py``) empties the response cache and writes a new token, on whichever
  instance made it (``lib/versions.py``: seen at once on this machine, within ``PYDOTORG_VERSION_CHECK_SECONDS``
  elsewhere);
* and for at most ``PYDOTORG_FRAGMENT_CACHE_SECONDS`` (parts depending on the clock, such as upcoming events, move
  on within that); 0 builds every part on every request.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.stores.base import Store
from markupsafe import Markup

from pydotorg.lib.versions import read_version

T = TypeVar("T")

#: The ``?page=`` values whose page of a list is kept as a part (anything else is built and not kept).
KEPT_PAGE = re.compile(r"^[1-9][0-9]{0,3}$")

#: Parts kept per process (one per release page, a few dozen others); the least recently used go first.
MAX_PARTS = 1024


class Fragments:
    def __init__(self, versions: Store, *, seconds: int, max_parts: int = MAX_PARTS) -> None:
        self.versions = versions
        self.seconds = seconds
        self.max_parts = max_parts
        self.parts: OrderedDict[str, tuple[bytes, float, Any]] = OrderedDict()

    async def get(self, key: str, build: Callable[[], Awaitable[T]]) -> T:
        """The part named ``key``: the kept one while valid, else what ``build`` makes (then kept, unless it is
        None: a miss, such as an unknown slug, is not worth a place)."""
        if self.seconds <= 0:
            return await build()
        token = await read_version(self.versions)
        kept = self.parts.get(key)
        now = time.monotonic()
        if kept is not None and kept[0] == token and kept[1] > now:
            self.parts.move_to_end(key)
            value: T = kept[2]
            return value
        value = await build()
        if value is None:
            return value
        self.parts[key] = (token, now + self.seconds, value)
        self.parts.move_to_end(key)
        while len(self.parts) > self.max_parts:
            self.parts.popitem(last=False)
        return value


async def fragment(
    connection: ASGIConnection[Any, Any, Any, Any], key: str, build: Callable[[], Awaitable[T]], *, keep: bool = True
) -> T:
    """A part of a public page through the app's :class:`Fragments`. ``keep=False`` builds it and keeps nothing:
    for a view that is not the public's (staff, who may see drafts)."""
    if not keep:
        return await build()
    fragments: Fragments = connection.app.state.fragments
    return await fragments.get(key, build)


async def page_fragment(request: Request[Any, Any, Any], key: str, build: Callable[[], Awaitable[T]]) -> T:
    """A page of a public list (``?page=N``) as a part: pages 1-9999 are kept under ``<key>:<N>``; any other value
    (which the list answers with its first page or a 404) is built each time and not kept, so odd query strings
    cannot fill the process's parts."""
    number = request.query_params.get("page")
    if number is not None and not KEPT_PAGE.match(number):
        return await build()
    return await fragment(request, f"{key}:{number or 1}", build)


def render_markup(request: Request[Any, Any, Any], template: str, **context: Any) -> Markup:
    """A sub-template rendered to markup, to keep as a part of a page (it must not depend on the visitor)."""
    engine = request.app.template_engine
    if engine is None:  # pragma: no cover - the app always configures Jinja
        raise RuntimeError("no template engine")
    return Markup(engine.get_template(template).render(**context, request=request))  # noqa: S704 - our template's output
