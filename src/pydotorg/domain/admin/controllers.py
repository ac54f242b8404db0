"""``/admin/``: the staff admin, on the site's own login, session, CSRF and permissions.

Staff only (``requires_staff`` on the whole router); each page then checks the model permission Django would:
``view`` (or ``change``) to list and read, ``add``, ``change`` and ``delete`` to write. Every write records who
did what in the change log (``django_admin_log``) and fills creator / last-modified-by on content models.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, HttpMethod, MediaType, Request, Response, get, post, route
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST, HTTP_409_CONFLICT
from sqlalchemy import Boolean, String, Text, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import ValidationError

from pydotorg.db.base import ContentManageable
from pydotorg.db.models.users import AdminAction, AdminLogEntry, Permission, User
from pydotorg.domain.admin.registry import (
    REGISTRY,
    ModelAdmin,
    Permit,
    all_permissions,
    build_form_class,
    check_upload,
    get_admin,
)
from pydotorg.domain.users.auth import CurrentUser, current_user, has_perm
from pydotorg.domain.users.guards import requires_staff
from pydotorg.lib.forms import FormData, add_error, is_number
from pydotorg.settings import Settings
from pydotorg.web.forms import FORM
from pydotorg.web.media import MediaStorage


def _me(request: Request[Any, Any, Any]) -> CurrentUser:
    user = current_user(request)
    if user is None:
        raise PermissionDeniedException()
    return user


def _admin_or_404(app_label: str, model_name: str) -> ModelAdmin:
    admin = get_admin(app_label, model_name)
    if admin is None:
        raise NotFoundException()
    return admin


async def _can(request: Request[Any, Any, Any], admin: ModelAdmin, action: Permit) -> bool:
    user = _me(request)
    if action is Permit.VIEW:
        return await has_perm(request, user, admin.perm(Permit.VIEW)) or await has_perm(
            request, user, admin.perm(Permit.CHANGE)
        )
    return await has_perm(request, user, admin.perm(action))


async def _require(request: Request[Any, Any, Any], admin: ModelAdmin, action: Permit) -> None:
    if not await _can(request, admin, action):
        raise PermissionDeniedException(f"You do not have permission to {action} {admin.verbose_name_plural}.")


def page(template: str, status_code: int = 200, **context: Any) -> Template:
    return Template(
        template_name=f"admin/{template}.html",
        context=context,
        media_type=MediaType.HTML,
        status_code=status_code,
        headers={"Cache-Control": "private, no-store"},
    )


async def _log(
    session: AsyncSession, user: CurrentUser, admin: ModelAdmin, obj: Any, *, flag: AdminAction, message: str
) -> None:
    session.add(
        AdminLogEntry(
            user_id=user.id,
            content_type=admin.key,
            object_id=str(obj.id),
            object_repr=str(obj)[:200],
            action_flag=int(flag),
            change_message=message,
        )
    )


async def _fk_choices(session: AsyncSession, admin: ModelAdmin) -> dict[str, list[tuple[Any, str]]]:
    choices: dict[str, list[tuple[Any, str]]] = {}
    for name, target in admin.fk_select.items():
        rows = (await session.execute(select(target).order_by(target.id).limit(2000))).scalars().all()
        choices[name] = [(row.id, str(row)) for row in rows]
    for name, m2m in admin.many_to_many.items():
        rows = (await session.execute(select(m2m.target).order_by(m2m.target.id))).scalars().all()
        choices[name] = [(row.id, m2m.label(row)) for row in rows]
    return choices


async def ensure_permissions(session: AsyncSession) -> None:
    """Create the permission rows the registry knows about and the database lacks (idempotent)."""
    existing = {(app, code) for app, code in (await session.execute(select(Permission.app_label, Permission.codename)))}
    for app_label, model, codename, name in all_permissions():
        if (app_label, codename) not in existing:
            session.add(Permission(app_label=app_label, model=model, codename=codename, name=name))
    await session.flush()


def _editable(admin: ModelAdmin, user: CurrentUser) -> list[str]:
    return [
        name
        for name in admin.fields
        if name not in admin.readonly_fields and (user.is_superuser or name not in admin.superuser_fields)
    ]


def _filtered(admin: ModelAdmin, query: Any, params: Any, search: str) -> tuple[Any, dict[str, str]]:
    """The list query narrowed by the search box, the list filters and ``<fk>_id=`` links."""
    if search and admin.search_fields:
        clauses = []
        for name in admin.search_fields:
            column = admin.column(name)
            if isinstance(column.type, String | Text):
                clauses.append(func.lower(column).contains(search.lower(), autoescape=True))
            elif is_number(search):
                clauses.append(column == int(search))
        if clauses:
            query = query.where(or_(*clauses))
    active_filters: dict[str, str] = {}
    for name in admin.list_filter:
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        column = admin.column(name)
        if isinstance(column.type, Boolean):
            if raw not in {"1", "0"}:
                continue
            query = query.where(column.is_(raw == "1"))
        else:
            choices = {str(value): value for value, _ in admin.choices.get(name, [])}
            if raw not in choices:
                continue
            query = query.where(column == choices[raw])
        active_filters[name] = raw
    for name, computed in admin.computed_filters.items():
        raw = params.get(name)
        if raw in {value for value, _label in computed.options}:
            query = query.where(computed.clause(str(raw)))
            active_filters[name] = str(raw)
    for name in admin.mapper.columns.keys():  # noqa: SIM118 - a ReadOnlyColumnCollection
        raw = params.get(name)
        if name.endswith("_id") and name not in admin.list_filter and raw and is_number(str(raw)):
            query = query.where(admin.column(name) == int(raw))
            active_filters[name] = str(raw)
    return query, active_filters


def _stale(obj: Any, submitted: Any) -> bool:
    """Whether a form loaded at version ``submitted`` would overwrite a newer save of ``obj``."""
    if not hasattr(obj, "version") or submitted is None:
        return False
    return str(submitted).strip() != str(obj.version)


class AdminController(Controller):
    path = "/admin"
    guards = [requires_staff]
    include_in_schema = False
    opt = FORM

    @get("/", name="admin:index")
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        sections: dict[str, list[tuple[ModelAdmin, bool]]] = {}
        for admin in sorted(REGISTRY.values(), key=lambda a: (a.app_label, a.verbose_name_plural)):
            if await _can(request, admin, Permit.VIEW):
                sections.setdefault(admin.app_label, []).append((admin, await _can(request, admin, Permit.ADD)))
        return page("index", sections=sections)

    # -- list ----------------------------------------------------------------------------------------------------------
    async def _changelist(
        self, request: Request[Any, Any, Any], admin: ModelAdmin, db_session: AsyncSession
    ) -> dict[str, Any]:
        params = request.query_params
        model: Any = admin.model
        query = select(model)
        search = str(params.get("q", "")).strip()[:200]
        query, active_filters = _filtered(admin, query, params, search)
        order = str(params.get("o", admin.ordering))
        order_name = order.lstrip("-")
        if order_name not in admin.list_display or order_name not in admin.mapper.columns:
            order, order_name = admin.ordering, admin.ordering.lstrip("-")
        column = admin.column(order_name)
        query = query.order_by(column.desc() if order.startswith("-") else column.asc(), model.id.desc())
        total = int((await db_session.execute(select(func.count()).select_from(query.subquery()))).scalar_one())
        pages = max(1, math.ceil(total / admin.per_page))
        try:
            current = min(max(1, int(params.get("p", "1"))), pages)
        except ValueError:
            current = 1
        rows = (
            (await db_session.execute(query.offset((current - 1) * admin.per_page).limit(admin.per_page)))
            .unique()
            .scalars()
            .all()
        )
        base_params = {"q": search, "o": order, **active_filters}

        def link(**changes: Any) -> str:
            merged = {**base_params, **changes}
            return "?" + urlencode({k: v for k, v in merged.items() if v not in ("", None)})

        filters = []
        for name in admin.list_filter:
            column = admin.column(name)
            options = (
                [("1", "Yes"), ("0", "No")]
                if isinstance(column.type, Boolean)
                else [(str(v), label) for v, label in admin.choices.get(name, [])]
            )
            filters.append((name, options, active_filters.get(name)))
        for name, computed in admin.computed_filters.items():
            filters.append((name, computed.options, active_filters.get(name)))
        return {
            "admin": admin,
            "rows": rows,
            "total": total,
            "page": current,
            "pages": pages,
            "search": search,
            "order": order,
            "filters": filters,
            "link": link,
            "can_add": admin.can_add and await _can(request, admin, Permit.ADD),
            "can_delete": admin.can_delete and await _can(request, admin, Permit.DELETE),
        }

    @get("/{app_label:str}/{model_name:str}/", name="admin:changelist")
    async def changelist(
        self, request: Request[Any, Any, Any], app_label: str, model_name: str, db_session: AsyncSession
    ) -> Template:
        admin = _admin_or_404(app_label, model_name)
        await _require(request, admin, Permit.VIEW)
        return page("changelist", **await self._changelist(request, admin, db_session))

    @post("/{app_label:str}/{model_name:str}/", name="admin:changelist_action", status_code=200)
    async def changelist_action(
        self, request: Request[Any, Any, Any], app_label: str, model_name: str, db_session: AsyncSession
    ) -> Response[Any]:
        admin = _admin_or_404(app_label, model_name)
        await _require(request, admin, Permit.VIEW)
        data = await request.form()
        action = str(data.get("action", ""))
        ids = [int(v) for v in data.getall("_selected", []) if is_number(str(v))]
        model: Any = admin.model
        rows: Sequence[Any] = (
            (await db_session.execute(select(model).where(model.id.in_(ids)).order_by(model.id)))
            .unique()
            .scalars()
            .all()
            if ids
            else []
        )
        if not rows:
            flash(request, "Select at least one item to perform an action on.", category="error")
            return Redirect(admin.url)
        if action == "delete_selected":
            if not admin.can_delete:
                raise PermissionDeniedException("These rows cannot be deleted here.")
            await _require(request, admin, Permit.DELETE)
            if data.get("confirm") != "yes":
                return page("delete_selected", admin=admin, rows=rows)
            me = _me(request)
            for obj in rows:
                await _log(db_session, me, admin, obj, flag=AdminAction.DELETION, message="Deleted.")
                await db_session.delete(obj)
            if admin.before_commit:
                await admin.before_commit(db_session, None)
            await db_session.commit()
            flash(request, f"Deleted {len(rows)} {admin.verbose_name_plural}.", category="success")
            return Redirect(admin.url)
        if action in admin.actions:
            _label, handler = admin.actions[action]
            result: Response[Any] = await handler(request, db_session, rows)
            return result
        flash(request, "Unknown action.", category="error")
        return Redirect(admin.url)

    # -- add and change ----------------------------------------------------------------------------------------------
    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        admin: ModelAdmin,
        db_session: AsyncSession,
        obj: Any | None,
    ) -> Response[Any]:
        me = _me(request)
        editable = _editable(admin, me)
        form_class = build_form_class(admin, await _fk_choices(db_session, admin), editable=editable)
        if request.method != "POST":
            if obj is not None:
                form = form_class(obj=obj)
            else:
                # "Add a file to this release" links pass the parent's id, e.g. ?release_id=42
                initial = {k: v for k, v in request.query_params.items() if k in editable and k.endswith("_id")}
                form = form_class(data={k: int(v) for k, v in initial.items() if is_number(v)})
            if obj is not None:
                for name, m2m in admin.many_to_many.items():
                    if name in editable:
                        form[name].data = [row.id for row in getattr(obj, m2m.relationship)]
            related = await self._related_rows(db_session, admin, obj) if obj is not None else []
            return self._render_form(request, admin, form, obj, related=related)

        data = await request.form()
        form = form_class(formdata=FormData(data))
        if obj is not None and _stale(obj, data.get("_version")):
            return await self._conflict(request, admin, db_session, obj, form=form, editable=editable)
        uploads = await self._check(admin, db_session, obj, form=form, data=data, editable=editable)
        if any(f.errors for f in form):
            return self._render_form(request, admin, form, obj, status_code=HTTP_400_BAD_REQUEST)
        return await self._save(request, admin, db_session, obj, form=form, uploads=uploads, editable=editable)

    async def _check(
        self, admin: ModelAdmin, db_session: AsyncSession, obj: Any | None, *, form: Any, data: Any, editable: list[str]
    ) -> dict[str, tuple[str, bytes]]:
        """Validate the form, the uploads, unique columns and the model's own rules; errors land on the form."""
        form.validate()
        uploads: dict[str, tuple[str, bytes]] = {}
        for name, spec in admin.uploads.items():
            if name not in editable:
                continue
            upload = data.get(name)
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read()
                try:
                    extension = check_upload(spec, upload.filename, content)
                except ValidationError as exc:
                    add_error(form, name, str(exc))
                else:
                    uploads[name] = (extension, content)
            elif (obj is None or not getattr(obj, name)) and not admin.column(name).nullable:
                add_error(form, name, "This field is required.")  # an optional file (a logo) may stay empty
        # unique columns: a field error instead of an IntegrityError
        model: Any = admin.model
        for name in editable:
            if name in admin.many_to_many or name in admin.uploads:
                continue
            column = admin.column(name)
            value = form[name].data
            if column.unique and value not in (None, "") and not form[name].errors:
                clash = select(model.id).where(column == value)
                if obj is not None:
                    clash = clash.where(model.id != obj.id)
                if (await db_session.execute(clash.limit(1))).first() is not None:
                    add_error(form, name, f"{admin.verbose_name.capitalize()} with this {name} already exists.")
        if admin.validate is not None and not any(f.errors for f in form):
            for name, message in (await admin.validate(db_session, form, obj)).items():
                add_error(form, name, message)
        return uploads

    async def _save(
        self,
        request: Request[Any, Any, Any],
        admin: ModelAdmin,
        db_session: AsyncSession,
        obj: Any | None,
        *,
        form: Any,
        uploads: dict[str, tuple[str, bytes]],
        editable: list[str],
    ) -> Response[Any]:
        me = _me(request)
        model: Any = admin.model
        data = await request.form()
        creating = obj is None
        target: Any = obj if obj is not None else model()
        changed = await self._apply(request, admin, db_session, target, form=form, uploads=uploads, editable=editable)
        if isinstance(target, ContentManageable):
            if creating:
                target.creator_id = me.id
            target.last_modified_by_id = me.id
        if creating:
            db_session.add(target)
        try:
            await db_session.flush()
        except StaleDataError:  # saved by someone else between our check and this write
            await db_session.rollback()
            fresh = await self._object(admin, db_session, target.id)
            return await self._conflict(request, admin, db_session, fresh, form=form, editable=editable)
        except IntegrityError:
            await db_session.rollback()
            form_errors = ["This change conflicts with existing data (a duplicate or a missing related row)."]
            return self._render_form(
                request, admin, form, None if creating else obj, status_code=HTTP_400_BAD_REQUEST, errors=form_errors
            )
        if creating:
            await _log(db_session, me, admin, target, flag=AdminAction.ADDITION, message="Added.")
        elif changed:
            await _log(db_session, me, admin, target, flag=AdminAction.CHANGE, message=f"Changed {', '.join(changed)}.")
        if admin.before_commit:
            await admin.before_commit(db_session, target)
        await db_session.commit()
        verb = "added" if creating else "changed"
        flash(request, f"The {admin.verbose_name} “{target}” was {verb} successfully.", category="success")
        if "_continue" in data:
            return Redirect(f"{admin.url}{target.id}/change/")
        return Redirect(admin.url)

    async def _conflict(
        self,
        request: Request[Any, Any, Any],
        admin: ModelAdmin,
        db_session: AsyncSession,
        obj: Any,
        *,
        form: Any,
        editable: list[str],
    ) -> Response[Any]:
        """A save over a newer version: nothing is written; the form comes back with the editor's text, who saved
        in between and when, and the differences from the saved version (saving again replaces it)."""
        who = "someone"
        if getattr(obj, "last_modified_by_id", None):
            name = await db_session.scalar(select(User.username).where(User.id == obj.last_modified_by_id))
            who = name or who
        when = obj.updated.strftime("%Y-%m-%d %H:%M UTC") if getattr(obj, "updated", None) else "an unknown time"
        diffs: list[tuple[str, str]] = []
        for name in editable:
            if name in admin.many_to_many or name in admin.uploads:
                continue
            saved, yours = getattr(obj, name), form[name].data
            if isinstance(yours, str):
                yours = yours.replace("\r\n", "\n")
            if saved != yours:
                lines = difflib.unified_diff(
                    str(saved or "").splitlines(), str(yours or "").splitlines(), "saved", "yours", lineterm="", n=2
                )
                diffs.append((name, "\n".join(lines) or f"saved: {saved!r}\nyours: {yours!r}"))
        message = (
            f"This {admin.verbose_name} was changed by {who} at {when}, after you opened it. Nothing was saved: "
            "your version is in the form below, and the differences from the saved one are listed. Save again to "
            "replace their change with yours."
        )
        return self._render_form(
            request, admin, form, obj, status_code=HTTP_409_CONFLICT, errors=[message], conflict=diffs
        )

    async def _apply(
        self,
        request: Request[Any, Any, Any],
        admin: ModelAdmin,
        db_session: AsyncSession,
        target: Any,
        *,
        form: Any,
        uploads: dict[str, tuple[str, bytes]],
        editable: list[str],
    ) -> list[str]:
        """Copy the form onto ``target``; return the names of the fields that changed."""
        creating = target.id is None
        changed: list[str] = []
        settings: Settings = request.app.state.settings
        for name in editable:
            if name in admin.many_to_many:
                m2m = admin.many_to_many[name]
                selected = form[name].data or []
                rows = (await db_session.execute(select(m2m.target).where(m2m.target.id.in_(selected)))).scalars().all()
                before = {row.id for row in getattr(target, m2m.relationship)} if not creating else set()
                if before != {row.id for row in rows}:
                    changed.append(name)
                setattr(target, m2m.relationship, list(rows))
                continue
            if name in admin.uploads:
                if name in uploads:
                    extension, content = uploads[name]
                    stored = await MediaStorage.from_settings(settings).store(
                        admin.uploads[name].folder, extension, content
                    )
                    setattr(target, name, stored)
                    changed.append(name)
                continue
            value = form[name].data
            if isinstance(value, str):
                value = value.replace("\r\n", "\n")  # browsers send textarea lines with CRLF
            column = admin.column(name)
            if value is None and not column.nullable and isinstance(column.type, String | Text):
                value = ""
            if creating or getattr(target, name) != value:
                changed.append(name)
            setattr(target, name, value)
        return changed

    async def _related_rows(self, db_session: AsyncSession, admin: ModelAdmin, obj: Any) -> list[dict[str, Any]]:
        """The rows that point at ``obj`` (e.g. a release's files), shown inline on its change page."""
        blocks: list[dict[str, Any]] = []
        for label, key, column in admin.related:
            child = REGISTRY.get(key)
            if child is None:
                continue
            model: Any = child.model
            query = select(model).where(getattr(model, column) == obj.id).order_by(model.id).limit(200)
            rows = (await db_session.execute(query)).unique().scalars().all()
            blocks.append({"label": label, "admin": child, "column": column, "rows": rows})
        return blocks

    def _render_form(
        self,
        request: Request[Any, Any, Any],
        admin: ModelAdmin,
        form: Any,
        obj: Any | None,
        *,
        status_code: int = 200,
        errors: list[str] | None = None,
        related: list[dict[str, Any]] | None = None,
        conflict: list[tuple[str, str]] | None = None,
    ) -> Template:
        me = _me(request)
        readonly = [name for name in admin.fields if name not in _editable(admin, me)]
        return page(
            "change_form",
            status_code=status_code,
            admin=admin,
            form=form,
            obj=obj,
            readonly=readonly,
            multipart=bool(admin.uploads),
            form_errors=errors or (["Please correct the errors below."] if status_code == 400 else []),
            related=related or [],
            conflict=conflict or [],
            version=getattr(obj, "version", None),
        )

    @route("/{app_label:str}/{model_name:str}/add/", http_method=[HttpMethod.GET, HttpMethod.POST], name="admin:add")
    async def add_form(
        self, request: Request[Any, Any, Any], app_label: str, model_name: str, db_session: AsyncSession
    ) -> Response[Any]:
        admin = _admin_or_404(app_label, model_name)
        if not admin.can_add:
            raise PermissionDeniedException(f"{admin.verbose_name_plural.capitalize()} are not added here.")
        await _require(request, admin, Permit.ADD)
        return await self._form_page(request, admin, db_session, None)

    async def _object(self, admin: ModelAdmin, db_session: AsyncSession, pk: int) -> Any:
        # many-to-many fields are edited on the page: load them with the row (relationships may be lazy="raise")
        options = [selectinload(getattr(admin.model, m2m.relationship)) for m2m in admin.many_to_many.values()]
        obj = await db_session.get(admin.model, pk, options=options)
        if obj is None:
            raise NotFoundException()
        return obj

    @route(
        "/{app_label:str}/{model_name:str}/{pk:int}/change/",
        http_method=[HttpMethod.GET, HttpMethod.POST],
        name="admin:change",
    )
    async def change_form(
        self, request: Request[Any, Any, Any], app_label: str, model_name: str, pk: int, db_session: AsyncSession
    ) -> Response[Any]:
        admin = _admin_or_404(app_label, model_name)
        await _require(request, admin, Permit.CHANGE if request.method == "POST" else Permit.VIEW)
        obj = await self._object(admin, db_session, pk)
        if request.method != "POST" and not await _can(request, admin, Permit.CHANGE):
            return page("view", admin=admin, obj=obj)
        return await self._form_page(request, admin, db_session, obj)

    # -- delete and history ------------------------------------------------------------------------------------------
    @get("/{app_label:str}/{model_name:str}/{pk:int}/delete/", name="admin:delete")
    async def delete_form(
        self, request: Request[Any, Any, Any], app_label: str, model_name: str, pk: int, db_session: AsyncSession
    ) -> Template:
        admin = _admin_or_404(app_label, model_name)
        await _require(request, admin, Permit.DELETE)
        if not admin.can_delete:
            raise PermissionDeniedException()
        return page("delete_confirmation", admin=admin, obj=await self._object(admin, db_session, pk))

    @post("/{app_label:str}/{model_name:str}/{pk:int}/delete/", name="admin:delete_post")
    async def delete(
        self, request: Request[Any, Any, Any], app_label: str, model_name: str, pk: int, db_session: AsyncSession
    ) -> Redirect:
        admin = _admin_or_404(app_label, model_name)
        await _require(request, admin, Permit.DELETE)
        if not admin.can_delete:
            raise PermissionDeniedException()
        obj = await self._object(admin, db_session, pk)
        label = str(obj)
        await _log(db_session, _me(request), admin, obj, flag=AdminAction.DELETION, message="Deleted.")
        await db_session.delete(obj)
        if admin.before_commit:
            await admin.before_commit(db_session, None)
        await db_session.commit()
        flash(request, f"The {admin.verbose_name} “{label}” was deleted successfully.", category="success")
        return Redirect(admin.url)

    @get("/{app_label:str}/{model_name:str}/{pk:int}/history/", name="admin:history")
    async def history(
        self, request: Request[Any, Any, Any], app_label: str, model_name: str, pk: int, db_session: AsyncSession
    ) -> Template:
        admin = _admin_or_404(app_label, model_name)
        await _require(request, admin, Permit.VIEW)
        query = (
            select(AdminLogEntry)
            .where(AdminLogEntry.content_type == admin.key, AdminLogEntry.object_id == str(pk))
            .order_by(AdminLogEntry.action_time.desc(), AdminLogEntry.id.desc())
        )
        entries = (await db_session.execute(query)).unique().scalars().all()
        obj = await db_session.get(admin.model, pk)
        return page("history", admin=admin, obj=obj, pk=pk, entries=entries)

    @route(
        "/{app_label:str}/{model_name:str}/{pk:int}/{view:str}/",
        http_method=[HttpMethod.GET, HttpMethod.POST],
        name="admin:object_view",
    )
    async def object_view(  # noqa: PLR0917 - the route's path parameters
        self,
        request: Request[Any, Any, Any],
        app_label: str,
        model_name: str,
        pk: int,
        view: str,
        db_session: AsyncSession,
    ) -> Response[Any]:
        """A model's own page of one row (``ModelAdmin.object_views``); the view checks its permission."""
        admin = _admin_or_404(app_label, model_name)
        handler = admin.object_views.get(view)
        if handler is None:
            raise NotFoundException()
        await _require(request, admin, Permit.VIEW)
        response: Response[Any] = await handler(request, db_session, pk)
        return response
