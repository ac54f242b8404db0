"""Rate limits: per client address and per form (login, sign-up, password reset, e-mail confirmation), or per
caller on a whole router (the APIs), counted in the mode's store; over the limit is a 429 with ``Retry-After``.
The count comes from the app's settings, so operators and tests tune it without new code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig, RateLimitMiddleware, get_remote_address
from litestar.types import Receive, Scope, Send

from pydotorg.settings import Settings


def _post_only(request: Request[Any, Any, Any]) -> bool:
    return request.method == "POST"


class SettingsRateLimitMiddleware(RateLimitMiddleware):
    """Litestar's limiter, with the count read from the app's settings (``config.setting`` times ``weight``), so
    operators and tests can tune it without new code."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        config: SettingsRateLimitConfig = self.config  # type: ignore[assignment]
        settings: Settings = scope["litestar_app"].state.settings
        self.max_requests = max(1, int(getattr(settings, config.setting)) * config.weight)
        await super().__call__(scope, receive, send)


@dataclass
class SettingsRateLimitConfig(RateLimitConfig):
    setting: str = ""
    weight: int = 1


def rate_limit(name: str, weight: int = 1, setting: str = "auth_rate_limit") -> SettingsRateLimitConfig:
    """A per-address limit on the POSTs of one form (GETs of the form are free): ``setting`` per minute."""
    return SettingsRateLimitConfig(
        rate_limit=("minute", 1),
        identifier_for_request=lambda request: f"{name}:{get_remote_address(request)}",
        check_throttle_handler=_post_only,
        store="ratelimit",
        middleware_class=SettingsRateLimitMiddleware,
        setting=setting,
        weight=weight,
    )


def mail_limit(name: str) -> Any:
    """The middleware limiting a form whose posts send mail: ``mail_rate_limit`` per minute and address."""
    return rate_limit(name, setting="mail_rate_limit").middleware


def rate_limit_per(
    name: str, setting: str, identify: Callable[[Request[Any, Any, Any]], str]
) -> SettingsRateLimitConfig:
    """An hourly limit on every request of a router (the APIs), per ``identify(request)``; the count is the
    ``setting`` of the app's settings."""
    return SettingsRateLimitConfig(
        rate_limit=("hour", 1),
        identifier_for_request=lambda request: f"{name}:{identify(request)}",
        store="ratelimit",
        middleware_class=SettingsRateLimitMiddleware,
        setting=setting,
    )
