"""Host-header poisoning (security finding 1): absolute URLs come from the configured site, and requests that name
a host the site does not serve are refused before any handler runs."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from pydotorg.server.hosts import host_name, trusted
from pydotorg.settings import InsecureConfigurationError, Settings
from tests.conftest import CSRF_RE, delete_user, make_user, read_mails, wait_for_mail

pytestmark = pytest.mark.usefixtures("backend")


@pytest.mark.parametrize(
    "path", ["/", "/about/apps/", "/no-such-page/", "/api/v2/downloads/os/", "/static/css/site.css"]
)
async def test_an_untrusted_host_is_refused_everywhere(client: AsyncTestClient[Litestar], path: str) -> None:
    response = await client.get(path, headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert "Host header" in response.text
    assert (await client.get(path, headers={"Host": "testserver.local:8443"})).status_code in {200, 404}


@pytest.mark.parametrize(
    "url", ["/search/?q=%00", "/api/v1/downloads/release/?name=a%00b", "/api/v2/pages/page/?path=%00", "/jobs/?q=%00"]
)
async def test_a_nul_in_the_query_string_is_a_400_not_a_500(client: AsyncTestClient[Litestar], url: str) -> None:
    """PostgreSQL refuses NUL in text; Django answered these with a 500."""
    response = await client.get(url)
    assert response.status_code == 400
    assert "NUL character" in response.text


async def test_a_reset_request_naming_another_host_mails_nothing(
    client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings
) -> None:
    await make_user(app, "victim", email_address="victim@example.org")
    try:
        form = await client.get("/accounts/password/reset/")
        token = CSRF_RE.search(form.text)
        assert token is not None
        response = await client.post(
            "/accounts/password/reset/",
            data={"email": "victim@example.org", "_csrf_token": token.group(1)},
            headers={"Host": "attacker.example"},
            follow_redirects=False,
        )
        assert response.status_code == 400
        assert read_mails(seeded_settings, "victim@example.org") == []
    finally:
        await delete_user(app, "victim")


async def test_mail_links_use_the_configured_site_whatever_trusted_host_was_asked(
    app: Litestar, seeded_settings: Settings
) -> None:
    """127.0.0.1 is a trusted name outside production, but the link in the mail is still the site URL's."""
    await make_user(app, "linked", email_address="linked@example.org")
    try:
        async with AsyncTestClient(app=app, base_url="http://127.0.0.1:8123") as loopback:
            form = await loopback.get("/accounts/password/reset/")
            token = CSRF_RE.search(form.text)
            assert token is not None
            response = await loopback.post(
                "/accounts/password/reset/",
                data={"email": "linked@example.org", "_csrf_token": token.group(1)},
                follow_redirects=False,
            )
            assert response.status_code == 302
        mails = await wait_for_mail(seeded_settings, "linked@example.org")
        body = mails[0].get_content()
        assert "http://testserver.local/accounts/password/reset/key/" in body
        assert "127.0.0.1" not in body
    finally:
        await delete_user(app, "linked")


def test_host_names_and_patterns() -> None:
    assert host_name("Example.ORG:443") == "example.org"
    assert host_name("[::1]:8000") == "::1"
    assert host_name("::1") == "::1"
    assert host_name("") == ""
    allowed = ["www.python.org", "*.python.org"]
    assert trusted("www.python.org", allowed)
    assert trusted("docs.python.org", allowed)
    assert not trusted("python.org.attacker.example", allowed)
    assert not trusted("evilpython.org", allowed)
    assert not trusted("", allowed)
    assert trusted("anything", ["*"])


def test_trusted_hosts_from_settings(tmp_path) -> None:
    dev = Settings(var_dir=tmp_path, site_url="https://www.python.org", allowed_hosts=["python.org"])
    assert dev.trusted_hosts[:2] == ["www.python.org", "python.org"] and "127.0.0.1" in dev.trusted_hosts
    prod = Settings(var_dir=tmp_path, env="production", secret_key="k" * 48, site_url="https://www.python.org")
    assert prod.trusted_hosts == ["www.python.org"]
    assert prod.absolute_url("/accounts/") == "https://www.python.org/accounts/"
    with pytest.raises(InsecureConfigurationError, match="ALLOWED_HOSTS"):
        Settings(var_dir=tmp_path, env="production", secret_key="k" * 48, allowed_hosts=["*"])
