"""Mail: rendering, the file store, real SMTP delivery (aiosmtpd on 127.0.0.1), and retries when SMTP is down."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from pydotorg.lib.jobs import InProcessQueue, JobContext
from pydotorg.lib.mail import Mail, deliver, queue_mail, render_mail
from pydotorg.settings import Settings


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def _settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(var_dir=tmp_path, env="test", **values)


def test_render_mail_splits_subject_and_body() -> None:
    subject, body = render_mail("password_reset", user="ada", reset_url="https://example.org/reset/", site="Python.org")
    assert subject == "[Python.org] Password reset"
    assert "https://example.org/reset/" in body and body.startswith("Hello")


async def test_file_transport_writes_eml(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert settings.mail_transport == "file"
    where = await deliver(Mail(("a@example.org",), "Hi", "Body & more <b>", "noreply@python.org"), settings)
    message = email.message_from_bytes(Path(where).read_bytes(), policy=email.policy.default)
    assert message["To"] == "a@example.org" and message["Subject"] == "Hi"
    assert message.get_content().strip() == "Body & more <b>"  # plain text, never HTML-escaped


async def test_smtp_transport_delivers(tmp_path: Path, smtp_server: tuple[Inbox, int]) -> None:
    inbox, port = smtp_server
    settings = _settings(tmp_path, mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=port)
    await deliver(Mail(("b@example.org",), "Over SMTP", "Hello", "psf@python.org", reply_to="r@example.org"), settings)
    assert len(inbox.messages) == 1
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["b@example.org"] and envelope.mail_from == "psf@python.org"
    assert b"Reply-To: r@example.org" in envelope.content


async def test_production_defaults_to_smtp(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, env="production", secret_key="x" * 40)
    assert settings.mail_transport == "smtp" and settings.secure_cookies


async def test_failed_mail_is_retried_and_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = _settings(tmp_path, mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_timeout=2)
    queue = InProcessQueue(JobContext(settings, None, None), retries=3, backoff=0.01)  # type: ignore[arg-type]
    with caplog.at_level(logging.INFO):
        await queue_mail(queue, "password_reset", "c@example.org", user="c", reset_url="u", site="Python.org")
        await queue.drain()
    assert queue.failed == 1 and queue.completed == 0
    attempts = [r for r in caplog.records if "job send_mail failed" in r.getMessage()]
    assert len(attempts) == 3
    assert any("gave up" in r.getMessage() and "c@example.org" in r.getMessage() for r in caplog.records)
