"""The bad-input corpus: every form the route table serves (the public ones, the account ones and every admin add
and change form) submitted with each hostile value in every text field, and as bytes that are not UTF-8. Zero
5xx, and no payload ever comes back as live markup — on the form's answer or on the public pages afterwards.

Runs on a database of its own: whatever the corpus manages to store must not reach the other tests."""

from __future__ import annotations

import datetime
import re
from collections.abc import AsyncIterator, Callable
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from pydotorg.app import create_app
from pydotorg.domain.admin.registry import REGISTRY as ADMINS
from pydotorg.settings import Settings
from tests.conftest import log_in, make_user

pytestmark = pytest.mark.usefixtures("backend")

SCRIPT = '<script>alert("corpus")</script>'
CORPUS = {
    "unicode digits": "¹²٣①",
    "huge number": "9" * 40,
    "negative number": "-1",
    "nul byte": "corpus\x00nul",
    "over-long": "x" * 20_000,
    "markup": f'{SCRIPT}<img src=x onerror="alert(2)"><a href="javascript:alert(3)">corpus</a>',
    "markdown link": "[corpus](javascript:alert(4)) **bold**",
}
TEXT_TYPES = {"text", "email", "url", "password", "search", "number", "tel", "date", "datetime-local", "time", ""}
#: forms that end the session or the account: submitted last, or not at all
LAST = ("/accounts/password/change/",)
PUBLIC_FORMS = (
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/email/",
    "/users/edit/",
    "/users/membership/",
    "/users/membership/affirm/",
    "/events/submit/",
    "/jobs/create/",
    "/success-stories/create/",
    # the seed's open PSF Board election (its nominations window is around the seeding day)
    f"/nominations/{datetime.date.today().year + 1}-psf-board-election/create/",
)
PAGES_AFTER = ("/", "/jobs/", "/events/", "/success-stories/", "/community/", "/blogs/", "/search/?q=corpus",
               "/users/nominations/")  # fmt: skip


class Forms(HTMLParser):
    """The POST forms of a page: action, and each field's name, kind and value (selects keep their first or
    selected option, checkboxes their checked state)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, list[tuple[str, str, str]]]] = []
        self._fields: list[tuple[str, str, str]] | None = None
        self._select: str | None = None
        self._chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self._fields = []
                self.forms.append((a.get("action", ""), self._fields))
            return
        if self._fields is None or not (name := a.get("name")):
            if tag == "option" and self._select and self._fields is not None and not self._chosen:
                self._fields.append((self._select, "select", a.get("value", "")))
                self._chosen = True
            return
        if tag == "input":
            kind = a.get("type", "").lower()
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._fields.append((name, kind, a.get("value", "")))
        elif tag == "textarea":
            self._fields.append((name, "textarea", ""))
        elif tag == "select":
            self._select, self._chosen = name, False

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _live_markup(html: str) -> list[str]:
    """Corpus payloads that came back as markup rather than text."""
    found = []
    if SCRIPT in html:
        found.append("script")
    if re.search(r"<img src=x onerror=", html):
        found.append("onerror")
    if re.search(r"""href=["']?javascript:alert""", html):
        found.append("javascript: link")
    return found


@pytest.fixture
def corpus_settings(isolated_settings: Callable[..., Settings]) -> Settings:
    return isolated_settings()


@pytest.fixture
async def corpus_client(corpus_settings: Settings) -> AsyncIterator[AsyncTestClient[Litestar]]:
    app = create_app(corpus_settings)
    await make_user(app, "corpus-admin", is_staff=True, is_superuser=True)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        await log_in(client, "corpus-admin")
        yield client
    await app.state.db_config.get_engine().dispose()


async def _form_urls(client: AsyncTestClient[Litestar]) -> list[str]:
    urls = list(PUBLIC_FORMS)
    for admin in ADMINS.values():
        urls.append(f"{admin.url}add/")
        listing = (await client.get(admin.url)).text
        first = re.search(rf'href="({re.escape(admin.url)}\d+/change/)"', listing)
        if first:
            urls.append(first.group(1))
    return [*urls, *LAST]


async def test_every_form_takes_the_corpus_without_a_5xx_or_live_markup(
    corpus_client: AsyncTestClient[Litestar],
) -> None:
    client = corpus_client
    failures: list[str] = []
    submitted = 0
    for url in await _form_urls(client):
        page = await client.get(url)
        if page.status_code != 200:
            failures.append(f"GET {url} -> {page.status_code}") if page.status_code >= 500 else None
            continue
        parser = Forms()
        parser.feed(page.text)
        forms = [(action or url, fields) for action, fields in parser.forms if "logout" not in (action or "")]
        for action, fields in forms:
            for label, value in [*CORPUS.items(), ("invalid UTF-8", None)]:
                data = []
                for name, kind, current in fields:
                    hostile = name not in {"_csrf_token", "website"} and (kind in TEXT_TYPES or kind == "textarea")
                    data.append((name, value if hostile and value is not None else current, hostile))
                if value is None:  # raw bytes: %FF%FE in every text field
                    body = "&".join(
                        f"{quote(n)}={'%FF%FE' if hostile else quote(v)}" for n, v, hostile in data
                    ).encode()
                    response = await client.post(
                        action, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
                    )
                else:
                    form: dict[str, list[str]] = {}
                    for name, field_value, _ in data:
                        form.setdefault(name, []).append(field_value)
                    response = await client.post(action, data=form)  # type: ignore[arg-type]
                submitted += 1
                if response.status_code >= 500:
                    failures.append(f"POST {action} [{label}] -> {response.status_code}")
                elif bad := _live_markup(response.text):
                    failures.append(f"POST {action} [{label}] echoed {bad}")
    for path in PAGES_AFTER:
        response = await client.get(path)
        if response.status_code >= 500 or (bad := _live_markup(response.text)):
            failures.append(f"GET {path} -> {response.status_code} {_live_markup(response.text)}")
    print(f"corpus: {submitted} form submissions")
    assert submitted > 200
    assert not failures, failures
