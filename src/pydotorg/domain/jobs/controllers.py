"""``/jobs/``: the job board's 19 URLs (inventory §2.10), with Django's access rules and three fixes: removal is
a POST, ``next`` cannot leave the site, and review comments are mailed after they are saved."""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.exceptions import ClientException, NotFoundException, PermissionDeniedException
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_400_BAD_REQUEST
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models.jobs import Job, JobCategory, JobStatus, JobType
from pydotorg.domain.jobs import services
from pydotorg.domain.jobs.forms import JobForm, ReviewCommentForm
from pydotorg.domain.users.auth import CurrentUser, current_user, safe_next
from pydotorg.domain.users.guards import post_only, requires_login
from pydotorg.lib.feeds import Feed, FeedItem
from pydotorg.lib.forms import bind, is_number, value
from pydotorg.lib.pagination import paginate_query
from pydotorg.settings import Settings
from pydotorg.web.cache import PRIVATE, cache_policy
from pydotorg.web.forms import FORM
from pydotorg.web.fragments import fragment, page_fragment, render_markup
from pydotorg.web.ratelimit import mail_limit

JOBS_PER_PAGE = 25
REVIEW_PER_PAGE = 20
FEED_SIZE = 20
OTHER_JOBS = 5
CACHED = cache_policy("jobs")
MODERATION_ACTIONS = ("approve", "reject", "remove", "archive")


def _me(request: Request[Any, Any, Any]) -> CurrentUser:
    user = current_user(request)
    if user is None:  # the login guard ran first
        raise PermissionDeniedException()
    return user


async def _admin(request: Request[Any, Any, Any]) -> bool:
    return await services.is_board_admin(request, current_user(request))


async def requires_board_admin(connection: Any, _: Any) -> None:
    requires_login(connection, _)
    if not await services.is_board_admin(connection, current_user(connection)):
        raise PermissionDeniedException("This page is for job board moderators.")


async def _page(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    template: str,
    *,
    status_code: int = 200,
    private: bool = False,
    **context: Any,
) -> Template:
    user = current_user(request)
    context.update(await services.sidebar(request, db_session, user))
    return Template(
        template_name=f"jobs/{template}.html",
        context=context,
        status_code=status_code,
        media_type=MediaType.HTML,
        headers=PRIVATE if private or user is not None else None,
    )


async def _listing(request: Request[Any, Any, Any], db_session: AsyncSession, name: str, query: Any) -> dict[str, Any]:
    """A page of a public job list as rendered markup (and the first job's place, for the location heading): the
    same for every visitor, kept as a page part until the board changes (web/fragments.py)."""
    number = request.query_params.get("page")

    async def build() -> dict[str, Any]:
        page = await paginate_query(db_session, query, number, JOBS_PER_PAGE)
        return {
            "listing": render_markup(request, "jobs/_list.html", page=page, mine=False),
            "place": page.items[0].display_location if page.items else None,
        }

    return await page_fragment(request, f"jobs:list:{name}", build)


async def _form_choices(db_session: AsyncSession, form: JobForm) -> JobForm:
    categories = await services.active_categories(db_session)
    types = await services.active_types(db_session)
    form.set_choices([(c.id, c.name) for c in categories], [(t.id, t.name) for t in types])
    return form


#: Text fields copied from the job form as they are (stripped), and the optional ones stored as NULL when empty.
TEXT_FIELDS = (
    "job_title",
    "company_name",
    "other_job_type",
    "city",
    "region",
    "country",
    "description",
    "requirements",
    "company_description",
    "email",
)
OPTIONAL_FIELDS = ("contact", "url")


async def _apply_form(db_session: AsyncSession, form: JobForm, job: Job) -> None:
    for name in TEXT_FIELDS:
        setattr(job, name, value(form[name]).strip())
    for name in OPTIONAL_FIELDS:
        setattr(job, name, value(form[name]).strip() or None)
    job.telecommuting = bool(form.telecommuting.data)
    job.agencies = bool(form.agencies.data)
    job.category_id = int(form.category.data)
    selected = list(form.job_types.data or [])
    job.job_types = list(
        (await db_session.execute(select(JobType).where(JobType.id.in_(selected), JobType.active.is_(True))))
        .scalars()
        .all()
    )


def _form_from_job(job: Job) -> JobForm:
    form = JobForm(obj=job)
    form.category.data = job.category_id
    form.job_types.data = [t.id for t in job.job_types]
    return form


async def _job_or_404(db_session: AsyncSession, pk: int) -> Job:
    job = await services.get_job(db_session, pk)
    if job is None:
        raise NotFoundException("No such job.")
    return job


