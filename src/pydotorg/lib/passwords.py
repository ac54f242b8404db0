"""Password hashing compatible with the Django database.

New hashes are Argon2id, written in Django's own ``argon2$argon2id$...`` format so the two sites can read each
other's rows during the cut-over. Hashes Django writes or still verifies (``pbkdf2_sha256``, ``pbkdf2_sha1``,
``argon2``, ``scrypt``) are accepted; :func:`needs_rehash` tells the login code to replace them with a fresh Argon2
hash once the password is known to be right. Unusable passwords (``!`` prefix) never match.

Hashing is deliberately slow: call :func:`verify_password_async` / :func:`hash_password_async` from request code so
the event loop keeps serving other requests.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from pathlib import Path

from argon2 import PasswordHasher

__all__ = ("PasswordHasher",)
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

UNUSABLE_PREFIX = "!"
ARGON2_PREFIX = "argon2"
MIN_LENGTH = 8
_HASHER = PasswordHasher()
_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")


def hash_password(password: str) -> str:
    return ARGON2_PREFIX + _HASHER.hash(password)


def make_unusable_password() -> str:
    return UNUSABLE_PREFIX + secrets.token_urlsafe(30)


def is_usable(encoded: str) -> bool:
    return bool(encoded) and not encoded.startswith(UNUSABLE_PREFIX)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii").strip()


def _verify_pbkdf2(password: str, encoded: str, digest: str) -> bool:
    try:
        _algorithm, iterations, salt, expected = encoded.split("$", 3)
        rounds = int(iterations)
    except ValueError:
        return False
    derived = hashlib.pbkdf2_hmac(digest, password.encode(), salt.encode(), rounds)
    return hmac.compare_digest(_b64(derived), expected)


def _verify_scrypt(password: str, encoded: str) -> bool:
    try:
        _algorithm, salt, n, r, p, expected = encoded.split("$", 5)
        work, block, parallel = int(n), int(r), int(p)
    except ValueError:
        return False
    derived = hashlib.scrypt(
        password.encode(),
        salt=salt.encode(),
        n=work,
        r=block,
        p=parallel,
        maxmem=128 * work * block * parallel + 1024 * 1024,
        dklen=64,
    )
    return hmac.compare_digest(_b64(derived), expected)


def _verify_argon2(password: str, encoded: str) -> bool:
    try:
        return _HASHER.verify(encoded[len(ARGON2_PREFIX) :], password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def verify_password(password: str, encoded: str | None) -> bool:
    """Whether ``password`` matches ``encoded`` (any supported Django format)."""
    if not encoded or not is_usable(encoded):
        return False
    algorithm = encoded.split("$", 1)[0]
    if algorithm == ARGON2_PREFIX:
        return _verify_argon2(password, encoded)
    if algorithm == "pbkdf2_sha256":
        return _verify_pbkdf2(password, encoded, "sha256")
    if algorithm == "pbkdf2_sha1":
        return _verify_pbkdf2(password, encoded, "sha1")
    if algorithm == "scrypt":
        return _verify_scrypt(password, encoded)
    return False


def needs_rehash(encoded: str) -> bool:
    """True for every hash that is not Argon2 with the current parameters."""
    if not encoded.startswith(ARGON2_PREFIX + "$"):
        return True
    try:
        return _HASHER.check_needs_rehash(encoded[len(ARGON2_PREFIX) :])
    except InvalidHashError:
        return True


async def verify_password_async(password: str, encoded: str | None) -> bool:
    return await asyncio.to_thread(verify_password, password, encoded)


async def hash_password_async(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


def _common_passwords() -> frozenset[str]:
    return frozenset(line.strip().lower() for line in _COMMON_PASSWORDS_FILE.read_text().splitlines() if line.strip())


def validate_password(password: str, *, username: str = "", email: str = "") -> list[str]:
    """Django's default validators: minimum length, user-attribute similarity, common, entirely numeric."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"This password is too short. It must contain at least {MIN_LENGTH} characters.")
    lowered = password.lower()
    attributes = [username.lower(), email.lower().split("@", 1)[0]]
    if any(attr and len(attr) >= 3 and (attr in lowered or lowered in attr) for attr in attributes):
        problems.append("The password is too similar to your username or e-mail address.")
    if lowered in _common_passwords():
        problems.append("This password is too common.")
    if password.isdigit():
        problems.append("This password is entirely numeric.")
    return problems
