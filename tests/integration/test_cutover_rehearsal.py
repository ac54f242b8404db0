"""``scripts/rehearse-cutover.sh`` runs end to end: the runbook's commands stay true."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import REPO, SERVER_DATABASE_URL, SHARED

DUMP = SHARED / "reference" / "django-db" / "pythondotorg-sample.sql.gz"


def test_the_cutover_rehearsal_passes_every_step(tmp_path: Path) -> None:
    if not SERVER_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: the rehearsal needs a PostgreSQL server (CI sets it)")
    if not DUMP.exists():
        pytest.skip(f"{DUMP} is absent (it lives in ../shared, beside the repository, in CI)")
    for tool in ("psql", "curl", "gunzip"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed")
    server = make_url(SERVER_DATABASE_URL).set(drivername="postgresql", database="postgres")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}},
        "PG_URL": server.render_as_string(hide_password=False),
        "DUMP": str(DUMP),
        "PORT": str(18765 + int(worker or 0)),
        "PYDOTORG": str(Path(sys.executable).parent / "pydotorg"),
    }
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "rehearse-cutover.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("4. incremental re-sync") and "3 rows changed" in line for line in lines), lines
    assert any(line.startswith("6. final re-sync") and "import complete" in line for line in lines), lines
    assert lines[-1].startswith("rehearsal complete")
