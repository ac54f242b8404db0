"""``make soak``: ten minutes of mixed uncached traffic against the production set-up, watching the workers.

Production mode as ``make bench`` runs it (PostgreSQL and Redis on 127.0.0.1, ``seed --volume large``, Granian
with one worker per core, origin cache off), then one ``wrk`` run that cycles through every benchmark page, the
API lists and the feeds for ``--duration`` seconds. Meanwhile the Granian workers are sampled every second. At the
end it prints the requests, the failed requests (socket errors and non-2xx/3xx answers), the worker crashes (a
worker process that went away, or Granian's "Unexpected exit" line) and each worker's memory at the start and the
end; the same figures go to ``var/bench/soak-<time>.json``. It exits 1 when a worker crashed or a request failed.

Every load run ends by itself and targets 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.run import (
    PAGES,
    PYTHON,
    REPO,
    VAR,
    Services,
    _free_port,
    _run,
    app_env,
    ensure_wrk,
    parse_wrk,
    seed_database,
    server,
)

#: What the soak adds to the benchmark pages: the APIs and the feeds clients poll.
EXTRA_PATHS = [
    "/api/v1/downloads/release/?limit=20",
    "/api/v2/downloads/release/?is_published=true",
    "/api/v2/downloads/os/",
    "/api/v2/downloads/release_file/?os=1",
    "/api/v1/pages/page/?limit=20",
    "/downloads/feed.atom",
    "/events/python-events/feed.ics",
    "/events/python-events/feed.rss",
    "/downloads/windows/",
    "/events/python-events/past/",
]

LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("p95_us %%d\\n", latency:percentile(95)))
end
"""

WORKER = re.compile(r"\bworker-(\d+)\b")


@dataclass
class WorkerSample:
    pid: int
    rss_mib: float


