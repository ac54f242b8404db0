"""The ``pydotorg`` command as operators run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _run(*args: str, var_dir: Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYDOTORG_VAR_DIR": str(var_dir),
        "PYDOTORG_ENV": "test",
        "COLUMNS": "400",
        **(extra_env or {}),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "pydotorg", *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_lists_litestar_and_our_commands(tmp_path: Path) -> None:
    result = _run("--help", var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    for command in ("run", "database", "routes", "seed", "workers", "enqueue"):
        assert command in result.stdout


def test_migrate_seed_enqueue_and_workers_in_embedded_mode(tmp_path: Path) -> None:
    assert _run("database", "upgrade", "--no-prompt", var_dir=tmp_path).returncode == 0
    first = _run("seed", var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "seed: done" in first.stdout
    second = _run("seed", var_dir=tmp_path)
    assert "nothing changed" in second.stdout
    reminder = _run("check-sponsorship-assets-due-date", "3", "--no-input", var_dir=tmp_path)
    assert reminder.returncode == 0, reminder.stderr
    assert "0 sponsorship(s) reminded of assets due in 3 day(s)." in reminder.stdout
    assert _run("check-sponsorship-assets-due-date", "999", var_dir=tmp_path).returncode == 2
    job = _run("enqueue", "rerender_markup", var_dir=tmp_path)
    assert job.returncode == 0, job.stderr
    assert "'Box': 63" in job.stdout
    unknown = _run("enqueue", "nope", var_dir=tmp_path)
    assert unknown.returncode != 0
    assert "rerender_markup" in unknown.stderr + unknown.stdout
    workers = _run("workers", "run", var_dir=tmp_path)
    assert workers.returncode != 0
    assert "REDIS_URL" in workers.stderr + workers.stdout


def test_seed_reports_a_bad_fixture_directory(tmp_path: Path) -> None:
    assert _run("database", "upgrade", "--no-prompt", var_dir=tmp_path).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _run("seed", "--django-fixtures", str(empty), var_dir=tmp_path)
    assert result.returncode != 0
    assert "holds none of" in result.stderr + result.stdout


def test_production_mode_refuses_to_start_with_the_default_secret(tmp_path: Path) -> None:
    result = _run("routes", var_dir=tmp_path, extra_env={"PYDOTORG_ENV": "production"})
    assert result.returncode != 0
    assert "PYDOTORG_SECRET_KEY" in result.stderr + result.stdout


def test_create_superuser_and_credentials(tmp_path: Path) -> None:
    import re
    import sqlite3

    assert _run("database", "upgrade", "--no-prompt", var_dir=tmp_path).returncode == 0
    seeded = _run("seed", var_dir=tmp_path)
    demo = re.search(r"demo staff account: demo-staff / (\S+)", seeded.stdout)
    assert demo is not None and len(demo.group(1)) >= 12
    assert "demo staff account" not in _run("seed", var_dir=tmp_path).stdout  # printed once only

    created = subprocess.run(
        [sys.executable, "-m", "pydotorg", "create-superuser", "--username", "release-manager",
         "--email", "rm@example.org", "--password-stdin", "--no-input"],
        input="a long release passphrase\n",
        env={**os.environ, "PYDOTORG_VAR_DIR": str(tmp_path), "PYDOTORG_ENV": "test", "COLUMNS": "400"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    again = _run(
        "create-superuser", "--username", "RELEASE-MANAGER", "--email", "x@example.org", "--password",
        "another long passphrase", "--no-input", var_dir=tmp_path,
    )  # fmt: skip
    assert again.returncode != 0 and "already exists" in again.stdout + again.stderr
    weak = _run(
        "create-superuser", "--username", "weak", "--email", "w@example.org", "--password", "123", "--no-input",
        var_dir=tmp_path,
    )  # fmt: skip
    assert weak.returncode != 0 and "too short" in weak.stdout + weak.stderr
    missing = _run("create-superuser", "--username", "nopw", "--email", "n@example.org", "--no-input", var_dir=tmp_path)
    assert missing.returncode != 0 and "No password" in missing.stdout + missing.stderr
    bad_name = _run(
        "create-superuser", "--username", "bad name", "--email", "b@example.org", "--password", "long enough pass",
        "--no-input", var_dir=tmp_path,
    )  # fmt: skip
    assert bad_name.returncode != 0 and "valid username" in bad_name.stdout + bad_name.stderr

    shown = _run("users", "credentials", "Release-Manager", var_dir=tmp_path)
    assert shown.returncode == 0, shown.stderr
    key = re.search(r"ApiKey release-manager:([0-9a-f]{40})", shown.stdout)
    token = re.search(r"Token ([0-9a-f]{40})", shown.stdout)
    assert key and token
    rotated = _run("users", "credentials", "release-manager", "--rotate", var_dir=tmp_path)
    assert rotated.returncode == 0 and key.group(1) not in rotated.stdout and token.group(1) not in rotated.stdout
    assert _run("users", "credentials", "nobody", var_dir=tmp_path).returncode != 0

    with sqlite3.connect(tmp_path / "pydotorg.sqlite3") as db:
        row = db.execute(
            "SELECT is_staff, is_superuser, password FROM users_user WHERE username = 'release-manager'"
        ).fetchone()
        verified = db.execute("SELECT verified FROM account_emailaddress WHERE email = 'rm@example.org'").fetchone()
        groups = db.execute("SELECT name FROM auth_group").fetchall()
        perms = db.execute("SELECT count(*) FROM auth_permission").fetchone()
    assert row[0] == 1 and row[1] == 1 and row[2].startswith("argon2$")
    assert verified == (1,)
    assert ("Job Board Admin",) in groups
    assert perms[0] >= 4 * 14 + 2


def test_set_password_recovers_the_demo_staff_account(tmp_path: Path) -> None:
    import asyncio
    import re

    from pydotorg.lib.passwords import verify_password_async
    from pydotorg.server.database import build_sqlalchemy_config
    from tests.conftest import make_settings

    assert _run("database", "upgrade", "--no-prompt", var_dir=tmp_path).returncode == 0
    first = re.search(r"demo staff account: demo-staff / (\S+)", _run("seed", var_dir=tmp_path).stdout)
    assert first is not None
    reset = _run("users", "set-password", "demo-staff", var_dir=tmp_path)
    assert reset.returncode == 0, reset.stderr
    found = re.search(r"New password for demo-staff: (\S+)", reset.stdout)
    assert found is not None and found.group(1) != first.group(1)

    async def stored_hash() -> str:
        from sqlalchemy import select

        from pydotorg.db.models import User

        config = build_sqlalchemy_config(make_settings(tmp_path, "sqlite"))
        async with config.get_session() as session:
            password = await session.scalar(select(User.password).where(User.username == "demo-staff"))
        await config.get_engine().dispose()
        assert password is not None
        return password

    encoded = asyncio.run(stored_hash())
    assert asyncio.run(verify_password_async(found.group(1), encoded))
    assert not asyncio.run(verify_password_async(first.group(1), encoded))
    weak = subprocess.run(
        [sys.executable, "-m", "pydotorg", "users", "set-password", "demo-staff", "--password-stdin"],
        input="123\n", env={**os.environ, "PYDOTORG_VAR_DIR": str(tmp_path), "PYDOTORG_ENV": "test"},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert weak.returncode != 0 and "too short" in weak.stdout + weak.stderr
    assert _run("users", "set-password", "nobody", var_dir=tmp_path).returncode != 0
