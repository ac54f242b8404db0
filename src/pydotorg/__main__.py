"""The ``pydotorg`` command: Litestar's CLI bound to our app factory, plus our own commands."""

from __future__ import annotations

import os


def main() -> None:
    os.environ.setdefault("LITESTAR_APP", "pydotorg.app:create_app")
    from litestar.__main__ import run_cli

    run_cli()


if __name__ == "__main__":
    main()
