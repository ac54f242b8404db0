"""``/accounts/``: sign-up, login, logout, e-mail verification and management, password change and reset.

The URLs and behaviour of django-allauth as python.org configures it: login by username or e-mail, unique
e-mail, mandatory verification (an unverified user who logs in gets a fresh verification mail instead of a
session), no user enumeration (login and reset answer the same whether or not the account exists), and the
``email_body_text`` honeypot on sign-up and password change.
"""

from __future__ import annotations

import time
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import PermissionDeniedException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_410_GONE, HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.users import EmailAddress, User
from pydotorg.domain.users import services
from pydotorg.domain.users.auth import (
    SESSION_STORE,
    current_user,
    login,
    logout,
    refresh_session_hash,
    safe_next,
)
from pydotorg.domain.users.forms import (
    AddEmailForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    ReauthenticateForm,
    SetPasswordForm,
    SignupForm,
)
from pydotorg.domain.users.guards import public_write, requires_login, requires_staff
from pydotorg.lib import passwords
from pydotorg.lib.forms import add_error, bind, check_honeypot, value
from pydotorg.lib.jobs import JobQueue
from pydotorg.lib.mail import queue_mail
from pydotorg.lib.stores import store_available
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE
from pydotorg.web.changes import mail_after_commit
from pydotorg.web.forms import CSRF_COOKIE, FORM
from pydotorg.web.ratelimit import mail_limit, rate_limit

LOGIN_FAILED = "The username and/or password you specified are not correct."
SESSIONS_DOWN = (
    "Signing in is unavailable for a few minutes: the site cannot keep sessions right now. "
    "Everything else still works; please try again shortly."
)
#: The session key holding when the user last typed their password again (allauth's reauthentication).
REAUTHENTICATED_KEY = "_reauthenticated_at"


def page(template: str, status_code: int = 200, **context: Any) -> Template:
    return Template(
        template_name=f"accounts/{template}.html",
        context=context,
        media_type=MediaType.HTML,
        status_code=status_code,
        headers=PRIVATE,
    )


def _me_id(request: Request[Any, Any, Any]) -> int:
    me = current_user(request)
    if me is None:  # the guard ran first
        raise PermissionDeniedException()
    return me.id


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _absolute(request: Request[Any, Any, Any], path: str) -> str:
    """Links in mail point at the configured site (a request's Host header could name an attacker's)."""
    return _settings(request).absolute_url(path)


async def send_verification(
    request: Request[Any, Any, Any], db_session: AsyncSession, user: User, address: EmailAddress
) -> None:
    """A new confirmation key for ``address``; the mail with it leaves when the key is committed."""
    confirmation = await services.new_confirmation(db_session, address)
    mail_after_commit(
        db_session,
        "email_confirmation",
        address.email,
        user=user.username,
        activate_url=_absolute(request, f"/accounts/confirm-email/{confirmation.key}/"),
        site=_settings(request).site_name,
    )
    await db_session.commit()


def warn_owner(request: Request[Any, Any, Any], db_session: AsyncSession, email: str, attempt: str) -> None:
    """Tell an address's owner that someone tried to use it (mailed once the caller commits)."""
    settings = _settings(request)
    mail_after_commit(
        db_session,
        "account_exists",
        email,
        attempt=attempt,
        site=settings.site_name,
        login_url=settings.absolute_url("/accounts/login/"),
        reset_url=settings.absolute_url("/accounts/password/reset/"),
    )


