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
