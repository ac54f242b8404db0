"""Sponsorship mail, written from templates the PSF staff edit in the admin (Django's ``mailing`` app and its
``SponsorEmailNotificationTemplate``).

Subjects and bodies are Jinja2 rendered in a *sandbox*: a template can read the values it is given, never call
into Python (no attribute walks to ``__class__``, no imports). Mail is plain text, so nothing is HTML-escaped. A
template that does not parse is refused when it is saved (:func:`check_syntax`); one that fails while rendering
(a misspelt name, an attempt to leave the sandbox) falls back to the shipped default, so a staff typo never
loses a notification.

The use-case mails (the application received and rejected, to the PSF and to the sponsor) use the rows named in
:data:`DEFAULTS`; the seed adds any that is missing with the text below, and staff may change them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.models import SponsorEmailNotificationTemplate
from pydotorg.lib.errors import InvalidError
from pydotorg.lib.jobs import CoreJob
from pydotorg.web.changes import after_commit

logger = logging.getLogger(__name__)
_ENV = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True)


@dataclass(frozen=True)
class MailText:
    subject: str
    content: str


APPLICATION_TO_PSF = "sponsorship-application-psf"
APPLICATION_TO_SPONSOR = "sponsorship-application-sponsor"
REJECTION_TO_PSF = "sponsorship-rejection-psf"
REJECTION_TO_SPONSOR = "sponsorship-rejection-sponsor"

DEFAULTS: dict[str, MailText] = {
    APPLICATION_TO_PSF: MailText(
        "New sponsorship application from {{ sponsor_name }}",
        """{{ sponsor_name }} applied for a {{ sponsorship_level or "custom" }} sponsorship ({{ year }}).

Submitted by: {{ submitted_by }}
Estimated cost of the benefits: {{ estimated_cost }}
{% if for_modified_package %}The applicant changed the package's benefits.
{% endif %}
Benefits:
{% for benefit in benefits %}  * {{ benefit }}
{% endfor %}
Review it in the admin: {{ admin_url }}
""",
    ),
    APPLICATION_TO_SPONSOR: MailText(
        "Thank you for applying to sponsor the Python Software Foundation",
        """Hello,

Thank you for applying to sponsor the Python Software Foundation. We received the application of
{{ sponsor_name }} for a {{ sponsorship_level or "custom" }} sponsorship and will be in touch once we have
reviewed it.

Benefits you asked for:
{% for benefit in benefits %}  * {{ benefit }}
{% endfor %}{% if required_assets %}
Some benefits need material from you. You can provide it on your sponsorship's page:
{% for asset in required_assets %}  * {{ asset }}
{% endfor %}{% endif %}
Your application: {{ sponsorship_url }}

The PSF Sponsorship Team
""",
    ),
    REJECTION_TO_PSF: MailText(
        "Sponsorship application from {{ sponsor_name }} rejected",
        """The {{ sponsorship_level or "custom" }} sponsorship application of {{ sponsor_name }} was rejected.

{{ admin_url }}
""",
    ),
    REJECTION_TO_SPONSOR: MailText(
        "Your sponsorship application for the Python Software Foundation",
        """Hello,

Thank you for applying to sponsor the Python Software Foundation. We are not able to accept the application of
{{ sponsor_name }} for a {{ sponsorship_level or "custom" }} sponsorship as submitted. Someone from the PSF
Sponsorship Team will contact you about the alternatives.

The PSF Sponsorship Team
""",
    ),
}


def check_syntax(subject: str, content: str) -> dict[str, str]:
    """Field errors for a template that does not parse (Django's ``BaseEmailTemplateForm``)."""
    errors: dict[str, str] = {}
    for name, text in (("subject", subject), ("content", content)):
        try:
            _ENV.parse(text)
        except TemplateError as exc:
            errors[name] = f"The template does not parse: {exc}"
    if "\n" in subject.strip():
        errors["subject"] = "A subject is one line."
    return errors


def render(text: MailText, context: dict[str, Any]) -> MailText:
    """Render a template. A name the context lacks is an error rather than an empty string (a mail that silently
    says "Dear ," helps nobody), and so is any attempt to leave the sandbox."""
    subject = " ".join(_ENV.from_string(text.subject).render(context).split())
    return MailText(subject, _ENV.from_string(text.content).render(context))


async def template_text(session: AsyncSession, internal_name: str) -> MailText:
    row = (
        await session.execute(
            select(SponsorEmailNotificationTemplate)
            .where(SponsorEmailNotificationTemplate.internal_name == internal_name)
            .order_by(SponsorEmailNotificationTemplate.id)
            .limit(1)
        )
    ).scalar_one_or_none()
    if row is None:
        return DEFAULTS[internal_name]
    return MailText(row.subject, row.content)


def send_after_commit(session: AsyncSession, mail: MailText, to: list[str], *, from_email: str) -> None:
    after_commit(
        session,
        CoreJob.SEND_MAIL,
        to=to,
        subject=mail.subject,
        body=mail.content,
        from_email=from_email,
        reply_to=None,
    )


async def notify(
    session: AsyncSession,
    internal_name: str,
    to: list[str],
    context: dict[str, Any],
    *,
    from_email: str,
) -> MailText | None:
    """Render the named template and send it (the ``send_mail`` job) once the transaction commits."""
    recipients = list(dict.fromkeys(address for address in to if address))
    if not recipients:
        return None
    text = await template_text(session, internal_name)
    try:
        mail = render(text, context)
    except TemplateError as exc:
        logger.warning("sponsor mail template %r failed (%s); sending the shipped text", internal_name, exc)
        try:
            mail = render(DEFAULTS[internal_name], context)
        except (KeyError, TemplateError):
            raise InvalidError(f"The e-mail template {internal_name!r} cannot be rendered: {exc}") from None
    send_after_commit(session, mail, recipients, from_email=from_email)
    return mail


def default_rows() -> list[SponsorEmailNotificationTemplate]:
    """The shipped templates as rows (the seed adds the missing ones)."""
    return [
        SponsorEmailNotificationTemplate(internal_name=name, subject=text.subject, content=text.content)
        for name, text in DEFAULTS.items()
    ]
