"""Migrations that allow a rolling deploy and a rollback (docs/operations/migrations.md).

* Every migration upgrades and downgrades, on SQLite and on PostgreSQL: ``upgrade head`` -> ``downgrade base`` ->
  ``upgrade head``, and the schema the second upgrade builds is the models' (no drift).
* A lint reads each migration's ``upgrade()`` and refuses the operations that break the release still serving
  while it runs (dropping or renaming a column or table it reads, a NOT NULL column without a default) or that
  lock a big table for the length of a rewrite (changing a column's type, an index built without
  ``CONCURRENTLY`` on a table that already holds rows). A contract step, once no running release reads the
  column, says so in its docstring with a line ``contract: <why it is safe now>``.
"""

from __future__ import annotations

import ast
import asyncio
from dataclasses import dataclass
from pathlib import Path

import pytest
from advanced_alchemy.alembic.commands import AlembicCommands
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url

from pydotorg.db.base import Base
from pydotorg.db.schema_filters import include_object
from pydotorg.server.database import MIGRATIONS_DIR, build_sqlalchemy_config
from tests.conftest import SERVER_DATABASE_URL, TEST_DATABASE_URL, _create_database, _reset_postgres, make_settings

VERSIONS = MIGRATIONS_DIR / "versions"
#: Migrations written before the rule, when no earlier release served from the tables they touch: every one
#: creates its own tables and indexes, or adds columns with server defaults.
BEFORE_THE_RULE = {f"{n:04d}" for n in range(1, 16)}


@dataclass(frozen=True)
class Finding:
    migration: str
    line: int
    rule: str

    def __str__(self) -> str:
        return f"{self.migration}:{self.line}: {self.rule}"


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _keyword(node: ast.Call, name: str) -> ast.expr | None:
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


