"""Password hashes: Argon2 for new ones, every Django format we may import, and the validators."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pydotorg.lib import passwords

DJANGO_PBKDF2 = "pbkdf2_sha256$150000$TAqxQ4O0uzV2$3lgFMdRiaBnaUfXtjSRlA/9HzMwYa2ThD38AmTzGYEs="


def django_pbkdf2_sha1(password: str, salt: str, iterations: int) -> str:
    digest = hashlib.pbkdf2_hmac("sha1", password.encode(), salt.encode(), iterations)
    return f"pbkdf2_sha1${iterations}${salt}${base64.b64encode(digest).decode()}"


def django_scrypt(password: str, salt: str) -> str:
    digest = hashlib.scrypt(password.encode(), salt=salt.encode(), n=2**14, r=8, p=1, maxmem=2**25, dklen=64)
    return f"scrypt${salt}${2**14}$8$1${base64.b64encode(digest).decode()}"


def test_django_hashes_verify_and_need_rehash() -> None:
    assert passwords.verify_password("password", DJANGO_PBKDF2)
    assert not passwords.verify_password("Password", DJANGO_PBKDF2)
    assert passwords.needs_rehash(DJANGO_PBKDF2)
    sha1 = django_pbkdf2_sha1("secret words", "abcdef", 1000)
    assert passwords.verify_password("secret words", sha1) and not passwords.verify_password("nope", sha1)
    scrypt = django_scrypt("secret words", "saltsalt")
    assert passwords.verify_password("secret words", scrypt) and not passwords.verify_password("nope", scrypt)


def test_argon2_is_written_in_django_format() -> None:
    encoded = passwords.hash_password("correct horse battery")
    assert encoded.startswith("argon2$argon2id$v=19$")
    assert passwords.verify_password("correct horse battery", encoded)
    assert not passwords.needs_rehash(encoded)
    # Django's own Argon2 parameters are readable, but get upgraded to ours
    django_style = "argon2" + passwords.PasswordHasher(time_cost=2, memory_cost=102400, parallelism=8).hash(
        "pw12345678"
    )
    assert passwords.verify_password("pw12345678", django_style)
    assert passwords.needs_rehash(django_style)


@pytest.mark.parametrize(
    "encoded",
    ["", "!unusable", "md5$salt$abc", "pbkdf2_sha256$notanumber$salt$hash", "scrypt$x", "argon2$garbage", None],
)
def test_garbage_never_matches(encoded: str | None) -> None:
    assert not passwords.verify_password("anything", encoded)
    if encoded:
        assert passwords.needs_rehash(encoded)
    assert not passwords.is_usable(passwords.make_unusable_password())


@settings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_round_trip(password: str) -> None:
    encoded = passwords.hash_password(password)
    assert passwords.verify_password(password, encoded)
    assert not passwords.verify_password(password + "x", encoded)


def test_validators() -> None:
    assert passwords.validate_password("a long enough passphrase") == []
    assert any("too short" in p for p in passwords.validate_password("short"))
    assert any("too common" in p for p in passwords.validate_password("password123"))
    assert any("entirely numeric" in p for p in passwords.validate_password("1234567890123"))
    assert any("too similar" in p for p in passwords.validate_password("guido-rules-99", username="guido"))
    assert any("too similar" in p for p in passwords.validate_password("barry-w-2024!", email="barry-w@example.org"))
