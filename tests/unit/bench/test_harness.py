"""The benchmark harness's parsing and table code (the benchmark itself never runs in CI)."""

from __future__ import annotations

import pytest

from tests.bench.run import Row, WrkResult, _ms, median_round, parse_wrk, render_table

WRK_OUTPUT = """Running 15s test @ http://127.0.0.1:8000/downloads/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.21ms    3.10ms  61.02ms   88.12%
    Req/Sec     1.75k   112.34     2.01k    70.00%
  Latency Distribution
     50%    8.71ms
     75%   10.02ms
     90%   12.54ms
     99%   21.30ms
  52384 requests in 15.02s, 1.21GB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:   3487.62
Transfer/sec:     82.35MB
p95_us 15230
"""


def test_parse_wrk() -> None:
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests == 52384 and result.seconds == pytest.approx(15.02)
    assert result.rps == pytest.approx(3487.62)
    assert (
        result.p50 == pytest.approx(8.71) and result.p99 == pytest.approx(21.30) and result.p95 == pytest.approx(15.23)
    )
    assert result.errors == 3 and result.non_2xx == 7
    assert result.bytes_read == int(1.21 * 1024**3)


def test_parse_wrk_units_and_missing_lines() -> None:
    result = parse_wrk(
        "     50%  850.00us\n     99%    1.20s\n  10 requests in 1.00m, 512.00KB read\nRequests/sec: 0.17\n"
    )
    assert result.p50 == pytest.approx(0.85) and result.p99 == pytest.approx(1200)
    assert result.seconds == pytest.approx(60) and result.bytes_read == 512 * 1024
    assert result.errors == 0 and result.non_2xx == 0 and result.p95 == 0
    with pytest.raises(ValueError, match="not a wrk duration"):
        _ms("12 parsecs")


def test_median_round_is_a_real_round() -> None:
    rounds = [WrkResult(rps=100, p95=5), WrkResult(rps=300, p95=1), WrkResult(rps=200, p95=3)]
    assert median_round(rounds).p95 == 3
    assert median_round([WrkResult(rps=1), WrkResult(rps=2)]).rps == 1


def test_render_table() -> None:
    ceiling = Row("plaintext ceiling", "/", "-", rps=20000, p50=1, p95=2, p99=3, cpu_ms=0.05)
    rows = [
        Row(
            "downloads",
            "/downloads/",
            "on",
            rps=5000,
            p50=4,
            p95=8,
            p99=12,
            queries=6,
            cpu_ms=0.4,
            bytes_per_response=9000,
        ),
        Row("events", "/events/", "on", built=False),
    ]
    table = render_table(rows, ceiling)
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["page", "cache", "req/s"]
    assert "plaintext ceiling" in lines[2] and "100%" in lines[2]
    assert "25.0%" in lines[3] and " 6 " in lines[3]
    assert lines[4].split()[-2:] == ["not", "built"]


def test_render_table_shows_a_failed_row() -> None:
    row = Row("events", "/events/", "off", rps=40, failure="a worker crashed: Unexpected exit from worker-1\nlog")
    line = render_table([row], None).splitlines()[2]
    assert line.split()[:3] == ["events", "off", "FAILED"]
    assert line.endswith("a worker crashed: Unexpected exit from worker-1")


def test_crash_report_names_a_dead_worker_and_a_stopped_server(tmp_path, monkeypatch) -> None:
    import subprocess
    import sys

    from tests.bench import run

    monkeypatch.setattr(run, "VAR", tmp_path)
    log = tmp_path / "server.log"
    log.write_text("INFO old line\n")
    offset = run.log_offset()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert run.crash_report(offset, alive) is None
        with log.open("a") as out:
            out.write("Fatal Python error: Segmentation fault\nERROR Unexpected exit from worker-2\n")
        report = run.crash_report(offset, alive)
        assert report is not None
        assert report.splitlines()[0] == "a worker crashed: Fatal Python error: Segmentation fault"
        assert "Unexpected exit from worker-2" in report and "old line" not in report
    finally:
        alive.kill()
        alive.wait()
    stopped = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    stopped.wait()
    assert run.crash_report(offset, stopped).startswith("the server stopped (exit status 3)")
