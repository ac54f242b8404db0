"""A real server (Granian, as in production) on a free loopback port, and Debian's chromium via Playwright."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "var" / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pydotorg(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pydotorg", *args], env=env, check=True, capture_output=True, timeout=120, text=True
    )
    return done.stdout


@dataclass(frozen=True)
class LiveSite:
    base: str
    var_dir: Path
    env: dict[str, str]
    staff_password: str


MAKE_USER = """
import asyncio, sys
from pydotorg.app import create_app
from pydotorg.domain.users.services import create_user

async def main(username, email, password):
    app = create_app()
    async with app.state.db_config.get_session() as session:
        await create_user(session, username=username, email=email, password=password, verified=True)
        await session.commit()
    await app.state.db_config.get_engine().dispose()

asyncio.run(main(*sys.argv[1:]))
"""


def make_site_user(site: LiveSite, username: str, email: str, password: str) -> None:
    """A verified user in the live site's database, made by the project's own service in a separate process."""
    subprocess.run([sys.executable, "-c", MAKE_USER, username, email, password], env=site.env, check=True, timeout=60)


@pytest.fixture(scope="session")
def live_server(live_site: LiveSite) -> str:
    return live_site.base


@pytest.fixture(scope="session")
def live_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    var_dir = tmp_path_factory.mktemp("e2e-var")
    env = {**os.environ, "PYDOTORG_VAR_DIR": str(var_dir), "PYDOTORG_ENV": "test"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    _pydotorg("database", "upgrade", "--no-prompt", env=env)
    seeded = _pydotorg("seed", env=env)
    found = re.search(r"demo staff account: demo-staff / (\S+)", seeded)
    assert found, seeded
    port = _free_port()
    log = (var_dir / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "pydotorg", "run", "--host", "127.0.0.1", "--port", str(port), "--wc", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((var_dir / "server.log").read_text()) from None
                time.sleep(0.3)
        yield LiveSite(base=base, var_dir=var_dir, env=env, staff_password=found.group(1))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    # Module scope: Playwright's sync API keeps an event loop running while it is open, which must not
    # outlive the browser tests.
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()