class AccountController(Controller):
    path = "/accounts"
    include_in_schema = False
    opt = FORM

    # -- sign-up ---------------------------------------------------------------------------------------------------
    @get("/signup/", name="account_signup")
    async def signup_form(self, request: Request[Any, Any, Any]) -> Response[Any]:
        if current_user(request):
            return Redirect("/")
        return page("signup", form=SignupForm())

    @post(
        "/signup/",
        name="account_signup_post",
        opt=public_write("anyone may create an account"),
        middleware=[rate_limit("signup").middleware],
    )
    async def signup(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        await check_honeypot(request)
        form = await bind(SignupForm, request)
        email_taken = False
        if form.validate():
            if await services.username_taken(db_session, value(form.username)):
                add_error(form, "username", "A user with that username already exists.")
            email_taken = await services.email_taken(db_session, value(form.email))
            for problem in passwords.validate_password(
                value(form.password1), username=value(form.username), email=value(form.email)
            ):
                add_error(form, "password1", problem)
        if any(f.errors for f in form):
            return page("signup", status_code=HTTP_400_BAD_REQUEST, form=form)
        if email_taken:
            # Answered as a sign-up (no account enumeration); the address's owner hears about it instead.
            warn_owner(request, db_session, value(form.email), "create an account")
            await db_session.commit()
            return Redirect("/accounts/confirm-email/", status_code=302)
        user = await services.create_user(
            db_session, username=value(form.username), email=value(form.email), password=value(form.password1)
        )
        address = await services.primary_address(db_session, user)
        await send_verification(request, db_session, user, address)
        return Redirect("/accounts/confirm-email/", status_code=302)

    # -- login and logout --------------------------------------------------------------------------------------------
    @get("/login/", name="account_login")
    async def login_form(self, request: Request[Any, Any, Any], next: str | None = None) -> Response[Any]:
        if current_user(request):
            return Redirect(safe_next(next))
        return page("login", form=LoginForm(next=safe_next(next, "")))

    @post(
        "/login/",
        name="account_login_post",
        opt=public_write("anyone may try to log in"),
        middleware=[rate_limit("login").middleware],
    )
    async def login(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        form = await bind(LoginForm, request)
        if not form.validate():
            return page("login", status_code=HTTP_400_BAD_REQUEST, form=form)
        if not await store_available(request.app.stores.get(SESSION_STORE)):
            # Redis, which keeps sessions for every instance, is unreachable: a sign-in could not be kept.
            return page("login", status_code=HTTP_503_SERVICE_UNAVAILABLE, form=form, form_errors=[SESSIONS_DOWN])
        result = await services.authenticate(db_session, value(form.login), value(form.password))
        user = result.user
        if user is None:
            return page("login", status_code=HTTP_400_BAD_REQUEST, form=form, form_errors=[LOGIN_FAILED])
        if not user.is_active:
            await db_session.commit()
            return Redirect("/accounts/inactive/")
        if not result.verified:
            address = await services.primary_address(db_session, user)
            await send_verification(request, db_session, user, address)
            return page("verification_sent", email=address.email)
        login(request, user, _settings(request).secret_key)
        await db_session.commit()
        signed_in = Redirect(safe_next(value(form.next)))
        # A new CSRF token after login (as Django's rotate_token): the next form page issues it.
        signed_in.delete_cookie(CSRF_COOKIE, path="/")
        return signed_in

    @get("/logout/", name="account_logout")
    async def logout_form(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        # allauth's LogoutView: nobody to sign out goes straight to the logout redirect URL (``/``); a signed-in
        # visitor gets the confirmation form (signing out stays a POST, never a GET)
        if current_user(request) is None:
            return Redirect("/")
        return page("logout")

    @post("/logout/", name="account_logout_post", opt=public_write("ends the caller's own session, if any"))
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        user = current_user(request)
        logout(request)
        if user is None:
            return Redirect("/")
        # once the response has ended the session: the user's admin sockets check theirs and close
        return Redirect("/", background=BackgroundTask(request.app.state.live.announce, users=[user.id]))

    @get("/inactive/", name="account_inactive")
    async def inactive(self) -> Template:
        return page("inactive")

    # -- e-mail verification -----------------------------------------------------------------------------------------
    @get("/confirm-email/", name="account_email_verification_sent")
    async def verification_sent(self) -> Template:
        return page("verification_sent")

    @get("/confirm-email/{key:str}/", name="account_confirm_email")
    async def confirm_form(self, key: str, db_session: AsyncSession) -> Template:
        # allauth's ConfirmEmailView renders its "invalid or expired" page with 200 for a bad key (the POST, which
        # would change something, is refused with 404 or 410)
        confirmation = await services.get_confirmation(db_session, key)
        if confirmation is None:
            return page("confirm_email", confirmation=None)
        if confirmation.expired():
            return page("confirm_email", confirmation=None, expired=True)
        return page("confirm_email", confirmation=confirmation, key=key)

    @post(
        "/confirm-email/{key:str}/",
        name="account_confirm_email_post",
        opt=public_write("the key in the URL is the credential"),
        middleware=[rate_limit("confirm", 2).middleware],
    )
    async def confirm(self, request: Request[Any, Any, Any], key: str, db_session: AsyncSession) -> Response[Any]:
        confirmation = await services.get_confirmation(db_session, key)
        if confirmation is None:
            return page("confirm_email", status_code=404, confirmation=None)
        if confirmation.expired():
            return page("confirm_email", status_code=HTTP_410_GONE, confirmation=None, expired=True)
        address = await services.confirm_email(db_session, confirmation)
        await db_session.commit()
        flash(request, f"You have confirmed {address.email}.", category="success")
        return Redirect("/accounts/email/" if current_user(request) else "/accounts/login/")

    # -- e-mail addresses --------------------------------------------------------------------------------------------
    async def _addresses(self, db_session: AsyncSession, user_id: int) -> list[EmailAddress]:
        query = select(EmailAddress).where(EmailAddress.user_id == user_id).order_by(EmailAddress.id)
        return list((await db_session.execute(query)).scalars().all())

    @get("/email/", name="account_email", guards=[requires_login])
    async def emails(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        me = current_user(request)
        assert me is not None
        return page("email", addresses=await self._addresses(db_session, me.id), form=AddEmailForm())

    @post("/email/", name="account_email_post", guards=[requires_login], middleware=[mail_limit("email")])
    async def email_action(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        me = current_user(request)
        assert me is not None
        data = await request.form()
        user = await db_session.get_one(User, me.id)
        if data.get("action_add") is not None:
            form = await bind(AddEmailForm, request)
            valid = form.validate()
            addresses = await self._addresses(db_session, me.id)
            if valid and value(form.email).lower() in {a.email.lower() for a in addresses}:
                add_error(form, "email", "This address is already one of yours.")
            if not valid or any(f.errors for f in form):
                return page("email", status_code=HTTP_400_BAD_REQUEST, addresses=addresses, form=form)
            if await services.email_taken(db_session, value(form.email), exclude_user_id=me.id):
                # The same answer as for a free address (no enumeration); its owner is told instead.
                warn_owner(request, db_session, value(form.email), "add it to another account")
                await db_session.commit()
                flash(request, f"Confirmation e-mail sent to {value(form.email)}.", category="info")
                return Redirect("/accounts/email/")
            address = EmailAddress(user_id=user.id, email=value(form.email), verified=False, primary=False)
            db_session.add(address)
            await db_session.flush()
            await send_verification(request, db_session, user, address)
            flash(request, f"Confirmation e-mail sent to {address.email}.", category="info")
            return Redirect("/accounts/email/")
        chosen = str(data.get("email", ""))
        if "\x00" in chosen:
            chosen = ""  # no address holds one (and PostgreSQL cannot compare it): as an unknown address
        query = select(EmailAddress).where(
            EmailAddress.user_id == me.id, func.lower(EmailAddress.email) == chosen.lower()
        )
        chosen_address = (await db_session.execute(query)).scalars().first()
        if chosen_address is None:
            flash(request, "Choose one of your e-mail addresses.", category="error")
            return Redirect("/accounts/email/")
        address = chosen_address
        if data.get("action_send") is not None:
            await send_verification(request, db_session, user, address)
            flash(request, f"Confirmation e-mail sent to {address.email}.", category="info")
        elif data.get("action_primary") is not None:
            if not address.verified:
                flash(request, "Only a verified address can be your primary address.", category="error")
            else:
                for other in await self._addresses(db_session, me.id):
                    other.primary = other.id == address.id
                user.email = address.email
                await db_session.commit()
                refresh_session_hash(request, user, _settings(request).secret_key)
                flash(request, "Primary e-mail address set.", category="success")
        elif data.get("action_remove") is not None:
            if address.primary:
                flash(request, "You cannot remove your primary e-mail address.", category="error")
            else:
                await db_session.delete(address)
                await db_session.commit()
                flash(request, f"Removed {address.email}.", category="success")
        return Redirect("/accounts/email/")

    # -- password change ---------------------------------------------------------------------------------------------
    @get("/password/change/", name="account_change_password", guards=[requires_login])
    async def password_change_form(self) -> Template:
        return page("password_change", form=PasswordChangeForm())

    @post("/password/change/", name="account_change_password_post", guards=[requires_login])
    async def password_change(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        await check_honeypot(request)
        me = current_user(request)
        assert me is not None
        user = await db_session.get_one(User, me.id)
        form = await bind(PasswordChangeForm, request)
        if form.validate():
            if not await passwords.verify_password_async(value(form.oldpassword), user.password):
                add_error(form, "oldpassword", "Please type your current password.")
            for problem in passwords.validate_password(value(form.password1), username=user.username, email=user.email):
                add_error(form, "password1", problem)
        if any(f.errors for f in form):
            return page("password_change", status_code=HTTP_400_BAD_REQUEST, form=form)
        user.password = await passwords.hash_password_async(value(form.password1))
        refresh_session_hash(request, user, _settings(request).secret_key)
        await db_session.commit()
        flash(request, "Password successfully changed.", category="success")
        return Redirect("/accounts/password/change/")

    # -- allauth's other account URLs -------------------------------------------------------------------------------
    @get("/", name="account_index")
    async def index(self, request: Request[Any, Any, Any]) -> Redirect:
        """``/accounts/`` itself: the e-mail page for a signed-in user, the login page otherwise."""
        return Redirect("/accounts/email/" if current_user(request) else "/accounts/login/")

    @get("/login/code/confirm/", name="account_confirm_login_code")
    async def login_code(self) -> Redirect:
        """Login by code is off (as python.org configures allauth): with no code pending, allauth's view sends the
        visitor to the login page."""
        return Redirect("/accounts/login/")

    @get("/password/set/", name="account_set_password", guards=[requires_login])
    async def password_set(self) -> Redirect:
        """allauth's PasswordSetView serves users without a usable password and sends the others to the change
        form. Here no one without a usable password can be signed in (there are no social logins; an imported
        account without one signs in through a password reset, which sets it), so every caller has one."""
        return Redirect("/accounts/password/change/")

    @get("/reauthenticate/", name="account_reauthenticate", guards=[requires_login])
    async def reauthenticate_form(self, next: str | None = None) -> Template:
        return page("reauthenticate", form=ReauthenticateForm(next=safe_next(next, "")))

    @post(
        "/reauthenticate/",
        name="account_reauthenticate_post",
        guards=[requires_login],
        middleware=[rate_limit("login").middleware],
    )
    async def reauthenticate(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        """allauth asks for the password again before sensitive changes; a right answer is noted in the session."""
        user = await db_session.get_one(User, _me_id(request))
        form = await bind(ReauthenticateForm, request)
        if not form.validate():
            return page("reauthenticate", status_code=HTTP_400_BAD_REQUEST, form=form)
        if not await passwords.verify_password_async(value(form.password), user.password):
            add_error(form, "password", "You entered an incorrect password.")
            return page("reauthenticate", status_code=HTTP_400_BAD_REQUEST, form=form)
        request.session[REAUTHENTICATED_KEY] = int(time.time())
        return Redirect(safe_next(value(form.next)))

    # -- password reset ----------------------------------------------------------------------------------------------
    @get("/password/reset/", name="account_reset_password")
    async def reset_form(self) -> Template:
        return page("password_reset", form=PasswordResetForm())

    @post(
        "/password/reset/",
        name="account_reset_password_post",
        opt=public_write("anyone may ask for a reset link; it is mailed to the account's address"),
        middleware=[rate_limit("reset").middleware],
    )
    async def reset(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, jobs: JobQueue, settings: Settings
    ) -> Response[Any]:
        form = await bind(PasswordResetForm, request)
        if not form.validate():
            return page("password_reset", status_code=HTTP_400_BAD_REQUEST, form=form)
        user = await services.get_by_login(db_session, value(form.email))
        if user is not None and user.is_active and "@" in value(form.email):
            key = services.make_reset_key(settings, user)
            await queue_mail(
                jobs,
                "password_reset",
                user.email,
                user=user.username,
                reset_url=settings.absolute_url(f"/accounts/password/reset/key/{key}/"),
                site=settings.site_name,
            )
        elif "@" in value(form.email):
            # The same work and the same answer for an address without an account (no timing or wording to tell
            # them apart); the address's owner learns that no account uses it.
            services.make_reset_key(settings, User(id=0, password="", last_login=None))
            await queue_mail(
                jobs,
                "password_reset_unknown",
                value(form.email),
                site=settings.site_name,
                signup_url=settings.absolute_url("/accounts/signup/"),
            )
        return Redirect("/accounts/password/reset/done/")

    @get("/password/reset/done/", name="account_reset_password_done")
    async def reset_done(self) -> Template:
        return page("password_reset_done")

    async def _reset_user(self, request: Request[Any, Any, Any], db_session: AsyncSession, key: str) -> User | None:
        parsed = services.parse_reset_key(key)
        if parsed is None:
            return None
        user = await db_session.get(User, parsed[0])
        if user is None or not user.is_active or not services.check_reset_key(_settings(request), user, key):
            return None
        return user

    @get("/password/reset/key/{key:str}/", name="account_reset_password_from_key")
    async def reset_key_form(self, request: Request[Any, Any, Any], key: str, db_session: AsyncSession) -> Template:
        if await self._reset_user(request, db_session, key) is None:
            # allauth's PasswordResetFromKeyView: the "bad token" page, 200
            return page("password_reset_from_key", token_fail=True)
        return page("password_reset_from_key", form=SetPasswordForm(), key=key)

    @post(
        "/password/reset/key/{key:str}/",
        name="account_reset_password_from_key_post",
        opt=public_write("the key in the URL is the credential"),
        middleware=[rate_limit("resetkey").middleware],
    )
    async def reset_key(self, request: Request[Any, Any, Any], key: str, db_session: AsyncSession) -> Response[Any]:
        user = await self._reset_user(request, db_session, key)
        if user is None:
            return page("password_reset_from_key", status_code=HTTP_400_BAD_REQUEST, token_fail=True)
        form = await bind(SetPasswordForm, request)
        if form.validate():
            for problem in passwords.validate_password(value(form.password1), username=user.username, email=user.email):
                add_error(form, "password1", problem)
        if any(f.errors for f in form):
            return page("password_reset_from_key", status_code=HTTP_400_BAD_REQUEST, form=form, key=key)
        user.password = await passwords.hash_password_async(value(form.password1))
        # The link proved the user reads the address: mark it verified, as allauth does.
        address = await services.primary_address(db_session, user)
        address.verified = True
        await db_session.commit()
        return Redirect("/accounts/password/reset/key/done/")

    @get("/password/reset/key/done/", name="account_reset_password_from_key_done")
    async def reset_key_done(self) -> Template:
        return page("password_reset_from_key_done")


class AdminLoginController(Controller):
    """Django's ``admin:login`` and ``/admin/doc/`` URLs: the admin sends signed-out visitors to
    ``/admin/login/?next=...`` (as Django's ``AdminSite.admin_view``), which is our sign-in form, returning to the
    admin; the form posts to ``/accounts/login/`` as every other."""

    path = "/admin"
    include_in_schema = False

    @get("/login/", name="admin:login", opt=FORM)
    async def admin_login(self, request: Request[Any, Any, Any], next: str | None = None) -> Response[Any]:
        user = current_user(request)
        target = safe_next(next, "/admin/")
        if user is not None and user.is_staff:
            return Redirect(target)
        errors = []
        if user is not None:
            # Django: "You are authenticated as ..., but are not authorized to access this page."
            errors.append(
                f"You are signed in as {user.username}, but that account cannot use the admin. "
                "Sign in with a staff account."
            )
        return page("login", form=LoginForm(next=target), form_errors=errors)

    @get(["/doc/", "/doc/{rest:path}"], name="admin:doc", guards=[requires_staff])
    async def admin_doc(self) -> Redirect:
        """Django's admindocs documented the models and views; here the admin index lists every model with its
        fields, and ``/schema`` documents the APIs: staff are sent to the admin index."""
        return Redirect("/admin/")
