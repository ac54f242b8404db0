from __future__ import annotations

from pathlib import Path

import pytest

from pydotorg.settings import DEV_SECRET_KEY, InsecureConfigurationError, Settings


def test_defaults_are_embedded_mode(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, database_url=None, redis_url=None)
    assert settings.mode == "embedded"
    assert settings.uses_sqlite
    assert not settings.uses_redis
    assert settings.sqlalchemy_url == f"sqlite+aiosqlite:///{(tmp_path / 'pydotorg.sqlite3').resolve()}"
    assert settings.media_path == (tmp_path / "media").resolve()
    assert settings.mail_path == (tmp_path / "mail").resolve()
    assert settings.store_path == (tmp_path / "stores").resolve()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/x", "postgresql+asyncpg://u:p@db/x"),
        ("postgresql://u:p@db/x", "postgresql+asyncpg://u:p@db/x"),
        ("postgresql+asyncpg://u:p@db/x", "postgresql+asyncpg://u:p@db/x"),
        ("", None),
    ],
)
def test_database_url_is_normalised_for_asyncpg(given: str, expected: str | None) -> None:
    assert Settings(database_url=given).database_url == expected


def test_services_mode_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/python")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    settings = Settings()
    assert settings.mode == "services"
    assert settings.sqlalchemy_url == "postgresql+asyncpg://u:p@db/python"
    assert settings.uses_redis
    assert not settings.uses_sqlite


@pytest.mark.parametrize("secret", [DEV_SECRET_KEY, "short"])
def test_production_refuses_default_or_weak_secrets(secret: str) -> None:
    with pytest.raises(InsecureConfigurationError, match="PYDOTORG_SECRET_KEY"):
        Settings(env="production", secret_key=secret)


def test_production_refuses_debug() -> None:
    with pytest.raises(InsecureConfigurationError, match="DEBUG"):
        Settings(env="production", secret_key="x" * 40, debug=True)


def test_production_with_a_real_secret_starts() -> None:
    settings = Settings(env="production", secret_key="k" * 48)
    assert settings.is_production
