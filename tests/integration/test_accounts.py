"""Accounts over HTTP: sign-up with verification, login (username or e-mail), logout, password change and reset,
e-mail management, sessions, CSRF, honeypot and rate limits — against SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select, update

from pydotorg.app import create_app
from pydotorg.db.models import ApiKey, EmailAddress, EmailConfirmation, Token, User
from pydotorg.domain.users import services
from pydotorg.lib import passwords
from pydotorg.settings import Settings
from tests.conftest import (
    HONEYPOT,
    csrf_token,
    delete_user,
    log_in,
    make_settings,
    make_user,
    migrate,
    post_form,
    wait_for_mail,
)

pytestmark = pytest.mark.usefixtures("backend")

LINK_RE = re.compile(r"http://testserver\.local(/accounts/[^\s]+/)")
# A hash made by Django's own PBKDF2PasswordHasher for the password "password" (from the sample database).
DJANGO_HASH = "pbkdf2_sha256$150000$TAqxQ4O0uzV2$3lgFMdRiaBnaUfXtjSRlA/9HzMwYa2ThD38AmTzGYEs="


async def _count(app: Litestar, model: type, **where: object) -> int:
    async with app.state.db_config.get_session() as session:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return int((await session.execute(query)).scalar_one())


async def test_signup_verification_login_and_logout(
    client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings
) -> None:
    signup = {
        "email": "ada@example.org",
        "username": "ada",
        "password1": "analytical engine",
        "password2": "analytical engine",
    }
    response = await post_form(client, "/accounts/signup/", {**signup, **HONEYPOT})
    assert response.status_code == 302
    assert response.headers["location"] == "/accounts/confirm-email/"
    try:
        async with app.state.db_config.get_session() as session:
            user = await services.get_by_username(session, "ADA")
            assert user is not None and user.password.startswith("argon2$argon2id$")
            # every user has a v1 API key and a v2 token, as Django's signals make
            assert (await session.execute(select(ApiKey).where(ApiKey.user_id == user.id))).scalars().one()
            assert (await session.execute(select(Token).where(Token.user_id == user.id))).scalars().one()

        # not verified yet: login sends a new mail instead of starting a session
        response = await post_form(client, "/accounts/login/", {"login": "ada", "password": "analytical engine"})
        assert response.status_code == 200 and "Verify your e-mail address" in response.text
        assert "sessionid" not in response.cookies

        mails = await wait_for_mail(seeded_settings, "ada@example.org", count=2)
        assert len(mails) == 2
        assert "confirm your e-mail" in str(mails[0]["Subject"]).lower()
        link = LINK_RE.search(mails[0].get_content())
        assert link is not None
        confirm_url = link.group(1)
        page = await client.get(confirm_url)
        assert page.status_code == 200 and "ada@example.org" in page.text
        response = await post_form(client, confirm_url, {})
        assert response.status_code == 302 and response.headers["location"] == "/accounts/login/"
        # the key is spent, and so is the second one mailed for the same address: allauth's invalid-link page (200)
        spent = await client.get(confirm_url)
        assert spent.status_code == 200 and "invalid or has already been used" in spent.text
        second = LINK_RE.search(mails[1].get_content())
        assert second is not None and "invalid or has already been used" in (await client.get(second.group(1))).text
        assert (await post_form(client, confirm_url, {}, form_url="/accounts/login/")).status_code == 404

        # login by e-mail, case-insensitively; the session id changes at login
        before = client.cookies.get("sessionid")
        response = await post_form(
            client, "/accounts/login/", {"login": "ADA@example.org", "password": "analytical engine", "next": "/about/"}
        )
        assert response.status_code == 302 and response.headers["location"] == "/about/"
        assert client.cookies.get("sessionid") and client.cookies.get("sessionid") != before
        fragment = await client.get("/authenticated")
        assert "/users/ada/" in fragment.text and "Sign out" in fragment.text
        assert fragment.headers["cache-control"] == "private, no-cache"

        # logout is a POST; afterwards the fragment is anonymous again and the old session id is dead
        old_session = client.cookies.get("sessionid")
        response = await post_form(client, "/accounts/logout/", {})
        assert response.status_code == 302
        assert "Sign in" in (await client.get("/authenticated")).text
        client.cookies.set("sessionid", old_session or "")
        assert "Sign in" in (await client.get("/authenticated")).text
    finally:
        client.cookies.clear()
        await delete_user(app, "ada")


@pytest.mark.parametrize(
    ("data", "field_error"),
    [
        ({"username": "Taken"}, "A user with that username already exists."),
        ({"password2": "something else"}, "You must type the same password each time."),
        ({"password1": "short", "password2": "short"}, "This password is too short."),
        ({"password1": "password123", "password2": "password123"}, "This password is too common."),
        ({"username": "jürgen"}, "Enter a valid username."),
        ({"username": "x" * 151}, "Field cannot be longer than 150 characters."),
        ({"email": "not-an-address"}, "Invalid email address."),
    ],
)
async def test_signup_rejects_bad_input_with_field_errors_and_writes_nothing(
    client: AsyncTestClient[Litestar], app: Litestar, data: dict[str, str], field_error: str
) -> None:
    await make_user(app, "taken", email_address="taken@example.org")
    try:
        users_before = await _count(app, User)
        form = {
            "email": "new@example.org",
            "username": "newcomer",
            "password1": "a fine passphrase",
            "password2": "a fine passphrase",
        }
        response = await post_form(client, "/accounts/signup/", {**form, **data, **HONEYPOT})
        assert response.status_code == 400
        assert field_error in response.text.replace("&#39;", "'")
        assert 'class="errorlist"' in response.text
        assert await _count(app, User) == users_before
    finally:
        await delete_user(app, "taken")


async def test_signup_honeypot_and_csrf(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    form = {
        "email": "bot@example.org",
        "username": "bot",
        "password1": "a fine passphrase",
        "password2": "a fine passphrase",
    }
    response = await post_form(client, "/accounts/signup/", {**form, "email_body_text": "buy pills"})
    assert response.status_code == 400 and "honeypot" in response.text
    # no token at all, and a forged one
    response = await client.post("/accounts/signup/", data={**form, **HONEYPOT})
    assert response.status_code == 403 and "could not be verified" in response.text
    await csrf_token(client, "/accounts/signup/")
    response = await client.post("/accounts/signup/", data={**form, **HONEYPOT, "_csrf_token": "forged" * 12})
    assert response.status_code == 403
    assert await _count(app, User, username="bot") == 0


async def test_login_does_not_reveal_which_accounts_exist(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    await make_user(app, "grace")
    try:
        wrong_password = await post_form(client, "/accounts/login/", {"login": "grace", "password": "nope nope"})
        no_such_user = await post_form(client, "/accounts/login/", {"login": "nobody-here", "password": "nope nope"})
        assert wrong_password.status_code == no_such_user.status_code == 400
        assert "are not correct" in wrong_password.text and "are not correct" in no_such_user.text
        assert "sessionid" not in client.cookies
    finally:
        await delete_user(app, "grace")


async def test_login_refuses_open_redirects(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    await make_user(app, "linus")
    try:
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
            client.cookies.clear()
            response = await post_form(
                client, "/accounts/login/", {"login": "linus", "password": "correct horse battery", "next": target}
            )
            assert response.status_code == 302
            assert response.headers["location"] == "/", target
    finally:
        client.cookies.clear()
        await delete_user(app, "linus")


async def test_django_pbkdf2_user_logs_in_and_is_upgraded_to_argon2(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    await make_user(app, "imported", password_hash=DJANGO_HASH)
    try:
        await log_in(client, "imported", "password")
        async with app.state.db_config.get_session() as session:
            user = await services.get_by_username(session, "imported")
            assert user is not None and user.password.startswith("argon2$")
            assert passwords.verify_password("password", user.password)
            assert user.last_login is not None
        # the upgraded hash keeps working
        client.cookies.clear()
        await log_in(client, "imported", "password")
    finally:
        client.cookies.clear()
        await delete_user(app, "imported")


async def test_inactive_user_cannot_log_in(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    user_id = await make_user(app, "sleepy")
    try:
        async with app.state.db_config.get_session() as session:
            (await session.get_one(User, user_id)).is_active = False
            await session.commit()
        response = await post_form(client, "/accounts/login/", {"login": "sleepy", "password": "correct horse battery"})
        assert response.status_code == 302 and response.headers["location"] == "/accounts/inactive/"
        assert "Sign in" in (await client.get("/authenticated")).text
    finally:
        await delete_user(app, "sleepy")


async def test_password_change_ends_other_sessions(app: Litestar, client: AsyncTestClient[Litestar]) -> None:
    await make_user(app, "barbara")
    try:
        await log_in(client, "barbara")
        async with AsyncTestClient(app=app, base_url="http://testserver.local") as other:
            await log_in(other, "barbara")
            assert "/users/barbara/" in (await other.get("/authenticated")).text

            bad = await post_form(
                client,
                "/accounts/password/change/",
                {"oldpassword": "wrong", "password1": "new secret words", "password2": "new secret words", **HONEYPOT},
            )
            assert bad.status_code == 400 and "Please type your current password." in bad.text
            ok = await post_form(
                client,
                "/accounts/password/change/",
                {
                    "oldpassword": "correct horse battery",
                    "password1": "new secret words",
                    "password2": "new secret words",
                    **HONEYPOT,
                },
            )
            assert ok.status_code == 302
            # this session stays, the other one is over
            assert "/users/barbara/" in (await client.get("/authenticated")).text
            assert "Sign in" in (await other.get("/authenticated")).text
        client.cookies.clear()
        await log_in(client, "barbara", "new secret words")
    finally:
        client.cookies.clear()
        await delete_user(app, "barbara")


async def test_password_change_needs_login_and_redirects_with_next(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/accounts/password/change/", follow_redirects=False)
    assert response.status_code == 302
    # Django's redirect_to_login keeps the slashes of `next` (QueryDict.urlencode(safe="/")).
    assert response.headers["location"] == "/accounts/login/?next=/accounts/password/change/"


async def test_password_reset_flow_and_key_reuse(
    client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings
) -> None:
    await make_user(app, "margaret", email_address="margaret@example.org")
    try:
        for address in ("margaret@example.org", "nobody@example.org"):
            response = await post_form(client, "/accounts/password/reset/", {"email": address})
            assert response.status_code == 302
            assert response.headers["location"] == "/accounts/password/reset/done/"
        mails = await wait_for_mail(seeded_settings, "margaret@example.org")
        assert len(mails) == 1
        # the unknown address gets no reset link, only word that no account uses it
        unknown = await wait_for_mail(seeded_settings, "nobody@example.org")
        assert unknown and "/accounts/password/reset/key/" not in unknown[0].get_content()
        link = LINK_RE.search(mails[0].get_content())
        assert link is not None
        reset_url = link.group(1)
        weak = await post_form(client, reset_url, {"password1": "12345678", "password2": "12345678"})
        assert weak.status_code == 400 and "entirely numeric" in weak.text
        done = await post_form(client, reset_url, {"password1": "apollo guidance", "password2": "apollo guidance"})
        assert done.status_code == 302
        # the key is spent: the password it was made for has changed. allauth shows its "bad token" page (200);
        # sending the form with a bad key is refused (400)
        for bad in (reset_url, reset_url[:-3] + "00/", "/accounts/password/reset/key/zz-zz-short/"):
            response = await client.get(bad)
            assert response.status_code == 200 and 'name="password1"' not in response.text, bad
        refused = await post_form(client, reset_url, {"password1": "x", "password2": "x"}, form_url="/accounts/login/")
        assert refused.status_code == 400
        await log_in(client, "margaret", "apollo guidance")
    finally:
        client.cookies.clear()
        await delete_user(app, "margaret")


async def test_reset_keys_expire(seeded_settings: Settings) -> None:
    user = User(id=10_001, username="old", email="old@example.org", password="x")
    key = services.make_reset_key(seeded_settings, user, now=1_000_000)
    assert services.check_reset_key(seeded_settings, user, key, now=1_000_000 + 60)
    late = 1_000_000 + seeded_settings.password_reset_timeout + 1
    assert not services.check_reset_key(seeded_settings, user, key, now=late)
    other = User(id=10_002, username="other", email="o@example.org", password="x")
    assert not services.check_reset_key(seeded_settings, other, key, now=1_000_060)


async def test_email_management(client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings) -> None:
    await make_user(app, "hedy", email_address="hedy@example.org")
    try:
        await log_in(client, "hedy")
        page = await client.get("/accounts/email/")
        assert page.status_code == 200 and "hedy@example.org" in page.text
        response = await post_form(client, "/accounts/email/", {"email": "HEDY@example.org", "action_add": ""})
        assert response.status_code == 400 and "already one of yours" in response.text
        response = await post_form(client, "/accounts/email/", {"email": "lamarr@example.org", "action_add": ""})
        assert response.status_code == 302
        mails = await wait_for_mail(seeded_settings, "lamarr@example.org")
        assert mails
        # an unverified address cannot become primary; the primary cannot be removed
        await post_form(client, "/accounts/email/", {"email": "lamarr@example.org", "action_primary": ""})
        await post_form(client, "/accounts/email/", {"email": "hedy@example.org", "action_remove": ""})
        async with app.state.db_config.get_session() as session:
            user = await services.get_by_username(session, "hedy")
            assert user is not None and user.email == "hedy@example.org"
            assert await _count(app, EmailAddress, user_id=user.id) == 2
        link = LINK_RE.search(mails[0].get_content())
        assert link is not None
        await post_form(client, link.group(1), {})
        await post_form(client, "/accounts/email/", {"email": "lamarr@example.org", "action_primary": ""})
        await post_form(client, "/accounts/email/", {"email": "hedy@example.org", "action_remove": ""})
        async with app.state.db_config.get_session() as session:
            user = await services.get_by_username(session, "hedy")
            assert user is not None and user.email == "lamarr@example.org"
            assert await _count(app, EmailAddress, user_id=user.id) == 1
        # the session survived the change of primary address
        assert "/users/hedy/" in (await client.get("/authenticated")).text
    finally:
        client.cookies.clear()
        await delete_user(app, "hedy")


async def test_expired_confirmation_is_gone(client: AsyncTestClient[Litestar], app: Litestar) -> None:
    import datetime

    user_id = await make_user(app, "late", verified=False)
    try:
        async with app.state.db_config.get_session() as session:
            address = (await session.execute(select(EmailAddress).where(EmailAddress.user_id == user_id))).scalar_one()
            confirmation = EmailConfirmation(
                email_address_id=address.id,
                created=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
            )
            session.add(confirmation)
            await session.commit()
            key = confirmation.key
        # allauth renders its expired-or-invalid page with 200; the POST is refused
        shown = await client.get(f"/accounts/confirm-email/{key}/")
        assert shown.status_code == 200 and "has expired" in shown.text
        unknown = await client.get("/accounts/confirm-email/no-such-key/")
        assert unknown.status_code == 200 and "invalid" in unknown.text
        response = await post_form(client, f"/accounts/confirm-email/{key}/", {}, form_url="/accounts/login/")
        assert response.status_code == 410
    finally:
        await delete_user(app, "late")


async def test_rate_limit_on_login(tmp_path_factory: pytest.TempPathFactory, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("the limiter is store-based; one database is enough")
    settings = make_settings(tmp_path_factory.mktemp("ratelimit"), "sqlite", auth_rate_limit=3)
    await asyncio.to_thread(migrate, settings)
    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        statuses = []
        for _ in range(4):
            response = await post_form(client, "/accounts/login/", {"login": "x", "password": "y"})
            statuses.append(response.status_code)
        assert statuses == [400, 400, 400, 429]
        assert int(response.headers["retry-after"]) >= 1
        assert "Too many attempts" in response.text
        # reading the form is not limited
        assert (await client.get("/accounts/login/")).status_code == 200
    await app.state.db_config.get_engine().dispose()


async def test_sessions_live_in_redis_in_production_mode(seeded_settings: Settings, backend: str) -> None:
    from tests.conftest import TEST_REDIS_URL

    if not TEST_REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set")
    from redis.asyncio import Redis

    settings = seeded_settings.model_copy(update={"redis_url": TEST_REDIS_URL})
    app = create_app(settings)
    redis = Redis.from_url(TEST_REDIS_URL)
    try:
        await make_user(app, f"redisuser-{backend}")
        async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
            await log_in(client, f"redisuser-{backend}")
            session_id = client.cookies.get("sessionid")
            assert session_id
            keys = [key.decode() async for key in redis.scan_iter(match=f"*{session_id}*")]
            assert keys and all("sessions" in key for key in keys)
            assert f"/users/redisuser-{backend}/" in (await client.get("/authenticated")).text
            await post_form(client, "/accounts/logout/", {})
            assert [key async for key in redis.scan_iter(match=f"*{session_id}*")] == []
    finally:
        await delete_user(app, f"redisuser-{backend}")
        await redis.aclose()
        await app.state.db_config.get_engine().dispose()


async def test_an_unverified_address_neither_blocks_its_owner_nor_logs_in_as_them(
    client: AsyncTestClient[Litestar], app: Litestar
) -> None:
    """Security finding 6: an address one user added (never confirmed) kept its real owner from signing up, and
    served as the squatter's login name."""
    from pydotorg.db.models import EmailAddress

    squatter_id = await make_user(app, "squatter", email_address="squatter@example.org")
    async with app.state.db_config.get_session() as session:
        session.add(EmailAddress(user_id=squatter_id, email="owner@example.org", verified=False, primary=False))
        await session.commit()
    try:
        async with app.state.db_config.get_session() as session:
            assert not await services.email_taken(session, "owner@example.org")
            assert await services.get_by_login(session, "owner@example.org") is None
        form = {
            "email": "owner@example.org",
            "username": "owner",
            "password1": "correct horse battery",
            "password2": "correct horse battery",
        }
        response = await post_form(client, "/accounts/signup/", {**form, **HONEYPOT})
        assert response.status_code == 302, re.findall(r"<li>(.*?)</li>", response.text)
        async with app.state.db_config.get_session() as session:
            found = await services.get_by_login(session, "owner@example.org")
            assert found is not None and found.username == "owner"
            # a verified address decides, whoever else typed it in
            await session.execute(
                update(EmailAddress)
                .where(EmailAddress.email == "owner@example.org", EmailAddress.user_id != squatter_id)
                .values(verified=True)
            )
            await session.commit()
            assert await services.email_taken(session, "OWNER@example.org")
            found = await services.get_by_login(session, "owner@example.org")
            assert found is not None and found.username == "owner"
    finally:
        await delete_user(app, "owner")
        await delete_user(app, "squatter")


