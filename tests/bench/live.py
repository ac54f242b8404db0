"""``make live-bench``: the staff admin's WebSocket at scale, on two instances behind one Redis.

Starts a PostgreSQL and a Redis of its own (as ``make ops-bench`` does) and two app instances in production mode
(one Granian worker each), signs a staff user in once, then opens ``--sockets`` sockets (2,000) on instance A and
``--sockets-b`` (200) on instance B with that session. It commits ``--events`` (100) job submissions, each a
moderation-queue event every socket may see, and reports:

* delivery latency from the commit to each socket's ``queue`` message: p50, p99 and max;
* memory per connection on instance A: the worker's resident memory with the sockets open, less before, divided
  by the number of sockets;
* that every socket on both instances got every event exactly once (no loss, no duplicate).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import websockets

from tests.bench.ops import Stack
from tests.bench.run import _free_port

ORIGIN_HOST = "127.0.0.1"
LOGIN = "live-bench"
PASSWORD = "a long benchmark password"


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and its children (Granian's worker), in KiB."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        total += rss_kib(int(child))
    return total


def sign_in(base: str) -> str:
    """Log in through the form, as a browser does, and return the session id. Production cookies are ``Secure``,
    which a client on plain-HTTP loopback would not send back, so the cookies are carried by hand."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("GET", "/accounts/login/")
    page = connection.getresponse()
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.read().decode())
    csrf = re.search(r"csrftoken=([^;]+)", page.getheader("set-cookie") or "")
    assert token and csrf, "no CSRF token on the login page"
    body = urllib.parse.urlencode({"login": LOGIN, "password": PASSWORD, "_csrf_token": token.group(1)})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf.group(1)}"}
    connection.request("POST", "/accounts/login/", body=body, headers=headers)
    answer = connection.getresponse()
    answer.read()
    session = re.search(r"sessionid=([^;]+)", ", ".join(answer.headers.get_all("set-cookie") or []))
    assert answer.status == 302 and session, f"login failed ({answer.status})"
    return session.group(1)


class Socket:
    def __init__(self) -> None:
        self.first_seen: dict[int, float] = {}  # event number -> when a queue message first listed it
        self.messages = 0  # queue messages received


async def hold(url: str, session: str, socket: Socket, ready: asyncio.Event, done: asyncio.Event) -> None:
    headers = {"Cookie": f"sessionid={session}", "Origin": f"http://{ORIGIN_HOST}"}
    async with websockets.connect(url, additional_headers=headers, max_queue=None, open_timeout=60) as ws:
        ready.set()
        while not done.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            now = time.monotonic()
            message = json.loads(raw)
            if message["type"] == "ping":
                await ws.send('{"type": "pong", "v": 1}')
            elif message["type"] == "queue":
                socket.messages += 1
                for item in message["items"]:
                    if item["title"].startswith("Bench #"):
                        number = int(item["title"].split("#", 1)[1].split(",")[0])
                        socket.first_seen.setdefault(number, now)


async def run(args: argparse.Namespace, env: dict[str, str], bases: list[str], pids: list[int]) -> None:
    session = sign_in(bases[0])
    sockets_a = [Socket() for _ in range(args.sockets)]
    sockets_b = [Socket() for _ in range(args.sockets_b)]
    done = asyncio.Event()
    before = rss_kib(pids[0])
    tasks = []
    started = time.monotonic()
    for base, group in ((bases[0], sockets_a), (bases[1], sockets_b)):
        url = base.replace("http://", "ws://") + "/admin/live"
        for i in range(0, len(group), 100):  # in batches: the server accepts, the client keeps up
            batch = []
            for socket in group[i : i + 100]:
                ready = asyncio.Event()
                tasks.append(asyncio.create_task(hold(url, session, socket, ready, done)))
                batch.append(ready)
            await asyncio.gather(*(event.wait() for event in batch))
    print(f"{len(tasks)} sockets open in {time.monotonic() - started:.1f} s", flush=True)
    await asyncio.sleep(2)
    after = rss_kib(pids[0])

    sent: dict[int, float] = {}
    committer = Committer(env)
    committer.commit(0)  # start the committing process (the app's start-up is not a delivery delay)
    await asyncio.sleep(1)
    for number in range(1, args.events + 1):
        sent[number] = time.monotonic()
        committer.commit(number)
        await asyncio.sleep(args.interval)
    committer.close()
    await asyncio.sleep(3)
    done.set()
    await asyncio.gather(*tasks, return_exceptions=True)

    everyone = sockets_a + sockets_b
    latencies = [
        (seen - sent[number]) * 1000 for s in everyone for number, seen in s.first_seen.items() if number in sent
    ]
    expected = len(sent) + 1  # and the warm-up event
    exact_a = sum(s.messages == expected for s in sockets_a)
    exact_b = sum(s.messages == expected for s in sockets_b)
    seen_all = sum(set(s.first_seen) >= set(sent) for s in everyone)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(
        f"events: {len(sent)} (+1 warm-up), queue messages: {sum(s.messages for s in everyone)} "
        f"(expected {expected * len(everyone)})"
    )
    print(f"commit to socket, ms: p50 {quantiles[49]:.1f}  p99 {quantiles[98]:.1f}  max {max(latencies):.1f}")
    print(f"memory on instance A: {(after - before) / max(1, len(sockets_a)):.1f} KiB per connection")
    print(
        f"exactly one message per event: instance A {exact_a}/{len(sockets_a)} sockets, "
        f"instance B {exact_b}/{len(sockets_b)}; every event's job seen by {seen_all}/{len(everyone)} sockets"
    )


