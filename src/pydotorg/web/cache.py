"""The origin response cache: anonymous GETs of public pages and API reads, kept in the mode's store.

Routes opt in with ``cache=True``. A request carrying a session cookie or an ``Authorization`` header is never
served from nor stored in the cache (staff see drafts, users their own state). ``PYDOTORG_RESPONSE_CACHE_SECONDS``
sets the lifetime; 0 turns the cache off. Content changes clear it (:func:`clear_response_cache`), so the lifetime
only bounds how stale a page can be if a change bypasses the application.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any, cast

from litestar import Request, Response
from litestar.config.response_cache import ResponseCacheConfig
from litestar.datastructures import ResponseHeader
from litestar.stores.registry import StoreRegistry
from litestar.types import HTTPScope

from pydotorg.lib.versions import bump_version
from pydotorg.settings import Settings

logger = logging.getLogger(__name__)

STORE_NAME = "responsecache"
#: The store whose token changes each time the response cache is emptied (each process's in-memory copies of
#: cached answers are checked against it).
VERSION_STORE_NAME = "responsecacheversion"
#: The cache key prefix of a request the cache must neither answer nor keep.
BYPASS = "bypass:"
#: The scope key a handler outside the route table (the CMS pages) sets to the seconds its answer may be kept.
CACHEABLE_SCOPE_KEY = "pydotorg.cacheable"

#: Responses that are one visitor's own: never stored by the origin cache, a CDN or a shared proxy. The
#: ``Surrogate-Control`` overrides a cached route's (which a CDN honours before ``Cache-Control``).
PRIVATE: dict[str, str] = {"Cache-Control": "private, no-cache", "Surrogate-Control": "no-store"}


def public(*keys: str, max_age: int = 300, surrogate_control: str | None = None) -> dict[str, str]:
    """The headers of a public page: ``max_age`` seconds in browsers, and the CDN surrogate keys that a change
    purges (``web/changes.py``; every page also carries ``pydotorg-app``, which purges the whole site)."""
    headers = {"Cache-Control": f"public, max-age={max_age}", "Surrogate-Key": " ".join(["pydotorg-app", *keys])}
    if surrogate_control:
        headers["Surrogate-Control"] = surrogate_control
    return headers


def cache_policy(*keys: str, max_age: int = 300, surrogate_control: str | None = None) -> dict[str, Any]:
    """The route options of a public, cached page, declared once where the route is:
    ``@get("/jobs/", name="jobs:job_list", **cache_policy("jobs"))``.

    The origin cache keeps the anonymous answer and every answer carries :func:`public`'s headers. A handler that
    answers one visitor's own view (a draft, a signed-in user's list) returns :data:`PRIVATE` headers, which take
    precedence over the route's.
    """
    headers = public(*keys, max_age=max_age, surrogate_control=surrogate_control)
    return {"cache": True, "response_headers": [ResponseHeader(name=k, value=v) for k, v in headers.items()]}


def personal_request(scope: Any) -> bool:
    """Whether a request is one visitor's own (a session or credentials): the response cache never serves or keeps
    its answer. Read from the raw ASGI headers (lower-case names), since it runs on every cacheable request."""
    for name, value in scope.get("headers", ()):
        if name == b"authorization" or (name == b"cookie" and b"sessionid=" in value):
            return True
    return False


def build_response_cache_config(settings: Settings) -> ResponseCacheConfig:
    enabled = settings.response_cache_seconds > 0

    def key_builder(request: Request[Any, Any, Any]) -> str:
        if not enabled or personal_request(request.scope):
            return f"{BYPASS}{secrets.token_hex(8)}"  # never looked up (CountingStore), never stored (the filter)
        query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
        raw: bytes = (request.scope.get("raw_path") or request.url.path.encode()).split(b"?", 1)[0]
        return f"{request.base_url.netloc}{raw.decode('latin-1')}?{query}"

    def should_store(scope: HTTPScope, status_code: int) -> bool:
        if not enabled or status_code != 200:
            return False
        return not personal_request(scope)

    return ResponseCacheConfig(
        default_expiration=max(settings.response_cache_seconds, 1),
        store=STORE_NAME,
        key_builder=key_builder,
        cache_response_filter=should_store,
    )


# -- CMS pages: served by the 404 fallback, not by a route, so they are cached here -------------------------------
def cms_cache_key(request: Request[Any, Any, Any]) -> str | None:
    """The cache key of an anonymous GET of a CMS page, or None when it must not be cached."""
    settings: Settings = request.app.state.settings
    if settings.response_cache_seconds <= 0 or request.method != "GET" or request.url.query:
        return None
    if personal_request(request.scope):
        return None
    return f"cms:{request.base_url.netloc}{request.url.path}"


def mark_cacheable(request: Request[Any, Any, Any]) -> None:
    """Tell the in-process cache (``server/local_cache.py``) that this answer is the anonymous one it may keep."""
    settings: Settings = request.app.state.settings
    cast("dict[str, Any]", request.scope)[CACHEABLE_SCOPE_KEY] = settings.response_cache_seconds


async def cms_cache_lookup(request: Request[Any, Any, Any], key: str) -> Response[bytes] | None:
    stored = await request.app.stores.get(STORE_NAME).get(key)
    if stored is None:
        return None
    mark_cacheable(request)
    media_type, _, body = stored.partition(b"\n")
    return Response(body, media_type=media_type.decode(), headers={"content-type": media_type.decode()})


async def cms_cache_store(request: Request[Any, Any, Any], key: str, media_type: str, body: str) -> Response[bytes]:
    settings: Settings = request.app.state.settings
    encoded = body.encode()
    await request.app.stores.get(STORE_NAME).set(
        key, media_type.encode() + b"\n" + encoded, expires_in=settings.response_cache_seconds
    )
    mark_cacheable(request)
    # The page's content type exactly as stored (Django's PageView sends it so: "text/html", no charset added)
    return Response(encoded, media_type=media_type, headers={"content-type": media_type})


#: Attempts at emptying a file store that other processes write to and expire entries from meanwhile.
CLEAR_ATTEMPTS = 5


async def clear_response_cache(stores: StoreRegistry) -> None:
    """Empty the origin response cache. A file store (embedded mode) is a folder that other processes use at the
    same time: an entry they expire vanishes under ``rmtree`` (FileNotFoundError) and one they add makes the folder
    non-empty again (OSError); either would leave stale pages behind, so the clear is tried again.

    The version token of the processes' in-memory copies changes before and after: a copy another process took
    from the shared cache while it was being emptied is out of date as well."""
    versions = stores.get(VERSION_STORE_NAME)
    await bump_version(versions)
    failure: OSError | None = None
    for _ in range(CLEAR_ATTEMPTS):
        try:
            await stores.get(STORE_NAME).delete_all()
        except OSError as exc:  # FileNotFoundError too: also before the folder exists (nothing cached yet)
            failure = None if isinstance(exc, FileNotFoundError) else exc
        else:
            failure = None
            break
    await bump_version(versions)
    if failure is not None:
        logger.warning("the response cache could not be emptied (%s): pages may be stale until they expire", failure)