def _is_true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _is_false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def lint_migration(name: str, source: str) -> list[Finding]:
    """The rule breaks in one migration's ``upgrade()``."""
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree) or ""
    contract = any(line.strip().lower().startswith("contract:") for line in docstring.splitlines())
    upgrade = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "upgrade"), None)
    if upgrade is None:
        return [Finding(name, 1, "no upgrade() function")]
    created: set[str] = set()
    findings: list[Finding] = []
    calls = sorted((n for n in ast.walk(upgrade) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
    for call in calls:
        what = _call_name(call)
        first = call.args[0] if call.args else None
        table = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
        if what == "create_table" and table:
            created.add(table)
        elif what in {"drop_column", "drop_table"} and not contract:
            findings.append(Finding(name, call.lineno, f"{what} while the previous release may still read it"))
        elif what == "rename_table":
            findings.append(Finding(name, call.lineno, "rename_table breaks the previous release"))
        elif what == "alter_column":
            if _keyword(call, "new_column_name") is not None:
                findings.append(Finding(name, call.lineno, "renaming a column breaks the previous release"))
            if _keyword(call, "type_") is not None:
                findings.append(Finding(name, call.lineno, "changing a column's type rewrites and locks the table"))
            if _is_false(_keyword(call, "nullable")) and not contract:
                findings.append(Finding(name, call.lineno, "NOT NULL on an existing column: the previous release"))
        elif what == "add_column":
            column = call.args[-1] if call.args else None
            if (
                isinstance(column, ast.Call)
                and _is_false(_keyword(column, "nullable"))
                and _keyword(column, "server_default") is None
            ):
                findings.append(Finding(name, call.lineno, "a NOT NULL column needs a server_default"))
        elif what == "create_index":
            on = call.args[1] if len(call.args) > 1 else _keyword(call, "table_name")
            on_table = on.value if isinstance(on, ast.Constant) else None
            if on_table not in created and not _is_true(_keyword(call, "postgresql_concurrently")):
                findings.append(Finding(name, call.lineno, "an index on an existing table: build it CONCURRENTLY"))
    return findings


def _migrations() -> list[Path]:
    return sorted(path for path in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def test_every_migration_follows_the_rolling_deploy_rules() -> None:
    findings = [
        finding
        for path in _migrations()
        if path.name[:4] not in BEFORE_THE_RULE
        for finding in lint_migration(path.name, path.read_text(encoding="utf-8"))
    ]
    assert not findings, "\n".join(map(str, findings))


BAD = '''"""bad"""
import sqlalchemy as sa
from alembic import op

def upgrade() -> None:
    op.drop_column("jobs_job", "company_name")
    op.alter_column("jobs_job", "city", new_column_name="town")
    op.alter_column("jobs_job", "region", type_=sa.Text())
    op.add_column("jobs_job", sa.Column("flag", sa.Boolean(), nullable=False))
    op.create_index("ix_jobs_job_flag", "jobs_job", ["flag"])
    op.rename_table("jobs_job", "jobs_posting")

def downgrade() -> None:
    op.drop_column("jobs_job", "flag")
'''

GOOD = '''"""good

contract: release 2026.12 stopped reading jobs_job.company_name (see docs/operations/migrations.md)
"""
import sqlalchemy as sa
from alembic import op

def upgrade() -> None:
    op.create_table("new_things", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_index("ix_new_things_id", "new_things", ["id"])
    op.add_column("jobs_job", sa.Column("flag", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("jobs_job", sa.Column("note", sa.Text(), nullable=True))
    with op.get_context().autocommit_block():
        op.create_index("ix_jobs_job_flag", "jobs_job", ["flag"], postgresql_concurrently=True)
    op.drop_column("jobs_job", "company_name")

def downgrade() -> None:
    op.drop_column("jobs_job", "note")
'''


def test_the_lint_catches_what_breaks_a_rolling_deploy() -> None:
    rules = [finding.rule for finding in lint_migration("bad.py", BAD)]
    assert rules == [
        "drop_column while the previous release may still read it",
        "renaming a column breaks the previous release",
        "changing a column's type rewrites and locks the table",
        "a NOT NULL column needs a server_default",
        "an index on an existing table: build it CONCURRENTLY",
        "rename_table breaks the previous release",
    ]
    assert lint_migration("good.py", GOOD) == []


# -- upgrade, downgrade, upgrade -------------------------------------------------------------------------------------
def _drift(url: str) -> list[object]:
    async def compare() -> list[object]:
        config = build_sqlalchemy_config(make_settings(Path("/nonexistent"), "sqlite", database_url=url))
        engine = config.get_engine()
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"include_object": include_object}), Base.metadata
                )
            )
        await engine.dispose()
        # SQLite cannot reflect expression indexes (lower(username)); alembic reports them as missing there
        return [d for d in diff if not (isinstance(d, tuple) and d[0] == "add_index" and "lower" in str(d[1]))]

    return asyncio.run(compare())


def _round_trip(url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, "sqlite", database_url=url)
    config = build_sqlalchemy_config(settings)
    commands = AlembicCommands(sqlalchemy_config=config)
    commands.upgrade("head")
    commands.downgrade("base")
    commands.upgrade("head")
    asyncio.run(config.get_engine().dispose())
    assert _drift(url) == []


@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrations_round_trip_on_sqlite(tmp_path: Path) -> None:
    _round_trip(f"sqlite+aiosqlite:///{tmp_path / 'roundtrip.sqlite3'}", tmp_path)


@pytest.mark.postgres
def test_migrations_round_trip_on_postgres(tmp_path: Path) -> None:
    if not TEST_DATABASE_URL or not SERVER_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set (CI sets it; see the README's Tests section)")
    url = make_url(TEST_DATABASE_URL)
    own = url.set(database=f"{url.database}_migrations").render_as_string(hide_password=False)
    asyncio.run(_create_database(own))
    asyncio.run(_reset_postgres(own))
    _round_trip(own, tmp_path)
