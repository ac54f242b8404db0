"""Audit requirements.lock for known vulnerabilities with pip-audit (``make lint`` runs it).

Exits 1 when a locked package has a known vulnerability. Where the vulnerability database cannot be reached (a
machine without internet), or only part of the lock could be looked up, it says so in a printed notice and
exits 0: never a silent pass, never a failed build for a missing network.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"
UNREACHABLE = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "timed out", "SSLError")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "--disable-pip", "--no-deps", "--progress-spinner", "off",
                   "-r", str(LOCK), "--format", "json", "--output", str(report)]  # fmt: skip
        done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            command,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if not report.exists() or not report.read_text().strip():
            if any(marker in done.stderr for marker in UNREACHABLE):
                print("NOTICE: dependency audit SKIPPED: the vulnerability database (PyPI) is not reachable here.")
                return 0
            print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
            return done.returncode or 1
        data = json.loads(report.read_text())
    dependencies = data.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"VULNERABLE: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    if dependencies and not audited:
        print(f"NOTICE: dependency audit SKIPPED: none of the {len(dependencies)} locked packages could be looked up "
              "(PyPI's vulnerability data is not reachable from here; run `make lint` where it is).")  # fmt: skip
        return 0
    if skipped:
        names = ", ".join(sorted(d["name"] for d in skipped))
        print(f"NOTICE: {len(skipped)} of {len(dependencies)} locked packages could not be looked up here: {names}")
    print(f"dependency audit: {audited} packages audited, {len(vulnerable)} with known vulnerabilities")
    return 1 if vulnerable else 0


if __name__ == "__main__":
    raise SystemExit(main())
