"""Browser journey of the job board on a real Granian server: a user submits a job, a moderator finds it in the
review queue, comments and approves it, the submitter's mail store has the approval, and the job is listed on
/jobs/ and in the RSS feed. Every page is watched for Content-Security-Policy violations."""

from __future__ import annotations

import email
import email.policy
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LiveSite, make_site_user
from tests.e2e.test_accounts import _login, _watch

pytestmark = pytest.mark.e2e

JOB_EMAIL = "talent@snakes.example"


def _mails(var_dir: Path, address: str, subject: str, wait: float = 10.0) -> email.message.EmailMessage:
    deadline = time.monotonic() + wait
    while True:
        for path in sorted((var_dir / "mail").glob("*.eml")) if (var_dir / "mail").exists() else []:
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if address in str(message["To"]) and str(message["Subject"]) == subject:
                return message  # type: ignore[return-value]
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail {subject!r} to {address}")
        time.sleep(0.1)


def test_submit_review_comment_approve_publish(live_site: LiveSite, browser: Any) -> None:
    base = live_site.base
    make_site_user(live_site, "recruiter", "recruiter@example.org", "hiring pythonistas 2027")

    # the submitter posts a job: draft -> preview -> submit for review
    submitter = browser.new_context().new_page()
    problems = _watch(submitter)
    _login(submitter, base, "recruiter", "hiring pythonistas 2027")
    submitter.goto(f"{base}/jobs/create/")
    submitter.fill("#job_title", "Async Python Engineer")
    submitter.fill("#company_name", "Snakes on a Plane Ltd")
    submitter.select_option("#category", label="Software Engineer")
    submitter.check("input[name=job_types] >> nth=0")
    submitter.fill("#city", "Dublin")
    submitter.fill("#country", "Ireland")
    submitter.fill("#description", "Build *fast* services with asyncio.")
    submitter.fill("#requirements", "- Python 3.11\n- Tests")
    submitter.fill("#email", JOB_EMAIL)
    submitter.click("form.job-form button[type=submit]")
    assert "/preview/" in submitter.url
    assert submitter.locator(".job-preview-notice").is_visible()
    submitter.click("button:has-text('Submit for review')")
    assert submitter.url.endswith("/jobs/thanks/")
    job_id = None
    submitter.goto(f"{base}/jobs/mine/")
    link = submitter.locator("table.my-jobs a", has_text="Async Python Engineer").first
    job_id = link.get_attribute("href").strip("/").split("/")[-1]
    assert "review" in submitter.locator("table.my-jobs").inner_text()
    _mails(
        live_site.var_dir, "jobs@python.org", "Job Submitted for Approval: Async Python Engineer, Snakes on a Plane Ltd"
    )

    # the moderator (the demo staff account) sees it in the queue, comments, then approves
    moderator = browser.new_context().new_page()
    problems += _watch(moderator)
    _login(moderator, base, "demo-staff", live_site.staff_password)
    moderator.goto(f"{base}/jobs/review/")
    row = moderator.locator("table.job-review-table tr", has_text="Async Python Engineer")
    assert row.count() == 1
    row.locator("a", has_text="Async Python Engineer").click()
    moderator.fill("#comment", "Looks good, thanks for the clear requirements.")
    moderator.click("form.review-comment-form button[type=submit]")
    assert "Your comment was posted." in moderator.content()
    assert "Looks good, thanks" in moderator.locator(".review-comments").inner_text()
    moderator.goto(f"{base}/jobs/review/")
    moderator.locator("table.job-review-table tr", has_text="Async Python Engineer").locator(
        "button", has_text="Approve"
    ).click()
    assert "is now approved" in moderator.content()

    # the submitter's mail store has the comment and the approval
    comment = _mails(
        live_site.var_dir,
        JOB_EMAIL,
        "Python Job Board: Review comment for: Async Python Engineer, Snakes on a Plane Ltd",
    )
    assert "Looks good" in comment.get_content()
    approval = _mails(live_site.var_dir, JOB_EMAIL, "Python Job Board: Job entry approved")
    assert f"/jobs/{job_id}/" in approval.get_content()

    # public: on /jobs/ and in the feed
    visitor = browser.new_context().new_page()
    problems += _watch(visitor)
    visitor.goto(f"{base}/jobs/")
    visitor.locator(".list-recent-jobs a", has_text="Async Python Engineer").click()
    assert visitor.url.endswith(f"/jobs/{job_id}/")
    assert visitor.locator(".job-description em", has_text="fast").is_visible()
    with urllib.request.urlopen(f"{base}/jobs/feed/rss/", timeout=10) as response:
        feed = ET.fromstring(response.read())
    titles = [item.findtext("title") for item in feed.iter("item")]
    assert "Async Python Engineer, Snakes on a Plane Ltd" in titles
    assert problems == []
