"""Downloading a document another site publishes (a calendar, a blog feed): bounded in time and in size."""

from __future__ import annotations

from email.message import Message

import httpx

from pydotorg.lib.forms import is_number


class FetchError(Exception):
    """The document could not be downloaded, or is too large; the message says which and why."""


async def fetch_capped(url: str, *, seconds: float, limit: int, user_agent: str) -> tuple[bytes, str, str | None]:
    """GET ``url`` (following redirects) and return (body, content type, charset); refuses bodies over ``limit``
    bytes, whatever the server declares, and answers other than 200."""
    try:
        async with (
            httpx.AsyncClient(timeout=seconds, follow_redirects=True) as client,
            client.stream("GET", url, headers={"User-Agent": user_agent}) as response,
        ):
            if response.status_code != httpx.codes.OK:
                raise FetchError(f"GET {url} answered {response.status_code}")
            declared = response.headers.get("Content-Length")
            if declared and is_number(declared) and int(declared) > limit:
                raise FetchError(f"the file is {int(declared):,} bytes; the limit is {limit:,}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"the file is larger than the limit of {limit:,} bytes")
                chunks.append(chunk)
            content_type = response.headers.get("Content-Type", "")
    except httpx.HTTPError as exc:
        raise FetchError(f"could not download {url}: {exc.__class__.__name__}: {exc}") from exc
    message = Message()
    message["Content-Type"] = content_type or "application/octet-stream"
    charset = message.get_param("charset")
    return b"".join(chunks), content_type, str(charset) if isinstance(charset, str) else None
