"""The application factory. Nothing is built at import time: ``create_app()`` reads the settings and wires
the database, stores, templates, background jobs, routes and error handlers.
"""

from __future__ import annotations

from pathlib import Path

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, ImproperlyConfiguredException, NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins import PluginProtocol
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig
from litestar_granian import GranianPlugin
from sqlalchemy.exc import DBAPIError

from pydotorg import __version__
from pydotorg.domain.api.resources import REGISTRY
from pydotorg.domain.api.schemas import document_api
from pydotorg.domain.users.auth import AuthenticationMiddleware, build_session_config, provide_viewer
from pydotorg.lib.errors import DomainError
from pydotorg.lib.jobs import InProcessQueue, JobQueue, SaqJobQueue
from pydotorg.lib.versions import VersionStore
from pydotorg.server.cli import PydotorgCLIPlugin
from pydotorg.server.database import build_sqlalchemy_config
from pydotorg.server.errors import (
    database_value_handler,
    domain_error_handler,
    http_exception_handler,
    internal_error_handler,
    not_found_handler,
)
from pydotorg.server.head import HeadAsGet
from pydotorg.server.heap import freeze_startup_heap
from pydotorg.server.hosts import TrustedHosts
from pydotorg.server.jobs import QUEUE_NAME, DatabaseOutbox, build_saq_plugin, drop_worker_hooks, job_context
from pydotorg.server.layout import configure_engine
from pydotorg.server.live import build_live
from pydotorg.server.local_cache import LocalResponseCache
from pydotorg.server.observability import CountingStore, RequestObserver, build_logging_config, init_sentry
from pydotorg.server.routes import build_routers
from pydotorg.server.sections import home_parts
from pydotorg.server.security import csrf_middleware, security_headers, unguarded_write_routes
from pydotorg.server.site_content import site_content_loader
from pydotorg.server.static_files import (
    StaticManifest,
    build_favicon_handler,
    build_static_handler,
    legacy_media_redirect,
    media_router,
)
from pydotorg.server.stores import build_store_registry
from pydotorg.settings import Settings, get_settings
from pydotorg.web.cache import STORE_NAME as RESPONSE_CACHE_STORE
from pydotorg.web.cache import VERSION_STORE_NAME, build_response_cache_config, clear_response_cache
from pydotorg.web.changes import Changes
from pydotorg.web.fragments import Fragments
from pydotorg.web.site_content import STORE_NAME, SiteContentCache

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    stores = build_store_registry(settings)
    stores.register(RESPONSE_CACHE_STORE, CountingStore(stores.get(RESPONSE_CACHE_STORE)), allow_override=True)
    init_sentry(settings)
    changes = Changes(stores=stores)
    db_config = build_sqlalchemy_config(settings, changes)
    manifest = StaticManifest()

    plugins: list[PluginProtocol] = [SQLAlchemyPlugin(config=db_config), GranianPlugin(), PydotorgCLIPlugin()]
    saq_plugin = build_saq_plugin(settings) if settings.uses_redis else None
    jobs: JobQueue
    if saq_plugin is not None:
        plugins.append(saq_plugin)
        jobs = SaqJobQueue(
            saq_plugin.get_queue(QUEUE_NAME), retries=settings.job_retries, outbox=DatabaseOutbox(db_config.get_session)
        )
    else:
        jobs = InProcessQueue(job_context(settings, db_config.get_session, stores), retries=settings.job_retries)
    changes.jobs = jobs
    channels, live = build_live(settings, db_config.get_engine)
    plugins.append(channels)
    changes.live = live

    versions = stores.get(VERSION_STORE_NAME)
    session_config = build_session_config(secure=settings.secure_cookies, max_age=settings.session_max_age)
    state = State(
        {
            "settings": settings,
            "db_config": db_config,
            "session_config": session_config,
            "jobs": jobs,
            "live": live,
            "fragments": Fragments(versions, seconds=settings.fragment_cache_seconds),
            "site_content": SiteContentCache(
                stores.get(STORE_NAME), site_content_loader(db_config.create_session_maker())
            ),
        }
    )

    async def start_jobs(app: Litestar) -> None:
        async def clear() -> None:
            await clear_response_cache(app.stores)

        app.state.site_content.on_invalidate = clear
        if settings.gc_freeze:
            freeze_startup_heap()  # last: everything startup built is in place

    async def stop_jobs(app: Litestar) -> None:
        await live.stop()
        await jobs.drain()

    media = media_router(settings)
    app = Litestar(
        route_handlers=[
            *build_routers(),
            build_static_handler(manifest),
            build_favicon_handler(manifest),
            media,
            legacy_media_redirect(settings),
        ],
        plugins=plugins,
        state=state,
        stores=stores,
        debug=settings.debug,
        template_config=TemplateConfig(
            directory=TEMPLATE_DIR,
            engine=JinjaTemplateEngine,
            engine_callback=configure_engine(settings, manifest),
        ),
        dependencies={
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
            "home_parts": Provide(home_parts, use_cache=True, sync_to_thread=False),
            "jobs": Provide(lambda: jobs, use_cache=True, sync_to_thread=False),
            "viewer": Provide(provide_viewer, sync_to_thread=False),
        },
        exception_handlers={
            NotFoundException: not_found_handler,
            HTTPException: http_exception_handler,
            DomainError: domain_error_handler,
            OverflowError: database_value_handler,
            DBAPIError: database_value_handler,
            Exception: internal_error_handler,
        },
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024, gzip_compress_level=6),
        openapi_config=OpenAPIConfig(
            title="python.org API",
            version=__version__,
            path="/schema",
            description=(
                "The python.org APIs. /api/v2/ follows Django REST framework's conventions (bare lists, absolute "
                "hyperlinks, `Authorization: Token <key>`); /api/v1/ follows tastypie's (meta/objects envelopes, "
                "`Authorization: ApiKey <username>:<key>`). Reads are public; writes need a staff user's credentials."
            ),
            render_plugins=[
                SwaggerRenderPlugin(
                    path="/",
                    js_url=manifest.url("vendor/swagger-ui/swagger-ui-bundle.js"),
                    css_url=manifest.url("vendor/swagger-ui/swagger-ui.css"),
                    standalone_preset_js_url=manifest.url("vendor/swagger-ui/swagger-ui-standalone-preset.js"),
                    favicon=f'<link rel="icon" href="{manifest.url("img/favicon.svg")}">',
                )
            ],
        ),
        logging_config=build_logging_config(settings),
        on_startup=[start_jobs],
        on_shutdown=[stop_jobs],
        response_cache_config=build_response_cache_config(settings),
        middleware=[csrf_middleware(settings), session_config.middleware, AuthenticationMiddleware()],
        before_send=[security_headers(settings)],
    )
    drop_worker_hooks(app)
    document_api(app.routes, REGISTRY)  # request bodies and errors in the OpenAPI document
    handler = app.asgi_handler
    if settings.response_cache_seconds > 0 and settings.local_cache_mib > 0 and isinstance(versions, VersionStore):
        handler = LocalResponseCache(
            handler,
            versions=versions,
            max_bytes=settings.local_cache_mib * 1024 * 1024,
            default_lifetime=settings.response_cache_seconds,
        )
    app.asgi_handler = RequestObserver(
        TrustedHosts(HeadAsGet(handler), settings.trusted_hosts),
        settings,
        pool=db_config.get_engine().pool,
    )
    unguarded = unguarded_write_routes(app)
    if unguarded:
        msg = "routes that change state need a guard or a public_write reason: " + ", ".join(unguarded)
        raise ImproperlyConfiguredException(msg)
    return app
