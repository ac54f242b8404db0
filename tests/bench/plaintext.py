"""The ceiling every benchmark figure is compared with: a bare Litestar app answering plain text."""

from __future__ import annotations

from litestar import Litestar, MediaType, get


@get("/", media_type=MediaType.TEXT, sync_to_thread=False)
def hello() -> str:
    return "Hello, World!"


app = Litestar([hello], openapi_config=None)
