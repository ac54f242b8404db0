"""Outgoing mail: templated messages, sent by the ``send_mail`` background job.

* ``file`` transport (embedded mode): every message is written as an ``.eml`` file under ``var/mail/`` and logged;
  that folder is the mail store tests and developers read;
* ``smtp`` transport (production): the standard library's SMTP client, run in a worker thread.

Request code calls :func:`queue_mail`: it renders the template now (so the job only carries strings) and enqueues
the job. A failing send raises, so the job runner retries it and logs the final failure with the message.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import email.policy
import logging
import secrets
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from pydotorg.lib.jobs import CoreJob, JobContext, JobQueue, job
from pydotorg.settings import Settings

logger = logging.getLogger(__name__)

#: Headers up to RFC 5322's 998 characters stay on one line: the standard library folds a long subject such as
#: "Python Job Board: Review comment for: <title>" onto a continuation line, which readers see as a leading space.
MAIL_POLICY = email.policy.default.clone(max_line_length=998)
MAIL_TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "mail"
_env = Environment(
    loader=FileSystemLoader(MAIL_TEMPLATES),
    autoescape=False,  # noqa: S701 - plain-text mail, never HTML
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes

    def as_job_argument(self) -> list[str]:
        """The attachment as ``send_mail`` carries it (job arguments are JSON): name, type, base64 content."""
        return [self.filename, self.content_type, base64.b64encode(self.content).decode("ascii")]

    @classmethod
    def from_job_argument(cls, value: list[str]) -> Attachment:
        filename, content_type, data = value
        return cls(filename, content_type, base64.b64decode(data))


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str
    from_email: str
    reply_to: str | None = None
    attachments: tuple[Attachment, ...] = ()

    def to_message(self) -> EmailMessage:
        message = EmailMessage(policy=MAIL_POLICY)
        message["From"] = self.from_email
        message["To"] = ", ".join(self.to)
        message["Subject"] = self.subject
        message["Date"] = format_datetime(datetime.datetime.now(datetime.UTC))
        message["Message-ID"] = make_msgid(domain="python.org")
        if self.reply_to:
            message["Reply-To"] = self.reply_to
        message.set_content(self.body)
        for attachment in self.attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            message.add_attachment(
                attachment.content, maintype=maintype, subtype=subtype or "octet-stream", filename=attachment.filename
            )
        return message


def render_mail(template: str, **context: Any) -> tuple[str, str]:
    """Render ``mail/<template>.txt``: the first line is the subject, the rest (after a blank line) the body."""
    text = _env.get_template(f"{template}.txt").render(**context)
    subject, _, body = text.partition("\n")
    return " ".join(subject.split()), body.lstrip("\n")


def deliver_to_file(mail: Mail, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(bytes(mail.to_message()))
    tmp.replace(path)  # readers never see half a message
    return path


def deliver_by_smtp(mail: Mail, settings: Settings) -> None:
    smtp_class = smtplib.SMTP_SSL if settings.smtp_ssl else smtplib.SMTP
    with smtp_class(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout) as client:
        if settings.smtp_starttls and not settings.smtp_ssl:
            client.starttls()
        if settings.smtp_username:
            client.login(settings.smtp_username, settings.smtp_password or "")
        client.send_message(mail.to_message())


async def deliver(mail: Mail, settings: Settings) -> str:
    if settings.mail_transport == "smtp":
        await asyncio.to_thread(deliver_by_smtp, mail, settings)
        where = f"smtp://{settings.smtp_host}:{settings.smtp_port}"
    else:
        where = str(await asyncio.to_thread(deliver_to_file, mail, settings.mail_path))
    logger.info("mail %r to %s sent via %s", mail.subject, ", ".join(mail.to), where)
    return where


@job(CoreJob.SEND_MAIL)
async def send_mail(
    ctx: JobContext,
    *,
    to: list[str],
    subject: str,
    body: str,
    from_email: str | None = None,
    reply_to: str | None = None,
    attachments: list[list[str]] | None = None,
) -> str:
    mail = Mail(
        to=tuple(to),
        subject=subject,
        body=body,
        from_email=from_email or ctx.settings.default_from_email,
        reply_to=reply_to,
        attachments=tuple(Attachment.from_job_argument(a) for a in attachments or []),
    )
    return await deliver(mail, ctx.settings)


def send_mail_arguments(
    template: str,
    to: list[str] | str,
    *,
    from_email: str | None = None,
    reply_to: str | None = None,
    **context: Any,
) -> dict[str, Any]:
    """Render ``mail/<template>.txt`` with ``context``: the arguments of one ``send_mail`` job."""
    subject, body = render_mail(template, **context)
    recipients = [to] if isinstance(to, str) else list(to)
    return {"to": recipients, "subject": subject, "body": body, "from_email": from_email, "reply_to": reply_to}


async def queue_mail(jobs: JobQueue, template: str, to: list[str] | str, **options: Any) -> None:
    """Send a mail now (as the ``send_mail`` job), for mail that follows no database change."""
    await jobs.enqueue(CoreJob.SEND_MAIL, **send_mail_arguments(template, to, **options))
