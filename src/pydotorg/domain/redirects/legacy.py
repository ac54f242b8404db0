"""The legacy rules python.org's nginx served in front of Django, applied here where no route, page or
``django_redirect`` row answers a path.

nginx's precedence is kept: an exact rule, then the regular expressions in their order (the first that matches
wins), then the longest matching prefix. Rules match the path only, never the query string (as nginx's
``location``); a target may use the pattern's groups (``$1``..``$9``), ``$args`` (the query string) and
``$is_args`` (``?`` when there is one), as nginx's ``return``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, cast
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import LegacyRedirect

MATCH_KINDS = ("exact", "prefix", "regex")
STATUS_CODES: tuple[int, ...] = (301, 302, 307, 308)
#: What a group captured is put in the Location header percent-encoded, except the characters a URL keeps.
_SAFE = "/:@!$&'()*+,;=~-._%"
_VARIABLE = re.compile(r"\$(\d|is_args|args)")


@dataclass(frozen=True)
class Rule:
    pattern: str
    match: str
    target: str
    status_code: int


RedirectStatus = Literal[301, 302, 307, 308]


@dataclass(frozen=True)
class LegacyTarget:
    location: str
    status_code: RedirectStatus


@lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def pattern_error(match: str, pattern: str) -> str | None:
    """Why a rule cannot be saved, or None."""
    if match not in MATCH_KINDS:
        return f"Choose one of {', '.join(MATCH_KINDS)}."
    if match == "regex":
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"Not a regular expression: {exc}."
        return None
    if not pattern.startswith("/"):
        return "This should be an absolute path, excluding the domain name, e.g. /Jobs.html."
    return None


def expand(target: str, groups: Sequence[str | None], query: str) -> str:
    def value(found: re.Match[str]) -> str:
        name = found.group(1)
        if name == "args":
            return query
        if name == "is_args":
            return "?" if query else ""
        index = int(name)
        if index == 0 or index > len(groups):
            return ""
        return quote(groups[index - 1] or "", safe=_SAFE)

    return _VARIABLE.sub(value, target)


def _status(code: int) -> RedirectStatus:
    """A rule's status, or 301 for one the admin would not have accepted (written to the table by hand)."""
    return cast("RedirectStatus", code) if code in STATUS_CODES else 301


def resolve(rules: Iterable[Rule], path: str, query: str = "") -> LegacyTarget | None:
    """The rule nginx would have applied to ``path``, expanded, or None."""
    rules = list(rules)
    for rule in rules:
        if rule.match == "exact" and rule.pattern == path:
            return LegacyTarget(expand(rule.target, (), query), _status(rule.status_code))
    for rule in rules:
        if rule.match == "regex" and (regex := compiled(rule.pattern)) is not None:
            found = regex.search(path)
            if found is not None:
                return LegacyTarget(expand(rule.target, found.groups(), query), _status(rule.status_code))
    prefixes = [r for r in rules if r.match == "prefix" and path.startswith(r.pattern)]
    if prefixes:
        rule = max(prefixes, key=lambda r: len(r.pattern))
        return LegacyTarget(expand(rule.target, (), query), _status(rule.status_code))
    return None


async def find_legacy_redirect(session: AsyncSession, path: str, query: str = "") -> LegacyTarget | None:
    rule = LegacyRedirect
    rows = await session.execute(select(rule.pattern, rule.match, rule.target, rule.status_code).order_by(rule.id))
    return resolve((Rule(*row) for row in rows.tuples()), path, query)
