"""The sponsor APIs (Django's ``apps/sponsors/api.py``), read by PyPI (``?publisher=pypi&flight=sponsors``, to draw
its sponsors footer) and the PyCon site, so their answers match Django's byte for byte in shape:

* ``GET /api/v2/sponsors/logo-placement/``: one object per logo placement of every enabled sponsorship, filtered by
  ``publisher``, ``flight`` and ``year``;
* ``GET /api/v2/sponsors/sponsorship-assets/?internal_name=…[&list_empty=true]``: the assets of that name.

``Authorization: Token <key>`` (DRF's token authentication); staff, superusers and holders of
``sponsors.sponsor_publisher`` may read, anyone else gets DRF's 401 (no credentials) or 403. Filter values are
checked as DRF's serializers check them: a 400 naming the field. Absolute URLs come from the configured site URL,
never from the request's Host.
"""

from __future__ import annotations

import datetime
from typing import Any

from advanced_alchemy.utils.text import slugify
from litestar import MediaType, Request, Response, Router, get
from litestar.exceptions import NotAuthorizedException
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_401_UNAUTHORIZED, HTTP_403_FORBIDDEN
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import with_polymorphic

from pydotorg.db.models import FileAsset, GenericAsset, ImgAsset, Sponsor, SponsorContact, Sponsorship
from pydotorg.db.models.sponsors import ResponseAsset, TextAsset
from pydotorg.domain.api.auth import authenticate_first, rate_identity, v2_user
from pydotorg.domain.api.v2 import drf_allow
from pydotorg.domain.sponsors.placements import PlacedLogo, logo_placements
from pydotorg.domain.sponsors.services import LOGO_PLACES, PUBLISHERS
from pydotorg.domain.users.auth import has_perm
from pydotorg.lib.forms import is_number
from pydotorg.settings import Settings
from pydotorg.web.media import absolute_media_url
from pydotorg.web.ratelimit import rate_limit_per
from pydotorg.web.slash import append_slash

PUBLISHER_PERMISSION = "sponsors.sponsor_publisher"
#: DRF's ``BooleanField`` spellings.
TRUE_VALUES = {"t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1"}
FALSE_VALUES = {"f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0", ""}
MAX_INTERNAL_NAME = 128
#: DRF's IntegerField refuses digits beyond this many (``MAX_STRING_LENGTH``).
MAX_INTEGER_TEXT = 1000
HEADERS = {"Allow": drf_allow({"GET"}), "Vary": "Accept"}


def _json(body: Any, status: int = 200, extra: dict[str, str] | None = None) -> Response[Any]:
    return Response(body, status_code=status, media_type=MediaType.JSON, headers={**HEADERS, **(extra or {})})