class JobsController(Controller):
    path = "/jobs"
    include_in_schema = False
    opt = FORM

    # -- public lists ----------------------------------------------------------------------------------------------
    @get("/", name="jobs:job_list", **CACHED)
    async def job_list(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        part = await _listing(request, db_session, "all", services.visible_jobs())
        return await _page(request, db_session, "job_list", listing=part["listing"], heading="Python Job Board")

    @get("/feed/rss/", name="jobs:job_rss", **CACHED)
    async def feed(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings
    ) -> Response[bytes]:
        """Django's ``JobFeed``: the newest approved jobs, here without the expired ones (Django listed them)."""
        base = settings.site_url.rstrip("/")

        async def build() -> list[FeedItem]:
            rows = (await db_session.execute(services.visible_jobs().limit(FEED_SIZE))).scalars().all()
            return [
                FeedItem(
                    title=job.display_name,
                    link=f"{base}/jobs/{job.id}/",
                    # the location is the submitter's plain text: escaped, unlike the sanitised rendered markup
                    description=(
                        f"<p>{escape(job.display_location)}</p>{job.description_rendered}{job.requirements_rendered}"
                    ),
                    published=job.created,
                    guid=f"{base}/jobs/{job.id}/",
                )
                for job in rows
            ]

        feed = Feed(
            title="Python.org Jobs Feed",
            link=f"{base}/jobs/",
            description="The latest jobs posted on the Python Job Board",
            self_url=f"{base}/jobs/feed/rss/",
            items=await fragment(request, "jobs:feed", build),
        )
        body, media_type = feed.render()
        return Response(body, media_type=media_type)

    @get("/location/telecommute/", name="jobs:job_telecommute", **CACHED)
    async def telecommute(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        query = services.visible_jobs().where(Job.telecommuting.is_(True))
        part = await _listing(request, db_session, "telecommute", query)
        return await _page(request, db_session, "job_list", listing=part["listing"], heading="Telecommuting jobs")

    @get("/location/{slug:str}/", name="jobs:job_list_location", **CACHED)
    async def by_location(self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession) -> Template:
        query = services.visible_jobs().where(Job.location_slug == slug)
        part = await _listing(request, db_session, f"location:{slug}", query)
        place = part["place"] or slug
        return await _page(request, db_session, "job_list", listing=part["listing"], heading=f"Jobs in {place}")

    @get("/type/{slug:str}/", name="jobs:job_list_type", **CACHED)
    async def by_type(self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession) -> Template:
        job_type = (await db_session.execute(select(JobType).where(JobType.slug == slug))).scalars().first()
        if job_type is None:
            raise NotFoundException("No such job type.")
        query = services.visible_jobs().where(Job.job_types.any(JobType.id == job_type.id))
        part = await _listing(request, db_session, f"type:{job_type.id}", query)
        return await _page(request, db_session, "job_list", listing=part["listing"], heading=f"{job_type.name} jobs")

    @get("/category/{slug:str}/", name="jobs:job_list_category", **CACHED)
    async def by_category(self, request: Request[Any, Any, Any], slug: str, db_session: AsyncSession) -> Template:
        category = (await db_session.execute(select(JobCategory).where(JobCategory.slug == slug))).scalars().first()
        if category is None:
            raise NotFoundException("No such job category.")
        query = services.visible_jobs().where(Job.category_id == category.id)
        part = await _listing(request, db_session, f"category:{category.id}", query)
        return await _page(request, db_session, "job_list", listing=part["listing"], heading=f"{category.name} jobs")

    @get("/locations/", name="jobs:job_locations", **CACHED)
    async def locations(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        return await _page(request, db_session, "job_locations")

    @get("/types/", name="jobs:job_types", **CACHED)
    async def types(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        return await _page(request, db_session, "job_types")

    @get("/categories/", name="jobs:job_categories", **CACHED)
    async def categories(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        return await _page(request, db_session, "job_categories")

    @get("/thanks/", name="jobs:job_thanks", **CACHED)
    async def thanks(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        return await _page(request, db_session, "job_thanks")

    # -- submitting ------------------------------------------------------------------------------------------------
    @get("/create/", name="jobs:job_create", guards=[requires_login])
    async def create_form(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        me = _me(request)
        form = await _form_choices(db_session, JobForm(email=me.email))
        return await _page(request, db_session, "job_form", form=form, job=None, private=True)

    @post("/create/", name="jobs:job_create_post", guards=[requires_login], status_code=200)
    async def create(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[Any]:
        me = _me(request)
        form = await _form_choices(db_session, await bind(JobForm, request))
        if not form.validate():
            return await _page(
                request, db_session, "job_form", form=form, job=None, private=True, status_code=HTTP_400_BAD_REQUEST
            )
        job = Job(status=JobStatus.DRAFT, creator_id=me.id, submitted_by_id=me.id, job_types=[])
        await _apply_form(db_session, form, job)
        db_session.add(job)
        await db_session.commit()
        return Redirect(f"/jobs/{job.id}/preview/")

    @get("/mine/", name="jobs:job_list_mine", guards=[requires_login])
    async def mine(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        me = _me(request)
        query = select(Job).where(Job.creator_id == me.id).options(*services.job_options()).order_by(Job.created.desc())
        page = await paginate_query(db_session, query, request.query_params.get("page"), JOBS_PER_PAGE)
        return await _page(request, db_session, "job_list", page=page, heading="My job listings", mine=True)

    @get("/{pk:int}/edit/", name="jobs:job_edit", guards=[requires_login])
    async def edit_form(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Template:
        job = await self._editable(request, db_session, pk)
        form = await _form_choices(db_session, _form_from_job(job))
        return await _page(
            request, db_session, "job_form", form=form, job=job, next=request.query_params.get("next", ""), private=True
        )

    @post("/{pk:int}/edit/", name="jobs:job_edit_post", guards=[requires_login], status_code=200)
    async def edit(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Response[Any]:
        job = await self._editable(request, db_session, pk)
        form = await _form_choices(db_session, await bind(JobForm, request))
        data = await request.form()
        if not form.validate():
            return await _page(
                request,
                db_session,
                "job_form",
                form=form,
                job=job,
                next=data.get("next", ""),
                private=True,
                status_code=HTTP_400_BAD_REQUEST,
            )
        await _apply_form(db_session, form, job)
        job.last_modified_by_id = _me(request).id
        await db_session.commit()
        # Django redirected to any POSTed ``next`` (an open redirect); only local paths are followed here
        return Redirect(safe_next(data.get("next"), f"/jobs/{job.id}/preview/"))

    async def _editable(self, request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Job:
        job = await _job_or_404(db_session, pk)
        me = _me(request)
        admin = await _admin(request)
        if not services.can_edit(job, me, admin):
            if job.creator_id == me.id:
                raise services.WrongStateError("An approved job cannot be changed; ask the job board team.")
            raise NotFoundException("No such job.")
        return job

    @get("/{pk:int}/preview/", name="jobs:job_preview", guards=[requires_login])
    async def preview(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Template:
        job = await self._previewable(request, db_session, pk)
        return await _page(
            request,
            db_session,
            "job_detail",
            job=job,
            preview=True,
            private=True,
            **await self._detail_context(request, db_session, job),
        )

    @post(
        "/{pk:int}/preview/",
        name="jobs:job_preview_post",
        guards=[requires_login],
        status_code=200,
        middleware=[mail_limit("job-submit")],
    )
    async def submit(
        self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession, settings: Settings
    ) -> Response[Any]:
        job = await self._previewable(request, db_session, pk)
        data = await request.form()
        if data.get("action") != "review":
            raise ClientException("Unknown action: use action=review to submit the job for review.")
        services.submit_job(db_session, settings, job)
        await db_session.commit()
        return Redirect("/jobs/thanks/")

    async def _previewable(self, request: Request[Any, Any, Any], db_session: AsyncSession, pk: int) -> Job:
        job = await _job_or_404(db_session, pk)
        me = _me(request)
        if not services.can_preview(job, me, await _admin(request)):
            if job.creator_id == me.id:
                raise services.WrongStateError(f"This job is {job.status} and can no longer be previewed or submitted.")
            raise NotFoundException("No such job.")
        return job

    @get("/{pk:int}/remove/", name="jobs:job_remove_get", guards=[requires_login])
    async def remove_get(self, pk: int) -> Response[str]:
        """Django's ``login_required`` view: anonymous visitors are sent to sign in; removing is a POST here."""
        raise post_only()

    @get("/create-review-comment/", name="jobs:job_review_comment_get", guards=[requires_login])
    async def comment_get(self) -> Response[str]:
        raise post_only()

    @post("/{pk:int}/remove/", name="jobs:job_remove", guards=[requires_login], status_code=200)
    async def remove(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Response[Any]:
        """The creator withdraws a listing (a POST here; Django removed jobs on a GET)."""
        job = await _job_or_404(db_session, pk)
        if job.creator_id != _me(request).id:
            raise NotFoundException("No such job.")
        services.moderate(job, "remove")
        await db_session.commit()
        flash(request, f"“{job.display_name}” was removed.", category="info")
        return Redirect("/jobs/mine/")

    # -- moderation ------------------------------------------------------------------------------------------------
    @get("/review/", name="jobs:job_review", guards=[requires_board_admin])
    async def review(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        page = await paginate_query(
            db_session, services.review_queue(), request.query_params.get("page"), REVIEW_PER_PAGE
        )
        return await _page(request, db_session, "job_review", page=page, action_url="/jobs/review/", moderate=False)

    @post("/review/", name="jobs:job_review_post", guards=[requires_board_admin], status_code=200)
    async def review_action(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings
    ) -> Response[Any]:
        return await self._moderate(request, db_session, settings, "/jobs/review/")

    @get("/moderate/", name="jobs:job_moderate", guards=[requires_board_admin])
    async def moderate_list(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        q = (request.query_params.get("q") or "").strip()
        page = await paginate_query(
            db_session, services.moderation_list(q), request.query_params.get("page"), REVIEW_PER_PAGE
        )
        return await _page(
            request, db_session, "job_review", page=page, action_url="/jobs/moderate/", moderate=True, q=q
        )

    @post("/moderate/", name="jobs:job_moderate_post", guards=[requires_board_admin], status_code=200)
    async def moderate_action(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings
    ) -> Response[Any]:
        return await self._moderate(request, db_session, settings, "/jobs/moderate/")

    async def _moderate(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings, back: str
    ) -> Response[Any]:
        data = await request.form()
        action = str(data.get("action", ""))
        raw_id = str(data.get("job_id", ""))
        if action not in MODERATION_ACTIONS:
            raise NotFoundException(f"Unknown action {action!r}: use one of {', '.join(MODERATION_ACTIONS)}.")
        if not is_number(raw_id):
            raise ClientException("job_id must be a job's number.")
        job = await _job_or_404(db_session, int(raw_id))
        status = services.moderate_job(db_session, settings, job, action, _me(request))
        await db_session.commit()
        flash(request, f"“{job.display_name}” is now {status.value}.", category="success")
        return Redirect(back)

    @post(
        "/create-review-comment/",
        name="jobs:job_review_comment_create",
        guards=[requires_login],
        status_code=200,
        middleware=[mail_limit("job-comment")],
    )
    async def comment(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, settings: Settings
    ) -> Response[Any]:
        me = _me(request)
        form = await bind(ReviewCommentForm, request)
        if not form.validate():
            messages = "; ".join(f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items())
            raise ClientException(messages)
        job = await _job_or_404(db_session, int(str(form.job.data)))
        admin = await _admin(request)
        if not (admin or (job.creator_id is not None and job.creator_id == me.id)):
            raise PermissionDeniedException("Only the job's submitter and the job board team may comment on it.")
        action = form.action.data or ""
        if action and not admin:
            raise PermissionDeniedException("Only the job board team may approve or reject jobs.")
        text = value(form.comment).strip()
        if not text and not action:
            raise ClientException("Write a comment or choose an action.")
        if action:
            services.moderate_job(db_session, settings, job, action, me)
        if text:
            services.comment_on_job(db_session, settings, job, text, me)
        await db_session.commit()  # the mails leave now, with the comment and the status change stored
        flash(request, "Your comment was posted." if text else f"The job is now {job.status}.", category="success")
        return Redirect(f"/jobs/{job.id}/")

    # -- one job (last: its pattern takes any number) --------------------------------------------------------------
    @get("/{pk:int}/", name="jobs:job_detail", **CACHED)
    async def detail(self, request: Request[Any, Any, Any], pk: int, db_session: AsyncSession) -> Template:
        job = await _job_or_404(db_session, pk)
        user = current_user(request)
        if not services.can_view(job, user, await _admin(request)):
            raise NotFoundException("No such job.")
        return await _page(
            request, db_session, "job_detail", job=job, **await self._detail_context(request, db_session, job)
        )

    async def _detail_context(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, job: Job
    ) -> dict[str, Any]:
        user = current_user(request)
        admin = await _admin(request)
        others = (
            (
                await db_session.execute(
                    services.visible_jobs()
                    .where(Job.category_id == job.category_id, Job.id != job.id)
                    .limit(OTHER_JOBS)
                )
            )
            .scalars()
            .all()
        )
        is_creator = user is not None and job.creator_id == user.id
        return {
            "other_jobs": others,
            "user_can_edit": services.can_edit(job, user, admin),
            "is_creator": is_creator,
            "can_comment": admin or is_creator,
            "comment_form": ReviewCommentForm(job=str(job.id)),
            "creator_name": await services.creator_name(db_session, job),
        }