async def test_forms_that_send_mail_are_rate_limited(seeded_settings: Settings) -> None:
    """Security finding 6: resending confirmations (and the other mail-sending forms) sent 15 mails in 2 s."""
    from pydotorg.app import create_app

    app = create_app(seeded_settings.model_copy(update={"mail_rate_limit": 2}))
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        await make_user(app, "mailflood", email_address="mailflood@example.org")
        try:
            await log_in(client, "mailflood")
            # counts are per client address: start from none (other tests in this minute posted too)
            await app.stores.get("ratelimit").delete_all()
            statuses = []
            for _ in range(3):
                token = await csrf_token(client, "/accounts/email/")
                response = await client.post(
                    "/accounts/email/",
                    data={"email": "mailflood@example.org", "action_send": "1", "_csrf_token": token},
                    follow_redirects=False,
                )
                statuses.append(response.status_code)
            assert statuses[-1] == 429 and 429 not in statuses[:1], statuses
        finally:
            await delete_user(app, "mailflood")
    await app.state.db_config.get_engine().dispose()


async def test_sign_up_and_add_email_do_not_reveal_registered_addresses(
    client: AsyncTestClient[Litestar], app: Litestar, seeded_settings: Settings
) -> None:
    """Security finding 6: "A user is already registered with this e-mail address" told anyone which addresses
    have accounts. Now a taken address is answered as a free one, and its owner is told by mail."""
    await make_user(app, "enumowner", email_address="enum-owner@example.org")
    await make_user(app, "enumprobe", email_address="enum-probe@example.org")
    users_before = await _count(app, User)
    try:
        form = {
            "email": "ENUM-owner@example.org",
            "username": "enumnewcomer",
            "password1": "correct horse battery",
            "password2": "correct horse battery",
        }
        taken = await post_form(client, "/accounts/signup/", {**form, **HONEYPOT})
        free = await post_form(client, "/accounts/signup/", {**form, "email": "enum-free@example.org", **HONEYPOT})
        assert (taken.status_code, taken.headers["location"]) == (free.status_code, free.headers["location"])
        assert await _count(app, User) == users_before + 1  # only the free address made an account
        await log_in(client, "enumprobe")
        added = await post_form(client, "/accounts/email/", {"email": "enum-owner@example.org", "action_add": ""})
        assert (
            added.status_code == 302
            and "Confirmation e-mail sent to enum-owner@example.org" in (await client.get("/accounts/email/")).text
        )
        async with app.state.db_config.get_session() as session:
            probe = await services.get_by_username(session, "enumprobe")
            assert probe is not None
            owned = (
                await session.execute(select(EmailAddress.email).where(EmailAddress.user_id == probe.id))
            ).scalars()
            assert "enum-owner@example.org" not in list(owned)
        warnings = await wait_for_mail(seeded_settings, "enum-owner@example.org", count=2)
        assert len(warnings) >= 2 and all("Someone tried" in str(m["Subject"]) for m in warnings)
    finally:
        client.cookies.clear()
        for name in ("enumowner", "enumprobe", "enumnewcomer"):
            await delete_user(app, name)


async def test_a_reset_for_an_address_without_an_account_answers_alike(
    client: AsyncTestClient[Litestar], seeded_settings: Settings
) -> None:
    response = await post_form(client, "/accounts/password/reset/", {"email": "nobody-here@example.org"})
    assert response.status_code == 302 and response.headers["location"] == "/accounts/password/reset/done/"
    mails = await wait_for_mail(seeded_settings, "nobody-here@example.org")
    assert mails and "no account" in mails[0].get_content()