async def _refusal(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """DRF's ``SponsorPublisherPermission`` with token authentication: 401 without credentials, 403 without the
    permission (its message), ``None`` when the caller may read."""
    try:
        user = await v2_user(request)
    except NotAuthorizedException as exc:  # an invalid token: DRF's 401 with its own detail
        return _json({"detail": exc.detail}, HTTP_401_UNAUTHORIZED, {"WWW-Authenticate": "Token"})
    if user is None:
        return _json(
            {"detail": "Authentication credentials were not provided."},
            HTTP_401_UNAUTHORIZED,
            {"WWW-Authenticate": "Token"},
        )
    if user.is_staff or user.is_superuser or await has_perm(request, user, PUBLISHER_PERMISSION):
        return None
    return _json({"detail": "Must have publisher permission."}, HTTP_403_FORBIDDEN)


def _choice(params: Any, name: str, choices: dict[str, str], errors: dict[str, list[str]]) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if value not in choices:
        errors[name] = [f'"{value}" is not a valid choice.']
        return None
    return str(value)


def _year(params: Any, errors: dict[str, list[str]]) -> int | None:
    value = params.get("year")
    if value is None:
        return None
    text = str(value).strip()
    if len(text) > MAX_INTEGER_TEXT:
        errors["year"] = ["String value too large."]
        return None
    if text.endswith(".0"):  # DRF accepts "2024.0"
        text = text[:-2]
    if not is_number(text.lstrip("-")):
        errors["year"] = ["A valid integer is required."]
        return None
    return int(text)


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def placement_document(settings: Settings, logo: PlacedLogo, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    """One placement as Django's ``LogoPlacementSerializer`` writes it (``sponsor_id`` is a string there)."""
    sponsor_url = logo.landing_page_url
    if logo.link_to_sponsors_page:
        sponsor_url = settings.absolute_url(f"/psf/sponsors/#{logo.slug}")
    return {
        "publisher": logo.publisher,
        "flight": logo.place,
        "sponsor": logo.sponsor,
        "sponsor_id": str(logo.sponsor_id),
        "sponsor_slug": logo.slug,
        "description": logo.sponsor_description,
        "logo": absolute_media_url(settings, logo.logo),
        "white_logo": absolute_media_url(settings, logo.white_logo) if logo.white_logo else None,
        "start_date": _date(logo.start_date),
        "end_date": _date(logo.end_date),
        "sponsor_url": sponsor_url,
        "level_name": logo.level_name,
        "level_order": logo.level_order,
        "contacts": contacts,
    }


@get("/logo-placement/", name="logo_placement_list")
async def logo_placement_list(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
    refused = await _refusal(request)
    if refused is not None:
        return refused
    errors: dict[str, list[str]] = {}
    params = request.query_params
    publisher = _choice(params, "publisher", PUBLISHERS, errors)
    flight = _choice(params, "flight", LOGO_PLACES, errors)
    year = _year(params, errors)
    if errors:
        return _json(errors, HTTP_400_BAD_REQUEST)
    placed = [
        logo
        for logo in await logo_placements(db_session, year=year)
        if (publisher is None or logo.publisher == publisher) and (flight is None or logo.place == flight)
    ]
    contacts: dict[int, list[dict[str, Any]]] = {}
    if placed:
        rows = await db_session.execute(
            select(SponsorContact)
            .where(SponsorContact.sponsor_id.in_({logo.sponsor_id for logo in placed}))
            .order_by(SponsorContact.id)
        )
        for contact in rows.scalars():
            contacts.setdefault(contact.sponsor_id, []).append(
                {
                    "name": contact.name,
                    "email": contact.email,
                    "primary": contact.primary,
                    "administrative": contact.administrative,
                    "accounting": contact.accounting,
                    "manager": contact.manager,
                }
            )
    settings: Settings = request.app.state.settings
    return _json([placement_document(settings, logo, contacts.get(logo.sponsor_id, [])) for logo in placed])


def _asset_value(settings: Settings, asset: GenericAsset) -> tuple[bool, str]:
    """(has a value, the value as the API writes it: text, the yes/no answer, or the file's absolute URL)."""
    if isinstance(asset, TextAsset):
        return bool(asset.text), asset.text or ""
    if isinstance(asset, ResponseAsset):
        return bool(asset.response), asset.response or ""
    path = asset.image if isinstance(asset, ImgAsset) else asset.file if isinstance(asset, FileAsset) else None
    return bool(path), absolute_media_url(settings, path) if path else ""


@get("/sponsorship-assets/", name="assets_list")
async def assets_list(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
    refused = await _refusal(request)
    if refused is not None:
        return refused
    params = request.query_params
    errors: dict[str, list[str]] = {}
    internal_name = params.get("internal_name")
    if internal_name is None or internal_name == "":
        errors["internal_name"] = [
            "This field is required." if internal_name is None else "This field may not be blank."
        ]
    elif len(internal_name) > MAX_INTERNAL_NAME:
        errors["internal_name"] = [f"Ensure this field has no more than {MAX_INTERNAL_NAME} characters."]
    raw_empty = params.get("list_empty", "false")
    if raw_empty not in TRUE_VALUES | FALSE_VALUES:
        errors["list_empty"] = ["Must be a valid boolean."]
    if errors:
        return _json(errors, HTTP_400_BAD_REQUEST)
    list_empty = raw_empty in TRUE_VALUES
    every_kind = with_polymorphic(GenericAsset, "*")
    assets = list(
        (
            await db_session.execute(
                select(every_kind).where(every_kind.internal_name == internal_name).order_by(every_kind.id)
            )
        ).scalars()
    )
    sponsorship_ids = {a.object_id for a in assets if a.content_type == "sponsorship"}
    owner_of: dict[int, int | None] = {}
    if sponsorship_ids:
        rows = await db_session.execute(
            select(Sponsorship.id, Sponsorship.sponsor_id).where(Sponsorship.id.in_(sponsorship_ids))
        )
        owner_of = dict(rows.tuples().all())
    sponsor_ids = {a.object_id for a in assets if a.content_type == "sponsor"} | {
        s for s in owner_of.values() if s is not None
    }
    sponsors: dict[int, Sponsor] = {}
    if sponsor_ids:
        found = await db_session.execute(select(Sponsor).where(Sponsor.id.in_(sponsor_ids)))
        sponsors = {s.id: s for s in found.scalars()}
    settings: Settings = request.app.state.settings
    body = []
    for asset in assets:
        has_value, value = _asset_value(settings, asset)
        if not (has_value or list_empty):
            continue
        sponsor_id = asset.object_id if asset.content_type == "sponsor" else owner_of.get(asset.object_id)
        sponsor = sponsors.get(sponsor_id) if sponsor_id is not None else None
        body.append(
            {
                "internal_name": asset.internal_name,
                "uuid": str(asset.uuid),
                "value": value,
                "content_type": asset.content_type.title(),
                "sponsor": sponsor.name if sponsor is not None else "",
                "sponsor_slug": slugify(sponsor.name) if sponsor is not None else "",
            }
        )
    return _json(body)


def build_router() -> Router:
    return Router(
        path="/api/v2/sponsors",
        route_handlers=[logo_placement_list, assets_list],
        before_request=append_slash,
        middleware=[
            authenticate_first(v2_user),
            rate_limit_per("apiv2", "api_v2_rate_limit", rate_identity).middleware,
        ],
        tags=["API v2 (REST framework)"],
        include_in_schema=True,
    )
