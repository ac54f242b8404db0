"""The ``pydotorg`` command: Litestar's CLI bound to our app factory, plus our own commands."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile


def main() -> None:
    os.environ.setdefault("LITESTAR_APP", "pydotorg.app:create_app")
    if sys.argv[1:2] == ["run"] and "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        # Granian's worker processes write their metrics here and /metrics on any of them sums them. It must be
        # set before prometheus_client is imported (the app factory imports it).
        folder = tempfile.mkdtemp(prefix="pydotorg-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    from litestar.__main__ import run_cli

    run_cli()


if __name__ == "__main__":
    main()
