"""The URLs of django-sitetree items that name a Django route (``urlaspattern``): the same pages here."""

from __future__ import annotations

URL_NAMES: dict[str, str] = {
    "home": "/",
    "about": "/about/",
    "documentation": "/doc/",
    "download:download": "/downloads/",
    "blog": "/blogs/",
    "psf-landing": "/psf-landing/",
    "docs-landing": "/docs-landing/",
    "inner": "/inner/",
    "jobs:job_list": "/jobs/",
    "jobs:job_types": "/jobs/types/",
    "jobs:job_categories": "/jobs/categories/",
    "jobs:job_locations": "/jobs/locations/",
    "jobs:job_create": "/jobs/create/",
}


def resolve_url(url: str, as_pattern: bool) -> str:
    if as_pattern:
        return URL_NAMES.get(url, url)
    return url
