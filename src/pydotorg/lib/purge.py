"""CDN purges: a no-op unless Fastly is configured, then Fastly's purge API over HTTP (as ``fastly/utils.py``).

* ``purge_url(path)``: ``PURGE https://www.python.org<path>`` with the ``Fastly-Key`` header;
* ``purge_surrogate_key(key)``: ``POST <api>/service/<id>/purge/<key>``.

Failures raise, so the background job that calls them is retried and finally logged.
"""

from __future__ import annotations

import logging

import httpx

from pydotorg.settings import Settings

logger = logging.getLogger(__name__)


class PurgeClient:
    def __init__(self, settings: Settings) -> None:
        self.api_key = settings.fastly_api_key
        self.service_id = settings.fastly_service_id
        self.site = settings.purge_site_url.rstrip("/")
        self.api = settings.fastly_api_url.rstrip("/")
        self.purged: list[str] = []

    @property
    def enabled(self) -> bool:
        return bool(self.api_key)

    async def purge_url(self, path: str) -> None:
        self.purged.append(path)
        if not self.enabled:
            return
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.request("PURGE", f"{self.site}{path}", headers={"Fastly-Key": str(self.api_key)})
            response.raise_for_status()

    async def purge_surrogate_key(self, key: str) -> None:
        self.purged.append(f"key:{key}")
        if not self.enabled:
            return
        if not self.service_id:
            await self.purge_url(f"/{key}/")
            return
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(
                f"{self.api}/service/{self.service_id}/purge/{key}", headers={"Fastly-Key": str(self.api_key)}
            )
            response.raise_for_status()