@dataclass
class Watch:
    """Granian's worker processes, sampled from /proc: which pids held each slot, and their memory."""

    root: int
    #: Samples before ``warm_until`` (monotonic time) fill ``initial``; the first ones after it, ``first``.
    warm_until: float = 0.0
    initial: dict[str, WorkerSample] = field(default_factory=dict)
    first: dict[str, WorkerSample] = field(default_factory=dict)
    last: dict[str, WorkerSample] = field(default_factory=dict)
    pids: dict[str, list[int]] = field(default_factory=dict)

    def sample(self) -> dict[str, WorkerSample]:
        found: dict[str, WorkerSample] = {}
        for pid in _descendants(self.root):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            slot = WORKER.search(cmdline)
            rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            if slot and rss:
                found[f"worker-{slot.group(1)}"] = WorkerSample(pid, int(rss.group(1)) / 1024)
        warm = time.monotonic() >= self.warm_until
        for slot, sample in found.items():
            self.initial.setdefault(slot, sample)
            if warm:
                self.first.setdefault(slot, sample)
            seen = self.pids.setdefault(slot, [])
            if not seen or seen[-1] != sample.pid:
                seen.append(sample.pid)
        if found:
            self.last = found
        return found

    @property
    def replaced(self) -> int:
        """Worker processes that went away and were replaced while the server ran."""
        return sum(len(pids) - 1 for pids in self.pids.values())


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int(Path(entry, "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def reachable(port: int, paths: list[str]) -> list[str]:
    """The paths that answer 2xx/3xx here (a section that is not built yet answers 404 and is left out)."""
    keep = []
    for path in paths:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                response.read()
            keep.append(path)
        except urllib.error.HTTPError as exc:
            print(f"  leaving out {path}: {exc.code}", flush=True)
    return keep


def crash_lines(log: Path, offset: int) -> list[str]:
    text = log.read_bytes()[offset:].decode(errors="replace")
    return [line for line in text.splitlines() if "Unexpected exit" in line or "Fatal Python error" in line]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=600, help="seconds of load (default 600)")
    parser.add_argument("--connections", type=int, default=48)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--only", default="", help="comma-separated page labels instead of the whole mix")
    parser.add_argument(
        "--warmup", type=int, default=60, help="seconds of load before the 'start' memory sample (caches fill first)"
    )
    parser.add_argument("--no-seed", action="store_true", help="reuse the database of the last run")
    parser.add_argument(
        "--server-args", default="", help="extra arguments for `pydotorg run` (e.g. --no-respawn-failed-workers)"
    )
    args = parser.parse_args(argv)
    VAR.mkdir(parents=True, exist_ok=True)
    binary = ensure_wrk()
    services = Services(keep_database=args.no_seed)
    log = VAR / "server.log"
    try:
        services.start()
        env = {**app_env(0), "PYTHONFAULTHANDLER": "1"}
        if not args.no_seed and not seed_database(env):
            return 1
        paths = [path for label, path in PAGES if not args.only or label in args.only.split(",")]
        if not args.only:
            paths += EXTRA_PATHS
        port = _free_port()
        command = [PYTHON, "-m", "pydotorg", "run", "--host", "127.0.0.1", "--port", str(port),
                   "--wc", str(args.workers), "--granian-no-access-log", *args.server_args.split()]  # fmt: skip
        offset = log.stat().st_size if log.exists() else 0
        with server(command, env, f"http://127.0.0.1:{port}/_health") as process:
            paths = reachable(port, paths)
            watch = Watch(process.pid, warm_until=time.monotonic() + args.warmup)
            watch.sample()
            stop = threading.Event()

            def sampler() -> None:
                while not stop.wait(1.0):
                    watch.sample()

            thread = threading.Thread(target=sampler, daemon=True)
            thread.start()
            script = VAR / "soak.lua"
            script.write_text(LUA % ", ".join(json.dumps(p) for p in paths))
            print(
                f"soak: {len(paths)} paths, {args.connections} connections, {args.duration} s, "
                f"{args.workers} workers (origin cache off)",
                flush=True,
            )
            started = time.monotonic()
            done = _run(
                binary, f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
                "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}",
                timeout=args.duration + 120, check=False,
            )  # fmt: skip
            elapsed = time.monotonic() - started
            stop.set()
            thread.join()
            watch.sample()
            alive = process.poll() is None
        crashes = crash_lines(log, offset)
    finally:
        services.stop()

    result = parse_wrk(done.stdout)
    worker_crashes = max(len(crashes), watch.replaced) + (0 if alive else 1)
    failed = result.errors + result.non_2xx
    memory = {
        slot: {
            "initial_mib": round(watch.initial[slot].rss_mib, 1),
            "start_mib": round(watch.first[slot].rss_mib, 1),
            "end_mib": round(watch.last[slot].rss_mib, 1) if slot in watch.last else None,
            "pids": watch.pids.get(slot, []),
        }
        for slot in sorted(watch.first)
    }
    print()
    print(f"duration        {elapsed:.0f} s")
    print(f"requests        {result.requests} ({result.rps:.0f} req/s)")
    print(f"latency         p50 {result.p50:.1f} ms, p95 {result.p95:.1f} ms, p99 {result.p99:.1f} ms")
    print(f"failed          {failed} (socket errors {result.errors}, non-2xx/3xx {result.non_2xx})")
    print(f"worker crashes  {worker_crashes}" + ("" if alive else " (the server itself stopped)"))
    for line in crashes:
        print(f"                {line.strip()}")
    for slot, figures in memory.items():
        print(
            f"{slot:<15} RSS {figures['initial_mib']} MiB before load, {figures['start_mib']} MiB after "
            f"{args.warmup} s of load, {figures['end_mib']} MiB at the end"
        )
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(),
        "settings": vars(args),
        "paths": paths,
        "seconds": round(elapsed, 1),
        "wrk": asdict(result),
        "failed": failed,
        "worker_crashes": worker_crashes,
        "crash_lines": crashes,
        "server_alive": alive,
        "memory": memory,
    }
    target = VAR / f"soak-{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%S}.json"
    target.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {target.relative_to(REPO)}")
    return 1 if worker_crashes or failed or not result.requests else 0


if __name__ == "__main__":
    sys.exit(main())
