"""The production server keeps serving when a worker process dies, and web workers run no job machinery.

A web worker that segfaulted under load used to take the whole site down: Granian shut every worker down after
one unexpected exit. ``pydotorg run`` now respawns failed workers. The test below kills a worker with SIGKILL
while clients keep requesting pages, and checks that the server answers throughout and that the worker's slot is
filled by a new process.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from litestar_saq import SAQPlugin

from pydotorg.app import create_app
from tests.conftest import make_settings

WORKER = re.compile(r"\bworker-(\d+)\b")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _workers(root: int) -> dict[str, int]:
    """Granian's worker processes below ``root``: slot name -> pid."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found: dict[str, int] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        slot = WORKER.search(cmdline)
        if slot and pid != root:
            found[f"worker-{slot.group(1)}"] = pid
    return found


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    env = {**os.environ, "PYDOTORG_VAR_DIR": str(tmp_path), "PYDOTORG_ENV": "test"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    subprocess.run(
        [sys.executable, "-m", "pydotorg", "database", "upgrade", "--no-prompt"],
        env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    port = _free_port()
    log_path = tmp_path / "server.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "pydotorg", "run", "--host", "127.0.0.1", "--port", str(port), "--wc", "2",
         "--respawn-interval", "3"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while len(_workers(server.pid)) < 2 or _get_or_none(f"{base}/_health") != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log_path.read_text())
            time.sleep(0.3)
        yield base, server, log_path
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def _get_or_none(url: str, errors: list[str] | None = None) -> int | None:
    try:
        return _get(url)
    except OSError as exc:
        if errors is not None:
            errors.append(f"{type(exc).__name__}: {exc}")
        return None


def test_a_killed_worker_is_replaced_and_the_server_keeps_answering(
    two_workers: tuple[str, subprocess.Popen[bytes], Path],
) -> None:
    base, server, log_path = two_workers
    before = _workers(server.pid)
    assert sorted(before) == ["worker-1", "worker-2"]

    results: list[tuple[float, int | None]] = []
    errors: list[str] = []
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            results.append((time.monotonic(), _get_or_none(f"{base}/_health", errors)))

    clients = [threading.Thread(target=client) for _ in range(6)]
    for thread in clients:
        thread.start()
    try:
        time.sleep(1.0)
        killed_at = time.monotonic()
        os.kill(before["worker-1"], signal.SIGKILL)
        deadline = killed_at + 30
        while True:
            now = _workers(server.pid)
            if now.get("worker-1") not in (None, before["worker-1"]):
                break
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        respawned_at = time.monotonic()
        time.sleep(1.5)
    finally:
        stop.set()
        for thread in clients:
            thread.join()

    # The server itself never stopped, and the other worker kept its process.
    assert server.poll() is None
    after = _workers(server.pid)
    assert after["worker-2"] == before["worker-2"]
    assert after["worker-1"] != before["worker-1"]
    # Around the kill the server kept answering: requests that completed between the kill and a second after the
    # respawn include successes (Granian may respawn at once, so the window while worker-1 is down can be empty).
    during = [status for at, status in results if killed_at < at < respawned_at + 1.0]
    assert during.count(200) > 0, (respawned_at - killed_at, during[:20], errors[:5])
    late = [status for at, status in results if at > respawned_at + 0.5]
    assert late
    assert all(status == 200 for status in late)
    # Only requests in flight on the killed worker can fail: at most one per client.
    failed = [status for at, status in results if at >= killed_at and status != 200]
    assert len(failed) <= len(clients), errors[:10]
    # Once respawned, both workers answer: new connections are spread over both processes again.
    assert all(_get(f"{base}/_health") == 200 for _ in range(20))
    log = log_path.read_text()
    assert "worker-1" in log
    # the access log: one line per request with method, path, status and milliseconds
    assert re.search(r'"GET /_health HTTP/1\.1" 200 \d+\.\d{3}', log), log[-2000:]


def test_web_processes_run_no_job_worker_threads(tmp_path: Path) -> None:
    """With Redis configured, the web app only enqueues: no SAQ worker, heartbeat thread or second event loop."""
    settings = make_settings(tmp_path, "sqlite", redis_url="redis://127.0.0.1:9/0")
    app = create_app(settings)
    assert isinstance(app.plugins.get(SAQPlugin), SAQPlugin)  # found by the exact type `workers run` looks up
    hooks = [getattr(hook, "__qualname__", repr(hook)) for hook in app.on_startup]
    assert not [name for name in hooks if name.startswith("Worker.")], hooks
    with TestClient(app):
        names = {thread.name for thread in threading.enumerate()}
    assert "heartbeat-manager" not in names
