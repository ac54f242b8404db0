"""The Containerfile stays honest: there is no container engine here, so what it relies on is checked instead.

* its runtime lock holds every runtime dependency, at the versions the suite runs with;
* it runs as an unprivileged user, from a build stage that is not shipped;
* its entry point and default command, run as the image runs them (the ``pydotorg`` console script, production
  mode, its environment), start a server that answers the health checks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from tests.conftest import REPO
from tests.integration.test_server_workers import _free_port, _get_or_none

CONTAINERFILE = REPO / "Containerfile"


def _instruction(name: str) -> list[str]:
    """The JSON (exec form) arguments of the last ``name`` instruction."""
    found = re.findall(rf"^{name}\s+(\[.*\])\s*$", CONTAINERFILE.read_text(), re.MULTILINE)
    assert found, name
    return list(json.loads(found[-1]))


def _pins(lock: Path) -> dict[str, str]:
    return {
        name.lower().replace("_", "-"): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", lock.read_text(), re.MULTILINE)
    }


def test_the_runtime_lock_matches_the_dev_lock_and_covers_the_dependencies() -> None:
    runtime, dev = _pins(REPO / "requirements-prod.lock"), _pins(REPO / "requirements.lock")
    assert runtime, "requirements-prod.lock is empty"
    assert {name: dev.get(name) for name in runtime} == runtime  # the versions CI tested
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    for requirement in [*project["dependencies"], *project["optional-dependencies"]["sentry"]]:
        name = re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in runtime, f"{name} is missing from requirements-prod.lock (run `make lock`)"
    assert "pytest" not in runtime and "mypy" not in runtime  # no dev tools in the image


def test_the_image_runs_unprivileged_from_a_separate_build_stage() -> None:
    text = CONTAINERFILE.read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.MULTILINE)
    assert len(stages) == 2 and stages[0][1] == "build" and not stages[1][1]
    final = text.split("\nFROM ")[-1]
    user = re.search(r"^USER\s+(\S+)", final, re.MULTILINE)
    assert user and user.group(1) not in {"root", "0"}
    assert "COPY --from=build /opt/pydotorg /opt/pydotorg" in final
    assert "requirements-prod.lock" in text and "--require-hashes" in text


def test_the_entry_point_serves_as_the_image_starts_it(tmp_path: Path) -> None:
    entrypoint, command = _instruction("ENTRYPOINT"), _instruction("CMD")
    assert entrypoint == ["pydotorg"] and command[0] == "run"
    script = shutil.which("pydotorg", path=str(Path(sys.executable).parent))
    assert script, "the pydotorg console script is not installed"
    port = _free_port()
    args = [*command]
    args[args.index("--port") + 1] = str(port)
    args[args.index("--host") + 1] = "127.0.0.1"  # the image listens on 0.0.0.0; this test on loopback only
    image_env = dict(re.findall(r"^\s*(PYDOTORG_[A-Z_]+)=(\S+)", CONTAINERFILE.read_text(), re.MULTILINE))
    assert image_env["PYDOTORG_ENV"] == "production"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYDOTORG_") and key != "REDIS_URL"}
    env |= {
        **image_env,
        "PYDOTORG_VAR_DIR": str(tmp_path),
        "PYDOTORG_SECRET_KEY": "a-test-secret-that-is-long-enough-for-production-0123456789",
        "PYDOTORG_SITE_URL": "https://www.example.org",
        "PYDOTORG_ALLOWED_HOSTS": '["127.0.0.1"]',
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'site.sqlite3'}",
    }
    subprocess.run(
        [script, "database", "upgrade", "--no-prompt"], env=env, check=True, capture_output=True, timeout=120
    )
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [script, *args, "--wc", "1"], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while _get_or_none(f"http://127.0.0.1:{port}/_health/ready") != 200:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.3)
        assert _get_or_none(f"http://127.0.0.1:{port}/_health") == 200
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0, log.read_text()[-3000:]
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    # production logs are JSON lines
    assert any(line.startswith("{") for line in log.read_text().splitlines())
