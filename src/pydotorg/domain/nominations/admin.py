"""Admin registration of election kinds, elections, nominees and nominations, with Django's columns and filters,
an "approve" action on nominees and nominations (each approval written to the admin history and mailed to the
nominee) and a CSV of an election's approved nominees for the election administrators."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from litestar import Response
from litestar.exceptions import PermissionDeniedException
from litestar.plugins.flash import flash
from litestar.response import Redirect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from pydotorg.db.models import Election, ElectionKind, Nomination, Nominee
from pydotorg.db.models.nominations import HEX_COLOUR, NOMINATION_FORMS
from pydotorg.db.models.users import AdminAction, AdminLogEntry
from pydotorg.domain.admin.registry import ModelAdmin, register
from pydotorg.domain.nominations.services import fill_slugs, mail_approval, nominee_cards
from pydotorg.domain.users.auth import current_user, has_perm


async def validate_kind(_session: AsyncSession, form: Any, _obj: Any) -> dict[str, str]:
    colour = form["accent_color"].data or ""
    if not HEX_COLOUR.fullmatch(colour):
        return {"accent_color": "Enter a hex colour such as #0073b7."}
    return {}


async def validate_election(_session: AsyncSession, form: Any, _obj: Any) -> dict[str, str]:
    opens, closes = form["nominations_open_at"].data, form["nominations_close_at"].data
    if opens and closes and closes <= opens:
        return {"nominations_close_at": "Nominations must close after they open."}
    return {}


async def slug_once(session: AsyncSession, obj: Any) -> None:
    if obj is not None:
        await fill_slugs(session, obj)


def _approve(admin_key: str, model_name: str, back: str) -> Any:
    async def handler(request: Any, db_session: AsyncSession, rows: Sequence[Any]) -> Response[Any]:
        me = current_user(request)
        if me is None or not await has_perm(request, me, f"nominations.change_{model_name}"):
            raise PermissionDeniedException(f"You need the 'nominations.change_{model_name}' permission.")
        approved = 0
        settings = request.app.state.settings
        for row in rows:
            if not row.approved:
                row.approved = True
                approved += 1
                # the nominee hears of it (Django sent nothing), once the approval commits
                await mail_approval(db_session, settings, row)
                db_session.add(
                    AdminLogEntry(
                        user_id=me.id,
                        content_type=admin_key,
                        object_id=str(row.id),
                        object_repr=str(row)[:200],
                        action_flag=int(AdminAction.CHANGE),
                        change_message="Approved.",
                    )
                )
        await db_session.commit()
        flash(request, f"{approved} approved ({len(rows) - approved} already were).", category="success")
        return Redirect(back)

    return handler


#: A cell a spreadsheet would read as a formula starts with one of these: such cells get a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: object) -> str:
    value = "" if text is None else str(text)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


async def export_nominees_csv(request: Any, db_session: AsyncSession, rows: Sequence[Election]) -> Response[str]:
    """The approved, accepted nominees of the selected elections, for the election administrators' ballot."""
    me = current_user(request)
    if me is None or not await has_perm(request, me, "nominations.view_nominee"):
        raise PermissionDeniedException("You need the 'nominations.view_nominee' permission.")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Election", "Name", "Email", "Employer", "Previous service", "Other affiliations", "Profile"])
    settings = request.app.state.settings
    base = settings.site_url.rstrip("/")
    for election in rows:
        query = select(Nominee).where(
            Nominee.election_id == election.id, Nominee.accepted.is_(True), Nominee.approved.is_(True)
        )
        nominees = list((await db_session.execute(query.options(selectinload(Nominee.election)))).scalars())
        for card in sorted(await nominee_cards(db_session, nominees), key=lambda c: c.name.lower()):
            writer.writerow(
                [
                    _cell(election.name),
                    _cell(card.name),
                    _cell(card.email),
                    _cell(card.employer),
                    _cell(card.previous_service),
                    _cell(card.other_affiliations),
                    f"{base}{card.nominee.absolute_url}",
                ]
            )
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="approved-nominees.csv"'},
    )


register(
    ModelAdmin(
        model=ElectionKind,
        app_label="nominations",
        model_name="electionkind",
        verbose_name="election kind",
        verbose_name_plural="election kinds",
        list_display=["name", "slug", "nomination_form", "accent_color"],
        search_fields=["name"],
        ordering="name",
        fields=["name", "nomination_form", "accent_color"],
        readonly_fields=["slug"],
        choices={"nomination_form": list(NOMINATION_FORMS.items())},
        help_texts={"accent_color": "The colour of this kind's election pages, as #rrggbb."},
        validate=validate_kind,
        before_commit=slug_once,
    )
)

register(
    ModelAdmin(
        model=Election,
        app_label="nominations",
        model_name="election",
        verbose_name="election",
        verbose_name_plural="elections",
        list_display=["name", "date", "kind_id", "nominations_open_at", "nominations_close_at"],
        search_fields=["name"],
        list_filter=["kind_id"],
        ordering="-date",
        fields=[
            "name",
            "date",
            "kind_id",
            "nominations_open_at",
            "nominations_close_at",
            "description",
            "hide_previous_service",
        ],
        readonly_fields=["slug"],
        fk_select={"kind_id": ElectionKind},
        help_texts={
            "description": "Markdown.",
            "nominations_open_at": "Nominations are open between these two moments (UTC).",
        },
        validate=validate_election,
        before_commit=slug_once,
        actions={"export_nominees": ("Export the approved nominees (CSV)", export_nominees_csv)},
    )
)

register(
    ModelAdmin(
        model=Nominee,
        app_label="nominations",
        model_name="nominee",
        verbose_name="nominee",
        verbose_name_plural="nominees",
        list_display=["slug", "election_id", "user_id", "accepted", "approved"],
        search_fields=["slug"],
        list_filter=["election_id", "accepted", "approved"],
        ordering="election_id",
        fields=["election_id", "user_id", "accepted", "approved"],
        readonly_fields=["slug"],
        fk_select={"election_id": Election},
        help_texts={"user_id": "The nominee's user id (raw id)."},
        actions={
            "approve": (
                "Approve selected nominees",
                _approve("nominations.nominee", "nominee", "/admin/nominations/nominee/"),
            )
        },
        before_commit=slug_once,
    )
)

register(
    ModelAdmin(
        model=Nomination,
        app_label="nominations",
        model_name="nomination",
        verbose_name="nomination",
        verbose_name_plural="nominations",
        list_display=[
            "name",
            "election_id",
            "nominee_id",
            "accepted",
            "approved",
            "coc_acknowledged",
            "mission_alignment",
            "eligibility_confirmed",
        ],
        search_fields=["name", "email"],
        list_filter=["election_id", "accepted", "approved", "coc_acknowledged", "mission_alignment"],
        ordering="-id",
        fields=[
            "election_id",
            "name",
            "email",
            "previous_board_service",
            "employer",
            "other_affiliations",
            "nomination_statement",
            "nominator_id",
            "nominee_id",
            "accepted",
            "approved",
            "coc_acknowledged",
            "mission_alignment",
            "eligibility_confirmed",
        ],
        fk_select={"election_id": Election},
        help_texts={
            "nominator_id": "The nominating user's id (raw id).",
            "nominee_id": "The nominee's id (raw id): link a third-party nomination to its nominee here.",
        },
        actions={
            "approve": (
                "Approve selected nominations",
                _approve("nominations.nomination", "nomination", "/admin/nominations/nomination/"),
            )
        },
    )
)
