"""One Settings object for the whole application (pydantic-settings).

The run mode follows from configuration alone:

* embedded (default): SQLite under ``var/``, file stores, in-process background jobs, mail to ``var/mail``;
* production services: ``DATABASE_URL`` (postgresql+asyncpg) and ``REDIS_URL`` select PostgreSQL, Redis stores
  and the SAQ queue served by ``pydotorg workers run``.

``PYDOTORG_ENV=production`` additionally refuses to start with a default or weak secret key.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Marker for the development secret. It is never accepted in production mode.
DEV_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105 - refused in production
MIN_SECRET_LENGTH = 32


class InsecureConfigurationError(RuntimeError):
    """Raised when production mode is asked to start with unsafe settings."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PYDOTORG_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"
    debug: bool = False
    secret_key: str = DEV_SECRET_KEY
    site_name: str = "Python.org"
    #: Where the site is served: every absolute URL the app writes (mail links, feeds, calendars) starts here.
    site_url: str = "http://127.0.0.1:8000"
    #: Host names requests may name in their Host header besides the site URL's (``*.example.org`` allows the
    #: subdomains; ``*`` any host, refused in production). Outside production the loopback names are allowed too.
    allowed_hosts: list[str] = Field(default_factory=list)

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "PYDOTORG_DATABASE_URL")
    )
    redis_url: str | None = Field(default=None, validation_alias=AliasChoices("REDIS_URL", "PYDOTORG_REDIS_URL"))
    #: Seconds a Redis command may take before Redis counts as unreachable, and how long the instance then serves
    #: from its own memory before trying Redis again (``lib/stores.py``).
    redis_timeout: float = 0.5
    redis_retry_after: float = 1.0
    db_echo: bool = False
    db_pool_size: int = 10
    #: False opens a connection per session (NullPool): for external poolers such as PgBouncer, and for tests
    #: that drive the app from more than one event loop.
    db_pool: bool = True
    #: Seconds to open a PostgreSQL connection, and to wait for a free one in the pool, before answering 503.
    db_connect_timeout: float = 3.0
    db_pool_timeout: float = 5.0

    var_dir: Path = Path("var")
    media_root: Path | None = None
    media_url: str = "/media/"
    #: where uploads are stored: empty for the local media root, or an fsspec URL (``s3://bucket/media``)
    media_storage: str = ""

    #: Outgoing mail: ``file`` writes .eml files under ``var/mail`` (embedded default), ``smtp`` sends them
    #: (the default in production). Mail is always sent from a background job.
    mail_backend: Literal["file", "smtp"] | None = None
    default_from_email: str = "noreply@python.org"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_timeout: float = 30.0

    #: How long a login lasts (seconds); Django's SESSION_COOKIE_AGE is two weeks.
    session_max_age: int = 14 * 24 * 3600
    #: Requests per minute and client address on login, sign-up, password reset and e-mail confirmation.
    auth_rate_limit: int = 10
    #: Form posts per minute and client address that send mail (adding or re-confirming an address, event and
    #: story submissions, job submissions and comments, memberships): none can be used to flood an inbox.
    mail_rate_limit: int = 5
    #: Seconds a password-reset link stays valid (Django's PASSWORD_RESET_TIMEOUT, three days).
    password_reset_timeout: int = 3 * 24 * 3600

    #: CDN purges (Fastly); without an API key purges are skipped.
    fastly_api_key: str | None = None
    fastly_service_id: str | None = None
    fastly_api_url: str = "https://api.fastly.com"
    purge_site_url: str = "https://www.python.org"
    #: The release-cycle data behind end-of-life notices (peps.python.org's release-cycle.json format);
    #: by default the copy that ships with the app. Never fetched while serving a request.
    release_cycle_file: Path | None = None

    #: API throttles, requests per hour. v1 is tastypie's 600 per user or address. v2 was 100 per day for anonymous
    #: clients on Django, which broke Renovate and CI scripts (inventory §4.2): here reads are generous.
    api_v1_rate_limit: int = 600
    api_v2_rate_limit: int = 10_000

    #: Seconds an anonymous page or API read is kept in the origin response cache; 0 turns the cache off.
    response_cache_seconds: int = 60
    #: Each process also keeps the cached answers it serves most in memory (up to this many MiB; 0 turns that
    #: off), checked against the shared cache's version token: see ``server/local_cache.py``.
    local_cache_mib: int = 64
    #: With Redis, how often a process reads the shared version tokens (site content, response cache) again: a
    #: change made on another instance is seen within this many seconds (at once on the instance that made it).
    version_check_seconds: float = 0.25
    #: The longest a precomputed part of a public page (``web/fragments.py``) is reused; content changes retire
    #: parts at once. 0 builds every part on every request.
    fragment_cache_seconds: int = 60
    #: After startup each process freezes the objects it built out of the garbage collector's sight, so a full
    #: collection under load walks only what requests made (``server/heap.py``). Off in the test suite, which
    #: starts the same app many times.
    gc_freeze: bool = True

    #: Events: where event submissions are mailed; ICS imports (download timeout, size limit, SAQ cron schedule).
    events_to_email: str = "events@python.org"
    #: Where new success story submissions are mailed (Django mailed the PSF staff).
    success_stories_to_email: str = "psf-staff@python.org"
    ics_timeout: float = 30.0
    ics_max_bytes: int = 5 * 1024 * 1024
    ics_import_cron: str = "17 * * * *"

    #: Blogs: the Python Insider feed whose newest entry fills the ``supernav-python-blog`` box, the host its
    #: entries' links are rewritten to (from ``pythoninsider.blogspot.com``), and when ``update_blogs`` runs.
    python_blog_feed_url: str = "https://blog.python.org/feeds/posts/default?alt=rss"
    python_blog_url: str = "https://blog.python.org"
    feed_timeout: float = 20.0
    feed_max_bytes: int = 10 * 1024 * 1024
    blogs_update_cron: str = "*/30 * * * *"

    #: Job board: the moderators' address (submissions, decisions, comments), the From address of its mail, the
    #: monthly report's recipients, and the days after expiry before an approved job is marked expired.
    jobs_email: str = "jobs@python.org"
    job_from_email: str = "jobs@python.org"
    jobs_report_to: list[str] = ["jobs@python.org"]
    job_threshold_days: int = 90
    jobs_expire_cron: str = "5 3 * * *"
    jobs_report_cron: str = "0 7 27 * *"

    #: Sponsorships: the PSF sponsorship team's address (new applications, decisions) and the From of sponsor mail.
    sponsorship_notification_to_email: str = "psf-sponsors@python.org"
    sponsorship_notification_from_email: str = "sponsors@python.org"
    #: The daily reminder of required sponsor assets due in this many days, and when it runs.
    sponsorship_assets_due_days: int = 7
    sponsorship_assets_cron: str = "0 9 * * *"

    #: Seconds ``pydotorg run`` keeps serving, reporting not ready, after SIGTERM before it stops (the load
    #: balancer's health check interval times its fall count, plus a margin).
    shutdown_drain_seconds: float = 3.0
    #: JSON log lines (one object per line, for a log collector) or plain text; JSON by default in production.
    log_format: Literal["text", "json"] | None = None
    #: ``/metrics`` (Prometheus): the bearer token a scraper sends. Without one, only loopback clients outside
    #: production may read it; in production it is refused to everyone.
    metrics_token: str | None = None
    #: Sentry error reporting, when set (needs the ``sentry`` extra: ``pip install pydotorg[sentry]``).
    sentry_dsn: str | None = Field(default=None, validation_alias=AliasChoices("SENTRY_DSN", "PYDOTORG_SENTRY_DSN"))
    #: The deployed release's name (``scripts/rolling-deploy.sh`` sets it): reported by ``/_health/ready`` and in
    #: Sentry, so an operator can see which release each instance runs. The package version when unset.
    release: str | None = None

    #: Seconds between the staff admin's WebSocket heartbeats (a socket silent for two is closed).
    live_heartbeat: float = 20.0

    #: When the SAQ worker moves jobs kept in the outbox (while Redis was unreachable) onto the queue.
    job_outbox_cron: str = "* * * * *"

    #: Number of concurrent jobs a SAQ worker runs.
    worker_concurrency: int = 10
    #: How many times an in-process job is retried before it is logged as failed.
    job_retries: int = 3

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+asyncpg://" + value[len(prefix) :]
        return value

    @model_validator(mode="after")
    def _check_production(self) -> Settings:
        if self.env == "production":
            if self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < MIN_SECRET_LENGTH:
                msg = (
                    "PYDOTORG_SECRET_KEY must be set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters in production (try: {secrets.token_urlsafe(48)!r})"
                )
                raise InsecureConfigurationError(msg)
            if self.debug:
                raise InsecureConfigurationError("PYDOTORG_DEBUG must be off in production")
            if "*" in self.allowed_hosts:
                raise InsecureConfigurationError("PYDOTORG_ALLOWED_HOSTS must name hosts in production, not '*'")
        return self

    # -- derived values -------------------------------------------------------------------------------------------
    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def trusted_hosts(self) -> list[str]:
        """Every Host a request may name: the site URL's, ``allowed_hosts``, and loopback outside production."""
        hosts = [urlsplit(self.site_url).hostname or "", *self.allowed_hosts]
        if not self.is_production:
            hosts += ["localhost", "127.0.0.1", "::1"]
        return [host.lower() for host in hosts if host]

    def absolute_url(self, path: str) -> str:
        """``path`` on the configured site, never on the host a request named."""
        return self.site_url.rstrip("/") + path

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.var_dir / 'pydotorg.sqlite3').resolve()}"

    @property
    def uses_sqlite(self) -> bool:
        return self.sqlalchemy_url.startswith("sqlite")

    @property
    def uses_redis(self) -> bool:
        return bool(self.redis_url)

    @property
    def media_path(self) -> Path:
        return (self.media_root or self.var_dir / "media").resolve()

    @property
    def mail_path(self) -> Path:
        return (self.var_dir / "mail").resolve()

    @property
    def store_path(self) -> Path:
        return (self.var_dir / "stores").resolve()

    @property
    def mail_transport(self) -> str:
        return self.mail_backend or ("smtp" if self.is_production else "file")

    @property
    def secure_cookies(self) -> bool:
        return self.is_production

    @property
    def json_logs(self) -> bool:
        return (self.log_format or ("json" if self.is_production else "text")) == "json"

    @property
    def mode(self) -> str:
        return "services" if self.database_url or self.redis_url else "embedded"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment and ``.env``."""
    return Settings()
