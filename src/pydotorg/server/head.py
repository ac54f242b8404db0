"""HEAD on every URL that answers GET: the GET's status and headers, without the body.

Django answers HEAD wherever it answers GET; Litestar routes a ``@get`` handler for GET only, so uptime probes,
link checkers and ``curl -I`` got 405. Rather than declaring HEAD on each route (and on the static files, the
media, the CMS fallback and the API), the app's ASGI handler runs a HEAD request as the GET it stands for and
drops the body on the way out. Headers (``Content-Length``, ``ETag``, caching, security headers) are the GET's,
as RFC 9110 asks, and the response cache serves HEAD from the GET's entry.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        # In place: the app's before-send hooks (the database session's commit and close) hold this same scope.
        scope["method"] = "GET"

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app(scope, receive, without_body)
