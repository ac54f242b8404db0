"""The CMS core over HTTP: root pages, boxes, CMS pages, redirects, banners and error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient
from sqlalchemy import delete

from pydotorg.db.models import Banner, Page, Redirect

pytestmark = pytest.mark.usefixtures("backend")


async def test_home_page_has_the_menu_the_boxes_and_the_layout(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    html = response.text
    # top bar of the Python network, from the menu tree
    for label in ("PSF", "Docs", "PyPI", "Jobs", "Community"):
        assert f">{label}</a>" in html
    # main menu with its sections and their dropdown boxes
    for label in ("About", "Downloads", "Documentation", "Success Stories", "News", "Events"):
        assert f">{label}</a>" in html
    assert 'data-box="supernav-python-about"' in html
    assert 'href="/downloads/windows/"' in html
    # homepage boxes
    assert "Start with the beginner&rsquo;s guide" in html or "Start with the beginner’s guide" in html
    assert "Use Python for" in html
    assert "Visit the Python Job Board" in html
    # footer contains the Contributing section (footer-only menu item)
    assert "Developer&#39;s Guide" in html or "Developer's Guide" in html
    # assets are fingerprinted, and nothing comes from a CDN
    assert "/static/css/site." in html and 'css/site.css"' not in html
    assert "googleapis" not in html and "cdn" not in html.lower()


async def test_about_page_renders_its_boxes(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/about/")
    assert response.status_code == 200
    assert "About Python" in response.text
    assert "Friendly and easy to learn" in response.text


@pytest.mark.parametrize(
    ("path", "needle"),
    [
        ("/psf-landing/", "Python Software Foundation"),
        ("/docs-landing/", "Python documentation"),
        ("/psf/sponsors/", "Python Software Foundation sponsors"),
        ("/community/microbit/", "micro:bit"),
        ("/shell/", "Interactive Python shell"),
        ("/inner/", "Python.org"),
        ("/pypl-landing/", "Python Package Index"),
        ("/shop-landing/", "Our community"),
    ],
)
async def test_root_template_pages(client: AsyncTestClient[Litestar], path: str, needle: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert needle in response.text


async def test_missing_trailing_slash_redirects_like_django(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/about?ref=x", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/about/?ref=x"


async def test_plain_documents(client: AsyncTestClient[Litestar]) -> None:
    robots = await client.get("/robots.txt")
    assert robots.status_code == 200
    assert robots.headers["content-type"].startswith("text/plain")
    assert "Disallow: /admin/" in robots.text
    humans = await client.get("/humans.txt")
    assert humans.headers["content-type"].startswith("text/plain")
    assert "/* TEAM */" in humans.text


@pytest.mark.parametrize("path", ["/_health", "/_health/", "/_health/deep/check"])
async def test_health_answers_ok_under_its_prefix(client: AsyncTestClient[Litestar], path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.text == "OK"


async def test_health_route_is_anchored(client: AsyncTestClient[Litestar]) -> None:
    # Django's unanchored ``^_health/?`` answered any path starting with "_health" (inventory §7.4); ours answers
    # "/_health", "/_health/..." and, for the monitors written against Django, "/_healthcheck" (issue 15), no more.
    for path in ("/_healthz", "/_health-check", "/_healthcheck/extra"):
        assert (await client.get(path)).status_code == 404, path


async def test_funding_json(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/funding.json")
    assert response.status_code == 200
    body = response.json()
    assert body["entity"]["name"] == "Python Software Foundation"
    assert body["projects"][0]["guid"] == "cpython"


async def test_authenticated_fragment_for_anonymous_visitors(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/authenticated")
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'href="/accounts/login/"' in response.text
    assert "private" in response.headers["cache-control"]


async def test_box_returns_its_fragment_without_layout(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/box/supernav-python-about/")
    assert response.status_code == 200
    assert response.text.startswith('<li class="tier-2 super-navigation">')
    assert "<html" not in response.text


@pytest.mark.parametrize("label", ["does-not-exist", "x" * 300])
async def test_unknown_box_is_a_404_page(client: AsyncTestClient[Litestar], label: str) -> None:
    response = await client.get(f"/box/{label}/")
    assert response.status_code == 404
    assert "Error 404" in response.text


async def test_404_page_matches_django(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/no/such/page/")
    assert response.status_code == 404
    assert response.headers["cache-control"] == "max-age=300"
    assert 'href="/downloads/"' in response.text
    assert 'href="/doc/"' in response.text
    assert 'href="https://pypi.org/"' in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path", ["/%E0%A4%A", "/%ZZ/", "/" + "a" * 5000, "/a/%00/b", "/..%2f..%2fetc/passwd"])
async def test_bad_paths_get_a_clean_4xx(client: AsyncTestClient[Litestar], path: str) -> None:
    response = await client.get(path)
    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.text


async def test_unknown_api_path_is_the_sites_404_page(client: AsyncTestClient[Litestar]) -> None:
    # tastypie's and DRF's URL patterns match only their resources: Django answered any other /api/ path with the
    # site's HTML 404 (issue 15)
    response = await client.get("/api/v9/nothing/")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html") and "Error 404" in response.text


async def test_post_to_unknown_path_is_404_without_a_page_lookup(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/about/gettingstarted/")
    assert response.status_code == 404


async def test_method_not_allowed_is_405(client: AsyncTestClient[Litestar]) -> None:
    response = await client.post("/about/")
    assert response.status_code == 405
    assert "Error 405" in response.text


@pytest.fixture
async def pages(app: Litestar) -> AsyncIterator[dict[str, Page]]:
    session_maker = app.state.db_config.get_session
    created = {
        "draft": Page(path="test/draft", title="Draft page", content="secret", is_published=False),
        "broken": Page(path="test/broken", title="Broken", content="Title\n===\n\n.. nonsense::\n\n`open"),
        "raw": Page(
            path="test/raw.xml",
            title="Raw",
            content="<feed/>",
            content_type="application/xml",
            template_name="pages/raw.html",
        ),
        "psf": Page(path="psf/test-page", title="PSF test", content="PSF body", template_name="psf/default.html"),
        "html": Page(path="test/html", title="HTML", content='<p class="x">Hi</p>', content_markup_type="html"),
    }
    async with session_maker() as session:
        session.add_all(created.values())
        await session.commit()
    yield created
    async with session_maker() as session:
        await session.execute(delete(Page).where(Page.path.in_([p.path for p in created.values()])))
        await session.commit()


async def test_cms_page_is_served_by_the_catch_all(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/about/gettingstarted/")
    assert response.status_code == 200
    assert '<h1 class="page-title">Python For Beginners</h1>' in response.text
    assert '<meta name="description" content="Where to start' in response.text
    assert "<h2" in response.text  # rendered reStructuredText


async def test_cms_page_without_slash_redirects_to_the_slash_url(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/about/gettingstarted?x=1", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "http://testserver.local/about/gettingstarted/?x=1"


async def test_draft_pages_are_hidden_from_visitors(client: AsyncTestClient[Litestar], pages: dict[str, Page]) -> None:
    response = await client.get("/test/draft/")
    assert response.status_code == 404
    assert "secret" not in response.text


async def test_broken_rest_renders_an_error_inside_the_page(
    client: AsyncTestClient[Litestar], pages: dict[str, Page]
) -> None:
    response = await client.get("/test/broken/")
    assert response.status_code == 200
    assert "system-message" in response.text


async def test_raw_template_and_content_type(client: AsyncTestClient[Litestar], pages: dict[str, Page]) -> None:
    response = await client.get("/test/raw.xml/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert response.text == "<feed/>"


async def test_html_page_keeps_trusted_markup(client: AsyncTestClient[Litestar], pages: dict[str, Page]) -> None:
    response = await client.get("/test/html/")
    assert '<p class="x">Hi</p>' in response.text


@pytest.fixture
async def redirects(app: Litestar) -> AsyncIterator[None]:
    session_maker = app.state.db_config.get_session
    async with session_maker() as session:
        session.add_all(
            [
                Redirect(old_path="/old/place/", new_path="/about/"),
                Redirect(old_path="/removed/", new_path=""),
                Redirect(old_path="/search?q=old", new_path="/doc/"),
            ]
        )
        await session.commit()
    yield
    async with session_maker() as session:
        await session.execute(delete(Redirect))
        await session.commit()


@pytest.mark.usefixtures("redirects")
async def test_redirects_table(client: AsyncTestClient[Litestar]) -> None:
    moved = await client.get("/old/place/", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == "/about/"
    appended = await client.get("/old/place", follow_redirects=False)
    assert appended.status_code == 301
    assert appended.headers["location"] == "/about/"
    with_query = await client.get("/search?q=old", follow_redirects=False)
    assert with_query.status_code == 301
    gone = await client.get("/removed/")
    assert gone.status_code == 410
    assert "Error 410" in gone.text


@pytest.fixture
async def banners(app: Litestar) -> AsyncIterator[None]:
    session_maker = app.state.db_config.get_session
    async with session_maker() as session:
        session.add_all(
            [
                Banner(title="Vote", message="PSF board elections are open", link="/psf/elections/", active=True),
                Banner(title="Inactive", message="never shown", link="/x/", active=False, psf_pages_only=False),
            ]
        )
        await session.commit()
    await app.state.site_content.invalidate()
    yield
    async with session_maker() as session:
        await session.execute(delete(Banner))
        await session.commit()
    await app.state.site_content.invalidate()


@pytest.mark.usefixtures("banners")
async def test_psf_only_banner_shows_on_psf_pages_only(client: AsyncTestClient[Litestar]) -> None:
    assert "PSF board elections are open" in (await client.get("/psf-landing/")).text
    assert "PSF board elections are open" not in (await client.get("/")).text
    assert "never shown" not in (await client.get("/")).text


async def test_static_files_are_fingerprinted_and_cached_for_a_year(
    client: AsyncTestClient[Litestar],
) -> None:
    html = (await client.get("/")).text
    start = html.index("/static/css/site.")
    url = html[start : html.index('"', start)]
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-type"].startswith("text/css")
    plain = await client.get("/static/css/site.css")
    assert plain.headers["cache-control"] == "public, max-age=3600"
    assert (await client.get("/static/css/nothing.css")).status_code == 404
    assert (await client.get("/static/../settings.py")).status_code == 404


async def test_server_errors_never_leak_a_traceback(app: Litestar) -> None:
    @get("/explode/", sync_to_thread=False)
    def explode() -> Any:
        raise RuntimeError("database password is hunter2")

    @get("/api/explode/", sync_to_thread=False)
    def explode_api() -> Any:
        raise RuntimeError("database password is hunter2")

    app.register(explode)
    app.register(explode_api)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/explode/")
        assert response.status_code == 500
        assert "Internal Server Error" in response.text
        assert "hunter2" not in response.text and "Traceback" not in response.text
        api = await client.get("/api/explode/")
        assert api.status_code == 500
        assert api.json() == {"status_code": 500, "detail": "Internal Server Error"}
        assert "hunter2" not in api.text


async def test_uploaded_media_is_served_from_the_media_root(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    media = app.state.settings.media_path
    (media / "about").mkdir(parents=True, exist_ok=True)
    (media / "about" / "logo.txt").write_text("uploaded")
    response = await client.get("/media/about/logo.txt")
    assert response.status_code == 200
    assert response.text == "uploaded"
    assert "immutable" in response.headers["cache-control"]
    assert (await client.get("/media/../pydotorg.sqlite3")).status_code == 404