COMMIT = """
import asyncio, sys
from pydotorg.app import create_app
from pydotorg.db.models import JobCategory
from pydotorg.db.models.jobs import Job, JobStatus
from sqlalchemy import select

async def main(numbers):
    app = create_app()
    async with app.state.db_config.get_session() as session:
        category = (await session.execute(select(JobCategory.id).limit(1))).scalar_one()
        for number in numbers:
            session.add(Job(job_title=f"Bench #{number}, a live event", company_name="Bench", city="Oslo",
                            country="Norway", email="bench@example.org", description="x", requirements="x",
                            category_id=category, status=JobStatus.REVIEW))
            await session.commit()
            print("ok", flush=True)
            line = sys.stdin.readline()
            if not line:
                break
            numbers.append(int(line))
    await app.state.db_config.get_engine().dispose()
"""


class Committer:
    """One process that commits a job each time it is asked (starting the app once, not per event)."""

    def __init__(self, env: dict[str, str]) -> None:
        script = COMMIT + "\nasyncio.run(main([int(sys.argv[1])]))\n"
        self.env = env
        self.script = script
        self.process: subprocess.Popen[str] | None = None

    def commit(self, number: int) -> None:
        if self.process is None:
            self.process = subprocess.Popen(
                [sys.executable, "-c", self.script, str(number)], env=self.env, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )  # fmt: skip
        else:
            assert self.process.stdin
            self.process.stdin.write(f"{number}\n")
            self.process.stdin.flush()
        assert self.process.stdout
        for line in self.process.stdout:  # log lines may come first
            if line.strip() == "ok":
                return
        raise SystemExit("the committing process ended")

    def close(self) -> None:
        if self.process is not None:
            assert self.process.stdin
            self.process.stdin.close()
            self.process.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--sockets-b", type=int, default=200)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between events")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="pydotorg-live-"))
    stack = Stack(work)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        stack.start()
        env = {**os.environ, **stack.app_env(), "PYDOTORG_ALLOWED_HOSTS": f'["{ORIGIN_HOST}"]'}
        env["PYDOTORG_SITE_URL"] = f"http://{ORIGIN_HOST}"
        for step in (["database", "upgrade", "--no-prompt"], ["seed"]):
            subprocess.run([sys.executable, "-m", "pydotorg", *step], env=env, check=True, capture_output=True)
        make = (
            "import asyncio\nfrom pydotorg.app import create_app\nfrom pydotorg.domain.users.services import create_user\n"
            "async def main():\n    app = create_app()\n    async with app.state.db_config.get_session() as s:\n"
            f"        await create_user(s, username={LOGIN!r}, email='bench@example.org', password={PASSWORD!r}, "
            "verified=True, is_staff=True, is_superuser=True)\n        await s.commit()\n"
            "    await app.state.db_config.get_engine().dispose()\nasyncio.run(main())\n"
        )
        subprocess.run([sys.executable, "-c", make], env=env, check=True, capture_output=True)
        ports = [_free_port(), _free_port()]
        for port in ports:
            command = [sys.executable, "-m", "pydotorg", "run", "--host", "127.0.0.1", "--port", str(port), "--wc", "1"]
            log = (work / f"app-{port}.log").open("wb")
            processes.append(subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT))
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + 60
        for base in bases:
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/_health/ready", timeout=2):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit("the instances did not start") from None
                    time.sleep(0.3)
        asyncio.run(run(args, env, bases, [p.pid for p in processes]))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        stack.stop()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
