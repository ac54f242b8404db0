"""``/users/`` (profiles, profile edit, account deletion, PSF membership) and the ``/membership/`` landing page."""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.base import utcnow
from pydotorg.db.models.flags import Flag
from pydotorg.db.models.users import Membership, MembershipType, User
from pydotorg.domain.users import services
from pydotorg.domain.users.auth import CurrentUser, current_user, logout
from pydotorg.domain.users.forms import AffirmVoteForm, MembershipEditForm, MembershipForm, UserProfileForm
from pydotorg.domain.users.guards import post_only, requires_login
from pydotorg.lib.forms import add_error, bind, check_honeypot, value
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE
from pydotorg.web.changes import mail_after_commit
from pydotorg.web.forms import FORM
from pydotorg.web.ratelimit import mail_limit

#: Django's pattern for the two catch-all user routes.
USERNAME_IN_URL = re.compile(r"^[-a-zA-Z0-9_@.+]+$")
MEMBERSHIP_FLAG = "psf_membership"


def page(template: str, status_code: int = 200, **context: Any) -> Template:
    return Template(
        template_name=f"users/{template}.html",
        context=context,
        media_type=MediaType.HTML,
        status_code=status_code,
        headers=PRIVATE,
    )


def _me(request: Request[Any, Any, Any]) -> CurrentUser:
    user = current_user(request)
    if user is None:  # the guard ran first; this keeps the type checker honest
        raise PermissionDeniedException()
    return user


async def _membership(db_session: AsyncSession, user_id: int) -> Membership | None:
    query = select(Membership).where(Membership.creator_id == user_id)
    return (await db_session.execute(query)).scalars().first()


