"""The importer's pure parts: value comparison, markup comparison, table classification and ordering."""

from __future__ import annotations

import datetime
import decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pydotorg.db.django import DjangoTable, SkipRow, table_of
from pydotorg.db.models import OS, Release, ReleaseFile, User
from pydotorg.server.django_import import (
    ImportProblem,
    classify,
    differs_materially,
    ident,
    normalise,
    order_tables,
    postgres_dsn,
    redact,
)
from pydotorg.server.sections import SECTIONS


@given(st.datetimes(timezones=st.timezones()))
def test_the_same_instant_compares_equal_in_any_time_zone(moment: datetime.datetime) -> None:
    utc = moment.astimezone(datetime.UTC)
    assert normalise(moment) == normalise(utc) == normalise(utc.replace(tzinfo=None))


def test_values_from_either_driver_compare_alike() -> None:
    assert normalise(True) == normalise(1) and normalise(False) == 0
    assert normalise(decimal.Decimal("1.50")) == normalise(decimal.Decimal("1.5"))
    assert normalise(datetime.timedelta(hours=1)) == 3600.0
    assert normalise(memoryview(b"\x01")) == "01"
    assert normalise(datetime.date(2026, 12, 1)) == "2026-12-01"


def test_markup_differs_only_when_a_reader_would_notice() -> None:
    assert not differs_materially("<p>Hello  <em>world</em></p>", "<div>Hello world</div>\n")
    assert not differs_materially("<p>A &amp; B</p>", "<p>A &#38; B</p>")
    assert differs_materially("<p>Hello</p>", "<p>Goodbye</p>")
    assert differs_materially('<a href="/a/">x</a>', '<a href="/b/">x</a>')


def test_credentials_never_reach_the_report() -> None:
    assert redact("postgresql://user:secret@db.example:6543/python") == "db.example:6543/python"
    assert redact("postgresql:///python") == "localhost:5432/python"


def test_only_postgresql_sources_are_accepted() -> None:
    assert postgres_dsn("postgresql+asyncpg://u:p@h/d") == "postgresql://u:p@h/d"
    assert postgres_dsn("postgres://h/d") == "postgresql://h/d"
    with pytest.raises(ImportProblem, match="PostgreSQL URL"):
        postgres_dsn("sqlite:///x.db")


def test_identifiers_are_checked_before_they_reach_sql() -> None:
    assert ident("pages_page") == '"pages_page"'
    for bad in ('pages"; DROP TABLE x; --', "Pages", "a b", ""):
        with pytest.raises(ValueError, match="not a plain"):
            ident(bad)


def test_every_django_table_gets_a_reason_or_is_imported() -> None:
    mapped = {"users_user"}
    assert classify("users_user", mapped) is None
    assert classify("django_session", mapped) is not None
    assert "Celery" in (classify("django_celery_beat_crontabschedule", mapped) or "")
    # every section is built now: a Django app's table is imported, or named as unknown
    assert classify("sponsors_sponsor", mapped | {"sponsors_sponsor"}) is None
    assert classify("nominations_election", mapped | {"nominations_election"}) is None
    assert (classify("something_new", mapped) or "").startswith("unknown")


def test_tables_are_imported_parents_first_and_each_only_once() -> None:
    files = DjangoTable("downloads_releasefile", table_of(ReleaseFile))
    ordered = order_tables(
        [files, DjangoTable("downloads_release", table_of(Release)), DjangoTable("os", table_of(OS))]
    )
    names = [m.name for m in ordered]
    assert names.index("downloads_release") < names.index("downloads_releasefile")
    assert names.index("downloads_os") < names.index("downloads_releasefile")
    with pytest.raises(ValueError, match="mapped twice"):
        order_tables([files, files])
    every = [m for section in SECTIONS for m in section.django_tables]
    order_tables(every)  # the sections' own mappings: no table twice
    assert {m.name for m in every} >= {"users_user", "pages_page", "downloads_release", "jobs_job", "events_event"}


def test_a_transform_can_refuse_a_row() -> None:
    assert SkipRow("too old").reason == "too old"
    assert table_of(User).name == "users_user"
