"""``make bench``: every public page under load, production-style, beside a same-run plaintext ceiling.

The target runs as in production: PostgreSQL and Redis on 127.0.0.1 (started here when they are not running),
``PYDOTORG_ENV=production``, Granian with one worker per core, data seeded with ``pydotorg seed --volume large``.
For each page ``wrk`` (from Debian, installed when missing) warms up, then runs ``--rounds`` rounds on loopback;
the median round is reported: req/s, p50/p95/p99 latency, errors and non-2xx responses, response bytes, SQL
queries per uncached request (a probe run with the engine instrumented) and server CPU milliseconds per request.
Everything runs twice, origin cache on and off. The table is printed and written as JSON under ``var/bench/``.
Everything the script starts, it stops; every load run ends by itself and targets 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
VAR = REPO / "var" / "bench"
PYTHON = sys.executable

#: (label, path) of every benchmark page; sections that are not built yet answer 404 and are listed as such.
PAGES: list[tuple[str, str]] = [
    ("home", "/"),
    ("downloads", "/downloads/"),
    ("release page", "/downloads/release/python-3150/"),
    ("events", "/events/"),
    ("events calendar", "/events/python-events/"),
    ("jobs", "/jobs/"),
    ("blogs", "/blogs/"),
    ("success stories", "/success-stories/"),
    ("story page", "/success-stories/forecasting-river-levels-with-python-demo/"),
    ("community", "/community/"),
    ("board minutes", "/psf/records/board/minutes/"),
    ("CMS page", "/about/apps/"),
    ("API v2 releases", "/api/v2/downloads/release/"),
    ("downloads RSS", "/downloads/feed.rss"),
    ("jobs RSS", "/jobs/feed/rss/"),
    ("search", "/search/?q=python"),
]
PG_URL = "postgresql+asyncpg://pydotorg_bench:pydotorg-bench@127.0.0.1:5432/pydotorg_bench"
REDIS_PORT = 6392


# -- parsing and reporting (unit-tested) ---------------------------------------------------------------------------
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_SIZE = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not found:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


@dataclass
class WrkResult:
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    errors: int = 0
    non_2xx: int = 0
    bytes_read: int = 0


def parse_wrk(output: str) -> WrkResult:
    """Read ``wrk --latency`` output (with our Lua script's p95 line)."""
    result = WrkResult()
    for label, attr in (("50%", "p50"), ("99%", "p99")):
        found = re.search(rf"^\s*{re.escape(label)}\s+(\S+)", output, re.MULTILINE)
        if found:
            setattr(result, attr, _ms(found.group(1)))
    p95 = re.search(r"^p95_us\s+([\d.]+)", output, re.MULTILINE)
    if p95:
        result.p95 = float(p95.group(1)) / 1000
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m), ([\d.]+)(B|KB|MB|GB) read", output)
    if done:
        result.requests = int(done.group(1))
        result.seconds = _ms(done.group(2) + done.group(3)) / 1000
        result.bytes_read = int(float(done.group(4)) * _SIZE[done.group(5)])
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps:
        result.rps = float(rps.group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if errors:
        result.errors = sum(int(g) for g in errors.groups())
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        result.non_2xx = int(non_2xx.group(1))
    return result


@dataclass
class Row:
    label: str
    path: str
    cache: str
    built: bool = True
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    errors: int = 0
    non_2xx: int = 0
    bytes_per_response: int = 0
    queries: int | None = None
    cpu_ms: float | None = None
    rounds: list[float] = field(default_factory=list)
    #: Why the row failed (a worker crashed, the server stopped, the page failed), with the server log's tail.
    failure: str | None = None


def median_round(results: list[WrkResult]) -> WrkResult:
    """The round with the median req/s (an actual round, so its latencies belong together)."""
    ordered = sorted(results, key=lambda r: r.rps)
    return ordered[(len(ordered) - 1) // 2]


def render_table(rows: list[Row], ceiling: Row | None) -> str:
    header = (
        f"{'page':<18} {'cache':<5} {'req/s':>9} {'vs ceil':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'err':>5} {'non2xx':>7} {'bytes':>8} {'SQL':>5} {'CPU ms':>7}"
    )
    lines = [header, "-" * len(header)]
    if ceiling is not None:
        lines.append(
            f"{'plaintext ceiling':<18} {'-':<5} {ceiling.rps:>9.0f} {'100%':>8} {ceiling.p50:>8.2f} "
            f"{ceiling.p95:>8.2f} {ceiling.p99:>8.2f} {ceiling.errors:>5} {ceiling.non_2xx:>7} "
            f"{ceiling.bytes_per_response:>8} {'-':>5} {_num(ceiling.cpu_ms):>7}"
        )
    for row in rows:
        if not row.built:
            lines.append(f"{row.label:<18} {row.cache:<5} {'not built':>9}")
            continue
        if row.failure is not None:
            lines.append(f"{row.label:<18} {row.cache:<5} {'FAILED':>9}  {row.failure.splitlines()[0]}")
            continue
        share = f"{100 * row.rps / ceiling.rps:.1f}%" if ceiling and ceiling.rps else "-"
        lines.append(
            f"{row.label:<18} {row.cache:<5} {row.rps:>9.0f} {share:>8} {row.p50:>8.2f} {row.p95:>8.2f} "
            f"{row.p99:>8.2f} {row.errors:>5} {row.non_2xx:>7} {row.bytes_per_response:>8} "
            f"{'-' if row.queries is None else row.queries:>5} {_num(row.cpu_ms):>7}"
        )
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


# -- services -------------------------------------------------------------------------------------------------------
def _run(
    *cmd: str, check: bool = True, env: dict[str, str] | None = None, **kw: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), check=check, text=True, capture_output=True, env=env, **kw)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk from Debian ...", flush=True)
    _run("apt-get", "update", "-q")
    _run("apt-get", "install", "-y", "-q", "wrk")
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


class Services:
    """PostgreSQL (the Debian cluster) and a Redis of our own; stops what it started."""

    def __init__(self, *, keep_database: bool = False) -> None:
        self.started_pg = False
        self.keep_database = keep_database
        self.redis_pidfile = VAR / "redis.pid"

    def start(self) -> None:
        if not _port_open(5432):
            if not shutil.which("pg_ctlcluster"):
                _run("apt-get", "update", "-q")
                _run("apt-get", "install", "-y", "-q", "postgresql", "redis-server")
            cluster = _run("pg_lsclusters", "--no-header").stdout.split()
            _run("pg_ctlcluster", cluster[0], cluster[1], "start")
            self.started_pg = True
        # A role of its own, so a benchmark never touches the test or CI databases' credentials.
        sql = (
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pydotorg_bench') THEN "
            "CREATE ROLE pydotorg_bench LOGIN PASSWORD 'pydotorg-bench'; END IF; END $$;"
        )
        _run("runuser", "-u", "postgres", "--", "psql", "-q", "-c", sql)
        if not self.keep_database:
            _run("runuser", "-u", "postgres", "--", "dropdb", "--if-exists", "pydotorg_bench")
            _run("runuser", "-u", "postgres", "--", "createdb", "-O", "pydotorg_bench", "pydotorg_bench")
        if not shutil.which("redis-server"):
            _run("apt-get", "install", "-y", "-q", "redis-server")
        _run(
            "redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "yes", "--pidfile", str(self.redis_pidfile),
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _port_open(REDIS_PORT):
            if time.monotonic() > deadline:
                raise SystemExit("redis did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.redis_pidfile.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(self.redis_pidfile.read_text().strip()), signal.SIGTERM)
        if not self.keep_database:
            with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
                _run("runuser", "-u", "postgres", "--", "dropdb", "--if-exists", "pydotorg_bench")
        if self.started_pg:
            cluster = _run("pg_lsclusters", "--no-header").stdout.split()
            _run("pg_ctlcluster", cluster[0], cluster[1], "stop", check=False)


def app_env(cache_seconds: int) -> dict[str, str]:
    env = {
        **os.environ,
        "PYDOTORG_ENV": "production",
        "PYDOTORG_SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": PG_URL,
        "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "PYDOTORG_VAR_DIR": str(VAR / "var"),
        "PYDOTORG_RESPONSE_CACHE_SECONDS": str(cache_seconds),
        "PYDOTORG_API_V1_RATE_LIMIT": "100000000",
        "PYDOTORG_API_V2_RATE_LIMIT": "100000000",
        "PYDOTORG_SITE_URL": "http://127.0.0.1",
    }
    return env


#: Lines of a server log that mean a worker process died.
CRASH_MARKERS = ("Unexpected exit", "Fatal Python error", "Segmentation fault")


def log_offset() -> int:
    log = VAR / "server.log"
    return log.stat().st_size if log.exists() else 0


def crash_report(offset: int, process: subprocess.Popen[bytes], *, tail: int = 30) -> str | None:
    """What went wrong in the server since ``offset`` of its log, or None: a reason line and the log's tail."""
    lines = (VAR / "server.log").read_bytes()[offset:].decode(errors="replace").splitlines()
    crashed = [line.strip() for line in lines if any(marker in line for marker in CRASH_MARKERS)]
    if process.poll() is not None:
        reason = f"the server stopped (exit status {process.returncode})"
    elif crashed:
        reason = f"a worker crashed: {crashed[0]}"
    else:
        return None
    return "\n".join([reason, *lines[-tail:]])


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], health: str) -> Iterator[subprocess.Popen[bytes]]:
    log = (VAR / "server.log").open("ab")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start; see {VAR / 'server.log'}")
            time.sleep(0.3)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


def seed_database(env: dict[str, str]) -> bool:
    """Migrate and seed the benchmark database with ``seed --volume large``; False (with the output) on failure."""
    for step in (["database", "upgrade", "--no-prompt"], ["seed", "--volume", "large"]):
        done = _run(PYTHON, "-m", "pydotorg", *step, env=env, check=False, cwd=REPO)
        if done.returncode:
            print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
            return False
    return True


def cpu_ticks(root: int) -> int:
    """utime + stime of ``root`` and all its descendants (Granian's workers), in clock ticks."""
    children: dict[int, list[int]] = {}
    stats: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pid, ppid = int(entry.name), int(fields[1])
            children.setdefault(ppid, []).append(pid)
            stats[pid] = int(fields[11]) + int(fields[12])
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += stats.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


LUA = """
done = function(summary, latency, requests)
  io.write(string.format("p95_us %d\\n", latency:percentile(95)))
end
"""


def wrk(binary: str, url: str, *, seconds: int, connections: int, threads: int) -> WrkResult:
    script = VAR / "p95.lua"
    script.write_text(LUA)
    output = _run(
        binary,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
        timeout=seconds + 60,
        check=False,
    ).stdout  # fmt: skip  (a server that went away gives wrk's error and no figures, reported by the caller)
    return parse_wrk(output)


def probe_queries(paths: list[str], env: dict[str, str]) -> dict[str, int]:
    """SQL statements per uncached request, counted in-process with the engine instrumented."""
    code = r"""
import json, sys
from sqlalchemy import event
from litestar.testing import TestClient
from pydotorg.app import create_app
app = create_app()
engine = app.state.db_config.get_engine().sync_engine
count = [0]
event.listen(engine, "before_cursor_execute", lambda *a, **k: count.__setitem__(0, count[0] + 1))
out = {}
with TestClient(app, base_url="http://127.0.0.1") as client:
    for path in json.loads(sys.argv[1]):
        client.get(path)  # warm the site-content snapshot and the caches of the process
        count[0] = 0
        response = client.get(path)
        out[path] = count[0] if response.status_code < 400 else -1
print("PROBE" + json.dumps(out))
"""
    done = _run(PYTHON, "-c", code, json.dumps(paths), env={**env, "PYDOTORG_RESPONSE_CACHE_SECONDS": "0"}, check=False)
    found = re.search(r"PROBE(\{.*\})", done.stdout)
    if not found:
        print(done.stdout[-2000:], done.stderr[-4000:], file=sys.stderr)
        raise SystemExit("the query probe failed")
    return {k: int(v) for k, v in json.loads(found.group(1)).items()}


def measure(binary: str, url: str, args: argparse.Namespace, pid: int) -> tuple[WrkResult, float | None, list[float]]:
    if args.warmup:
        wrk(binary, url, seconds=args.warmup, connections=args.connections, threads=args.threads)
    results: list[WrkResult] = []
    tick = os.sysconf("SC_CLK_TCK")
    cpu: list[float] = []
    for _ in range(args.rounds):
        before = cpu_ticks(pid)
        result = wrk(binary, url, seconds=args.duration, connections=args.connections, threads=args.threads)
        spent = (cpu_ticks(pid) - before) / tick * 1000
        results.append(result)
        cpu.append(spent / result.requests if result.requests else 0.0)
    chosen = median_round(results)
    return chosen, statistics.median(cpu) if cpu else None, [r.rps for r in results]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of 5 s after a 2 s warm-up")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="", help="comma-separated page labels to run (default: all)")
    args = parser.parse_args(argv)
    if args.quick:
        args.warmup, args.duration, args.rounds = 2, 5, 1
    VAR.mkdir(parents=True, exist_ok=True)
    binary = ensure_wrk()
    services = Services()
    rows: list[Row] = []
    ceiling: Row | None = None
    pages = [(label, path) for label, path in PAGES if not args.only or label in args.only.split(",")]
    try:
        services.start()
        env = app_env(60)
        if not seed_database(env):
            return 1
        queries = probe_queries([p for _, p in pages], env)

        port = _free_port()
        plain = [PYTHON, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
                 "--workers", str(args.workers), "--no-ws", "--log-level", "warning", "tests.bench.plaintext:app"]  # fmt: skip
        with server(plain, {**os.environ, "PYTHONPATH": str(REPO)}, f"http://127.0.0.1:{port}/") as process:
            result, cpu, rounds = measure(binary, f"http://127.0.0.1:{port}/", args, process.pid)
            ceiling = _row("plaintext ceiling", "/", "-", result, cpu, rounds)
            print(f"plaintext ceiling: {result.rps:.0f} req/s", flush=True)

        for cache_label, seconds in (("on", 60), ("off", 0)):
            remaining = list(pages)
            while remaining:  # a server that dies is reported on its page and replaced for the pages left
                env = app_env(seconds)
                port = _free_port()
                command = [PYTHON, "-m", "pydotorg", "run", "--host", "127.0.0.1", "--port", str(port),
                           "--wc", str(args.workers), "--granian-no-access-log"]  # fmt: skip
                with server(command, env, f"http://127.0.0.1:{port}/_health") as process:
                    while remaining and process.poll() is None:
                        label, path = remaining.pop(0)
                        row = bench_page(binary, args, process, port, label, path, cache_label)
                        row.queries = queries.get(path) if queries.get(path, -1) >= 0 else None
                        rows.append(row)
    finally:
        services.stop()

    table = render_table(rows, ceiling)
    print()
    print(table)
    for row in rows:
        if row.failure:
            print(f"\n{row.label} (cache {row.cache}) failed: {row.failure}")
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(),
        "cores": os.cpu_count(),
        "workers": args.workers,
        "python": platform.python_version(),
        "litestar": _version("litestar"),
        "granian": _version("granian"),
        "settings": {k: getattr(args, k) for k in ("connections", "threads", "warmup", "duration", "rounds")},
        "ceiling": asdict(ceiling) if ceiling else None,
        "rows": [asdict(row) for row in rows],
        "table": table,
    }
    target = VAR / f"bench-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}.json"
    target.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {target.relative_to(REPO)}")
    return 1 if any(row.failure for row in rows) else 0


