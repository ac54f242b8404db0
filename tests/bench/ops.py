"""``make ops-bench``: rolling deploys, a rollback and two outages, each under load through HAProxy.

Everything runs on this machine with real parts, in a scratch directory, and is stopped at the end:

* a PostgreSQL of its own (``initdb``; it is stopped and started mid-run, so never the shared cluster), a Redis of
  its own, HAProxy from Debian with ``deploy/haproxy.cfg``, two app instances and a job worker started by
  ``scripts/rolling-deploy.sh`` in production mode;
* two releases, ``r1`` and ``r2``: copies of this checkout's ``src/`` (the same code: what is measured is the
  mechanism, instance replacement under load, not a difference between versions);
* ``wrk`` loads the balancer with 64 connections on a mix of pages and API calls, a quarter of them uncached (a
  query string that differs on every request, so each is a cache miss), and counts every status code.

Phases: deploy r2, r1, r2 (three rolling deploys), then ``scripts/rollback.sh`` (back to r1): for each, requests,
failures (non-2xx/3xx responses and socket errors) and p99 while the deploy ran; the target is 0 failures.
Then Redis is stopped for 10 s, and PostgreSQL for 5 s, mid-load; a prober beside wrk asks every 100 ms for a
cached page, an uncached page and an API answer through the balancer, and each instance's full readiness check
directly, and prints what each answered during the outage and how long after the service came back all of them
answered 200 again (target for PostgreSQL: within 5 s).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.run import REPO, WrkResult, _free_port, _port_open, _run, ensure_wrk, parse_wrk

PG_BIN = Path("/usr/lib/postgresql/15/bin")
#: The load: pages and API calls, cached and (with a query string) uncached.
MIX = [
    "/",
    "/downloads/",
    "/downloads/release/python-3150/",
    "/jobs/",
    "/events/",
    "/about/apps/",
    "/api/v2/downloads/release/?is_published=true",
    "/api/v1/downloads/os/",
    "/downloads/feed.rss",
    "/?uncached={n}",
    "/jobs/?uncached={n}",
    "/api/v2/downloads/os/?uncached={n}",
]
LUA = """
paths = {%s}
counter = 0
statuses = {}
request = function()
  counter = counter + 1
  local path = string.gsub(paths[(counter %% #paths) + 1], "{n}", tostring(counter))
  return wrk.format("GET", path)
end
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("statuses")) do total[code] = (total[code] or 0) + n end
  end
  for code, n in pairs(total) do io.write(string.format("status %%d %%d\\n", code, n)) end
end
"""


def _statuses(output: str) -> dict[int, int]:
    return {int(code): int(n) for code, n in re.findall(r"^status (\d+) (\d+)$", output, re.MULTILINE)}


class Load:
    """wrk against the balancer until stopped (SIGINT makes wrk print its figures)."""

    def __init__(self, binary: str, url: str, script: Path) -> None:
        self.process = subprocess.Popen(
            [binary, "-t2", "-c64", "-d600s", "--latency", "--timeout", "10s", "-s", str(script), url],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip

    def stop(self) -> tuple[WrkResult, dict[int, int]]:
        self.process.send_signal(signal.SIGINT)
        output, _ = self.process.communicate(timeout=60)
        return parse_wrk(output), _statuses(output)


def _get(url: str) -> int:
    """The status of a GET (0: no answer)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@dataclass
class Probe:
    """Every 100 ms: a cached page, an uncached page, an API answer, each instance's readiness; (time, what,
    status, ms) of each."""

    base: str
    ready_urls: list[str]
    seen: list[tuple[float, str, int, float]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    targets: tuple[tuple[str, str], ...] = (
        ("cached page", "/downloads/"),
        ("uncached page", "/jobs/?probe={n}"),
        ("API", "/api/v2/downloads/os/?probe={n}"),
    )

    def run(self) -> None:
        n = 0
        while not self.stopping.is_set():
            n += 1
            for label, path in self.targets:
                started = time.monotonic()
                status = _get(self.base + path.format(n=n))
                self.seen.append((started, label, status, (time.monotonic() - started) * 1000))
            for url in self.ready_urls:
                started = time.monotonic()
                self.seen.append((started, "readiness", _get(url), (time.monotonic() - started) * 1000))
            time.sleep(0.1)

    def between(self, start: float, end: float) -> dict[str, tuple[Counter[int], float]]:
        """Per target: the statuses answered in [start, end) and the slowest answer's ms."""
        out: dict[str, tuple[Counter[int], float]] = {}
        for label in [*(label for label, _ in self.targets), "readiness"]:
            rows = [(status, ms) for at, what, status, ms in self.seen if what == label and start <= at < end]
            out[label] = (Counter(status for status, _ in rows), max((ms for _, ms in rows), default=0.0))
        return out

    def whole_again(self, after: float) -> float | None:
        """Seconds from ``after`` until every target answered 200 in one round, and from then on."""
        rounds: dict[float, list[int]] = {}
        for at, _, status, _ in self.seen:
            if at >= after:
                rounds.setdefault(round(at, 1), []).append(status)
        ok_since: float | None = None
        for at in sorted(rounds):
            whole = all(status == 200 for status in rounds[at])
            ok_since = (at if ok_since is None else ok_since) if whole else None
        return None if ok_since is None else ok_since - after


class Stack:
    """PostgreSQL, Redis and HAProxy of the bench's own, in ``work``."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.pg_port, self.redis_port, self.lb_port = _free_port(), _free_port(), _free_port()
        self.slots = [_free_port() for _ in range(4)]
        self.pg_data = work / "pg"
        self.haproxy: subprocess.Popen[bytes] | None = None
        self.redis: subprocess.Popen[bytes] | None = None

    def _as_postgres(self, *cmd: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return _run(*prefix, *cmd)

    def start_pg(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-w", "-l", str(self.work / "pg.log"), "start",
            "-o", f"-p {self.pg_port} -k {self.work} -c listen_addresses=127.0.0.1",
        )  # fmt: skip

    def stop_pg(self) -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-w", "-m", "fast", "stop")

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
             "no", "--dir", str(self.work)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not _port_open(self.redis_port):
            if time.monotonic() > deadline:
                raise SystemExit("redis did not start")
            time.sleep(0.05)

    def stop_redis(self) -> None:
        if self.redis:
            self.redis.terminate()
            self.redis.wait(timeout=10)
            self.redis = None

    def start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.work, "postgres")
        self._as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.pg_data), "-U", "pydotorg", "--auth=trust", "-E", "UTF8"
        )
        self.start_pg()
        self.start_redis()
        env = {**os.environ, **self.haproxy_env()}
        self.haproxy = subprocess.Popen(
            ["haproxy", "-f", str(REPO / "deploy" / "haproxy.cfg")], env=env,
            stdout=(self.work / "haproxy.log").open("wb"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not (self.work / "haproxy.sock").exists():
            if time.monotonic() > deadline or self.haproxy.poll() is not None:
                raise SystemExit("haproxy did not start: " + (self.work / "haproxy.log").read_text()[-2000:])
            time.sleep(0.05)

    def haproxy_env(self) -> dict[str, str]:
        env = {f"PYDOTORG_SLOT{n}": f"127.0.0.1:{port}" for n, port in enumerate(self.slots, 1)}
        env |= {
            "PYDOTORG_LB_BIND": f"127.0.0.1:{self.lb_port}",
            "PYDOTORG_SITE_HOST": "127.0.0.1",
            "HAPROXY_SOCKET": str(self.work / "haproxy.sock"),
        }
        return env

    def app_env(self) -> dict[str, str]:
        return {
            "PYDOTORG_ENV": "production",
            "PYDOTORG_SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": f"postgresql+asyncpg://pydotorg@127.0.0.1:{self.pg_port}/postgres",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "PYDOTORG_VAR_DIR": str(self.work / "var"),
            "PYDOTORG_SITE_URL": f"http://127.0.0.1:{self.lb_port}",
            "PYDOTORG_ALLOWED_HOSTS": '["127.0.0.1"]',
            "PYDOTORG_API_V1_RATE_LIMIT": "100000000",
            "PYDOTORG_API_V2_RATE_LIMIT": "100000000",
            "PYDOTORG_LOG_FORMAT": "json",
            "PYDOTORG_SHUTDOWN_DRAIN_SECONDS": "2",
        }

    def stop(self) -> None:
        if self.haproxy and self.haproxy.poll() is None:
            self.haproxy.terminate()
            self.haproxy.wait(timeout=10)
        self.stop_redis()
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop_pg()


def make_release(work: Path, name: str) -> Path:
    """A release directory: this checkout's ``src/`` and a ``bin/pydotorg`` that runs it."""
    release = work / "releases" / name
    shutil.copytree(REPO / "src", release / "src", ignore=shutil.ignore_patterns("__pycache__"))
    (release / "bin").mkdir(parents=True)
    launcher = release / "bin" / "pydotorg"
    launcher.write_text(f'#!/bin/sh\nPYTHONPATH="{release / "src"}" exec "{sys.executable}" -m pydotorg "$@"\n')
    launcher.chmod(0o755)
    return release


def deploy_env(stack: Stack, work: Path) -> dict[str, str]:
    return {
        **os.environ,
        **stack.haproxy_env(),
        "PYDOTORG_HOME": str(work),
        "PYDOTORG_ENV_FILE": str(work / "env"),
        "PYDOTORG_SLOT_PORTS": " ".join(map(str, stack.slots)),
        "PYDOTORG_INSTANCES": "2",
        "PYDOTORG_WEB_WORKERS": "1",
        "PYDOTORG_WORKERS": "1",
    }


def script(name: str, *args: str, env: dict[str, str]) -> float:
    started = time.monotonic()
    done = subprocess.run([str(REPO / "scripts" / name), *args], env=env, text=True, capture_output=True, check=False)
    print(done.stdout, end="", flush=True)
    if done.returncode:
        raise SystemExit(f"{name} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.monotonic() - started


def _row(label: str, seconds: float, result: WrkResult, statuses: dict[int, int]) -> str:
    failures = result.errors + sum(n for code, n in statuses.items() if not 200 <= code < 400)
    codes = " ".join(f"{code}:{n}" for code, n in sorted(statuses.items()))
    return (
        f"{label:<22} {seconds:>7.1f} {result.requests:>9} {failures:>8} {result.errors:>7} {result.p99:>8.1f}  {codes}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deploys", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the scratch directory (logs) in place")
    args = parser.parse_args(argv)
    for tool in ("haproxy", "redis-server", "curl"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing: apt-get install haproxy redis-server curl")
    binary = ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="pydotorg-ops-"))
    stack = Stack(work)
    env = deploy_env(stack, work)
    lua = work / "mix.lua"
    lua.write_text(LUA % ", ".join(f'"{path}"' for path in MIX))
    try:
        stack.start()
        (work / "env").write_text("".join(f"{key}='{value}'\n" for key, value in stack.app_env().items()))
        releases = [make_release(work, "r1"), make_release(work, "r2")]
        seed = subprocess.run(
            [str(releases[0] / "bin" / "pydotorg"), "database", "upgrade", "--no-prompt"],
            env={**os.environ, **stack.app_env()}, capture_output=True, text=True, check=False,
        )  # fmt: skip
        seeded = subprocess.run(
            [str(releases[0] / "bin" / "pydotorg"), "seed", "--volume", "large"],
            env={**os.environ, **stack.app_env()}, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if seed.returncode or seeded.returncode:
            raise SystemExit(seed.stderr[-2000:] + seeded.stderr[-2000:])
        first = script("rolling-deploy.sh", str(releases[0]), env=env)
        print(f"first deploy (2 instances + a worker): {first:.1f} s\n", flush=True)
        base = f"http://127.0.0.1:{stack.lb_port}"

        print(f"{'phase':<22} {'secs':>7} {'requests':>9} {'failed':>8} {'socket':>7} {'p99 ms':>8}  statuses")
        failed_total = 0
        phases = [(f"deploy {i + 1} -> r{2 - i % 2}", releases[(i + 1) % 2]) for i in range(args.deploys)]
        for label, release in [*phases, ("rollback", None)]:
            load = Load(binary, base, lua)
            time.sleep(3)
            command = ("rollback.sh",) if release is None else ("rolling-deploy.sh", str(release))
            seconds = script(*command, env=env)
            time.sleep(2)
            result, statuses = load.stop()
            failed_total += result.errors + sum(n for code, n in statuses.items() if not 200 <= code < 400)
            print(_row(label, seconds, result, statuses), flush=True)
        print(f"\nfailed requests over {args.deploys} deploys and a rollback: {failed_total} (target 0)\n")

        for service, down_for in (("Redis", 10.0), ("PostgreSQL", 5.0)):
            outage(binary, base, lua, stack, service, down_for)
    finally:
        subprocess.run(
            ["bash", "-c", f'for f in "{work}"/run/*.pid; do kill -TERM "$(cat "$f")" 2>/dev/null; done; sleep 3'],
            check=False,
        )  # fmt: skip
        stack.stop()
        if args.keep:
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def outage(binary: str, base: str, lua: Path, stack: Stack, service: str, down_for: float) -> None:
    running = [port for n, port in enumerate(stack.slots, 1) if (stack.work / "run" / f"app{n}.pid").exists()]
    probe = Probe(base, [f"http://127.0.0.1:{port}/_health/ready" for port in running])
    thread = threading.Thread(target=probe.run, daemon=True)
    load = Load(binary, base, lua)
    thread.start()
    time.sleep(5)
    down = time.monotonic()
    stack.stop_redis() if service == "Redis" else stack.stop_pg()
    time.sleep(down_for)
    stack.start_redis() if service == "Redis" else stack.start_pg()
    up = time.monotonic()
    time.sleep(10)
    probe.stopping.set()
    thread.join()
    result, statuses = load.stop()
    recovered = probe.whole_again(up)
    print(f"{service} stopped for {up - down:.1f} s under load ({result.requests} requests, p99 {result.p99:.1f} ms)")
    print("  wrk statuses over the whole run: " + " ".join(f"{c}:{n}" for c, n in sorted(statuses.items())))
    failed = result.errors + sum(n for code, n in statuses.items() if not 200 <= code < 400)
    print(f"  failed (non-2xx/3xx or socket errors): {failed}, socket errors: {result.errors}")
    for label, (codes, slowest) in probe.between(down, up).items():
        answered = " ".join(f"{code or 'no answer'}:{n}" for code, n in sorted(codes.items()))
        print(f"  while down, {label:<14} {answered:<24} slowest {slowest:.0f} ms")
    print(
        f"  whole again {recovered:.1f} s after {service} returned\n"
        if recovered is not None
        else f"  NOT whole again 10 s after {service} returned\n",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