class UserController(Controller):
    path = "/users"
    include_in_schema = False
    opt = FORM

    # -- profile edit ------------------------------------------------------------------------------------------------
    @get("/edit/", name="users:user_profile_edit", guards=[requires_login])
    async def edit_form(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        user = await db_session.get_one(User, _me(request).id)
        return page("user_form", form=UserProfileForm(obj=user), user=user)

    @post("/edit/", name="users:user_profile_edit_post", guards=[requires_login])
    async def edit(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        await check_honeypot(request)
        user = await db_session.get_one(User, _me(request).id)
        form = await bind(UserProfileForm, request)
        taken = form.validate() and await services.username_taken(db_session, value(form.username), exclude_id=user.id)
        if taken:
            add_error(form, "username", "A user with that username already exists.")
        if any(f.errors for f in form):
            return page("user_form", status_code=HTTP_400_BAD_REQUEST, form=form, user=user)
        form.populate_obj(user)
        await db_session.commit()
        return Redirect(f"/users/{user.username}/")

    # -- membership --------------------------------------------------------------------------------------------------
    @get("/membership/", name="users:user_membership_create", guards=[requires_login])
    async def membership_form(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        me = _me(request)
        if await _membership(db_session, me.id) is not None:
            return Redirect("/users/membership/edit/")
        return page("membership_form", form=MembershipForm(email_address=me.email), creating=True)

    @post(
        "/membership/",
        name="users:user_membership_create_post",
        guards=[requires_login],
        middleware=[mail_limit("membership")],
    )
    async def membership_create(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings
    ) -> Response[Any]:
        await check_honeypot(request)
        me = _me(request)
        if await _membership(db_session, me.id) is not None:
            return Redirect("/users/membership/edit/")
        form = await bind(MembershipForm, request)
        if not form.validate():
            return page("membership_form", status_code=HTTP_400_BAD_REQUEST, form=form, creating=True)
        membership = Membership(creator_id=me.id, membership_type=MembershipType.BASIC, psf_code_of_conduct=True)
        form.populate_obj(membership)
        membership.psf_code_of_conduct = True
        db_session.add(membership)
        mail_after_commit(
            db_session,
            "membership_welcome",
            membership.email_address,
            name=membership.preferred_name,
            membership_type=MembershipType(membership.membership_type).label,
            edit_url=settings.absolute_url("/users/membership/edit/"),
            site=settings.site_name,
        )
        await db_session.commit()
        return Redirect("/users/membership/thanks/")

    @get("/membership/edit/", name="users:user_membership_edit", guards=[requires_login])
    async def membership_edit_form(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        membership = await _membership(db_session, _me(request).id)
        if membership is None:
            raise NotFoundException()
        return page("membership_form", form=MembershipEditForm(obj=membership), creating=False)

    @post("/membership/edit/", name="users:user_membership_edit_post", guards=[requires_login])
    async def membership_edit(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        await check_honeypot(request)
        membership = await _membership(db_session, _me(request).id)
        if membership is None:
            raise NotFoundException()
        form = await bind(MembershipEditForm, request)
        if not form.validate():
            return page("membership_form", status_code=HTTP_400_BAD_REQUEST, form=form, creating=False)
        form.populate_obj(membership)
        await db_session.commit()
        return Redirect("/users/membership/thanks/")

    @get("/membership/delete/{username:str}/", name="users:user_membership_delete_get", guards=[requires_login])
    async def membership_delete_get(self, username: str) -> Response[str]:
        """Django answers only POST and DELETE here, behind ``login_required``: anonymous visitors sign in first."""
        raise post_only("POST", "DELETE")

    @post(
        ["/membership/delete/{username:str}/"],
        name="users:user_membership_delete",
        guards=[requires_login],
    )
    async def membership_delete(
        self, request: Request[Any, Any, Any], username: str, db_session: AsyncSession
    ) -> Redirect:
        me = _me(request)
        if me.username.lower() != username.lower():
            raise PermissionDeniedException("You can only delete your own membership.")
        membership = await _membership(db_session, me.id)
        if membership is not None:
            await db_session.delete(membership)
            await db_session.commit()
        return Redirect(f"/users/{me.username}/")

    @get("/membership/thanks/", name="users:user_membership_thanks")
    async def membership_thanks(self) -> Template:
        return page("membership_thanks")

    @get("/membership/affirm/", name="users:membership_affirm_vote")
    async def affirm_form(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        """Django shows this page to anyone (the link goes out in election mail); signing in is asked for when the
        form is sent, where Django's view crashed for anonymous visitors."""
        user = current_user(request)
        if user is None:
            return page("membership_vote_affirm", form=AffirmVoteForm(), membership=None, anonymous=True)
        membership = await _membership(db_session, user.id)
        return page("membership_vote_affirm", form=AffirmVoteForm(), membership=membership)

    @post("/membership/affirm/", name="users:membership_affirm_vote_post", guards=[requires_login])
    async def affirm(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        membership = await _membership(db_session, _me(request).id)
        form = await bind(AffirmVoteForm, request)
        if membership is None:
            return page(
                "membership_vote_affirm",
                status_code=HTTP_400_BAD_REQUEST,
                form=form,
                membership=None,
            )
        if not form.validate():
            return page("membership_vote_affirm", status_code=HTTP_400_BAD_REQUEST, form=form, membership=membership)
        membership.votes = True
        membership.last_vote_affirmation = utcnow()
        await db_session.commit()
        return Redirect("/users/membership/affirm/done/")

    @get("/membership/affirm/done/", name="users:membership_affirm_vote_done")
    async def affirm_done(self) -> Template:
        return page("membership_vote_affirm_done")

    # -- profiles and account deletion (last: their patterns catch everything) -----------------------------------------
    @get("/{username:str}/delete/", name="users:user_delete_confirm", guards=[requires_login])
    async def delete_form(self, request: Request[Any, Any, Any], username: str) -> Template:
        if _me(request).username.lower() != username.lower():
            raise PermissionDeniedException("You can only delete your own account.")
        return page("user_delete", username=_me(request).username)

    @post("/{username:str}/delete/", name="users:user_delete", guards=[requires_login])
    async def delete(self, request: Request[Any, Any, Any], username: str, db_session: AsyncSession) -> Redirect:
        me = _me(request)
        if me.username.lower() != username.lower():
            raise PermissionDeniedException("You can only delete your own account.")
        user = await db_session.get_one(User, me.id)
        await db_session.delete(user)
        await db_session.commit()
        logout(request)
        return Redirect("/")

    @get("/{username:str}/", name="users:user_detail", opt={"form": False})
    async def detail(self, request: Request[Any, Any, Any], username: str, db_session: AsyncSession) -> Template:
        if not USERNAME_IN_URL.match(username):
            raise NotFoundException()
        user = await services.get_by_username(db_session, username)
        me = current_user(request)
        if user is None:
            raise NotFoundException()
        is_owner = me is not None and me.id == user.id
        if not is_owner and not user.is_searchable:
            raise NotFoundException()
        return Template(
            template_name="users/user_detail.html",
            context={"profile": user, "is_owner": is_owner, "membership": user.membership},
            media_type=MediaType.HTML,
        )


class MembershipController(Controller):
    include_in_schema = False

    @get("/membership/", name="membership")
    async def landing(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        flag = (await db_session.execute(select(Flag).where(Flag.name == MEMBERSHIP_FLAG))).scalars().first()
        me = current_user(request)
        active = flag is not None and flag.is_active_for(
            is_authenticated=me is not None,
            is_staff=bool(me and me.is_staff),
            is_superuser=bool(me and me.is_superuser),
        )
        if not active:
            raise NotFoundException()
        return Template(
            template_name="users/membership.html",
            media_type=MediaType.HTML,
            headers=PRIVATE,
        )