def bench_page(
    binary: str,
    args: argparse.Namespace,
    process: subprocess.Popen[bytes],
    port: int,
    label: str,
    path: str,
    cache_label: str,
) -> Row:
    """One page under load; a worker crash, a stopped server or a failing page make a failed row, not an abort."""
    url = f"http://127.0.0.1:{port}{path}"
    offset = log_offset()
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            size = len(response.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return Row(label, path, cache_label, built=False)
        return Row(label, path, cache_label, failure=f"the page answered {exc.code}")
    except OSError as exc:
        return Row(label, path, cache_label, failure=crash_report(offset, process) or f"no answer: {exc}")
    result, cpu, rounds = measure(binary, url, args, process.pid)
    row = _row(label, path, cache_label, result, cpu, rounds)
    row.bytes_per_response = size
    row.failure = crash_report(offset, process)
    if row.failure:
        print(f"{label} (cache {cache_label}): FAILED, {row.failure}", flush=True)
    else:
        print(f"{label} (cache {cache_label}): {result.rps:.0f} req/s, p95 {result.p95:.1f} ms", flush=True)
    return row


def _row(label: str, path: str, cache: str, result: WrkResult, cpu: float | None, rounds: list[float]) -> Row:
    size = result.bytes_read // result.requests if result.requests else 0
    return Row(
        label=label, path=path, cache=cache, rps=result.rps, p50=result.p50, p95=result.p95, p99=result.p99,
        errors=result.errors, non_2xx=result.non_2xx, bytes_per_response=size, cpu_ms=cpu, rounds=rounds,
    )  # fmt: skip


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


if __name__ == "__main__":
    sys.exit(main())
