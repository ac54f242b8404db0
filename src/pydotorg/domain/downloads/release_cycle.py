"""End-of-life information and the "active releases" table, from release-cycle data in the format of
peps.python.org's ``release-cycle.json``. The data ships with the app (``release-cycle.json`` beside this module)
or comes from ``PYDOTORG_RELEASE_CYCLE_FILE``; it is read from disk, never fetched during a request."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydotorg.db.models.downloads import Release, ReleaseVersion

logger = logging.getLogger(__name__)
BUNDLED = Path(__file__).with_name("release-cycle.json")


@dataclass(frozen=True)
class Branch:
    version: str
    status: str
    pep: int | None
    first_release: str
    end_of_life: str
    release_manager: str

    @property
    def is_eol(self) -> bool:
        return self.status == "end-of-life"

    @property
    def pep_url(self) -> str:
        return f"https://peps.python.org/pep-{self.pep:04d}/" if self.pep else ""

    @property
    def sort_key(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.version.split(".") if part.isdigit())


@lru_cache(maxsize=4)
def _load(path: str, _mtime: float) -> dict[str, Branch]:
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return {
        version: Branch(
            version=version,
            status=str(row.get("status", "")),
            pep=int(row["pep"]) if row.get("pep") else None,
            first_release=str(row.get("first_release", "")),
            end_of_life=str(row.get("end_of_life", "")),
            release_manager=str(row.get("release_manager", "")),
        )
        for version, row in data.items()
    }


def branches(path: Path | None = None) -> dict[str, Branch]:
    target = path or BUNDLED
    try:
        return _load(str(target), target.stat().st_mtime)
    except (OSError, ValueError, TypeError, KeyError):
        logger.exception("release-cycle data at %s cannot be read; end-of-life notices are off", target)
        return {}


@dataclass(frozen=True)
class EolInfo:
    is_eol: bool
    eol_date: str = ""


def eol_info(release: Release, path: Path | None = None) -> EolInfo:
    """Django's ``get_eol_info``: Python 2 releases missing from the data count as end-of-life."""
    numbers = release.version_tuple()
    if len(numbers) < 2 or release.version == ReleaseVersion.PYMANAGER:
        return EolInfo(is_eol=False)
    branch = branches(path).get(f"{numbers[0]}.{numbers[1]}")
    if branch is None:
        return EolInfo(is_eol=numbers[0] <= 2)
    return EolInfo(is_eol=branch.is_eol, eol_date=branch.end_of_life)


def active_releases(existing_minors: set[tuple[int, ...]], path: Path | None = None) -> list[Branch]:
    """The supported-versions table: feature-stage branches only once a 3.X release exists in the database, then
    every supported branch, then only the newest end-of-life branch."""
    rows = sorted(branches(path).values(), key=lambda b: b.sort_key, reverse=True)
    shown: list[Branch] = []
    eol_shown = False
    for branch in rows:
        if branch.status in {"feature", "prerelease"} and branch.sort_key[:2] not in existing_minors:
            continue
        if branch.is_eol:
            if eol_shown:
                continue
            eol_shown = True
        shown.append(branch)
    return shown
