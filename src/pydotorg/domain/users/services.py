"""Account rules: creating users (with their API key and token), logging in, e-mail verification, password reset.

Lookups are case-insensitive on username and e-mail, as Django's ``CustomUserManager`` and allauth's
``UNIQUE_EMAIL`` are. Password reset keys are stateless (Django's token generator: the user id in base 36, a
timestamp and an HMAC over the password hash and last login), so a key stops working once it has been used, once
the user logs in, and after ``password_reset_timeout``.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pydotorg.db.base import utcnow
from pydotorg.db.models.users import ApiKey, EmailAddress, EmailConfirmation, Token, User, new_api_key
from pydotorg.lib import passwords
from pydotorg.settings import Settings

_B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def int_to_base36(value: int) -> str:
    if value < 0:
        raise ValueError("negative")
    digits = ""
    while True:
        value, rem = divmod(value, 36)
        digits = _B36[rem] + digits
        if value == 0:
            return digits


def base36_to_int(text: str) -> int | None:
    if not text or len(text) > 13:
        return None
    try:
        return int(text, 36)
    except ValueError:
        return None


async def get_by_username(session: AsyncSession, username: str) -> User | None:
    query = select(User).where(func.lower(User.username) == username.lower())
    return (await session.execute(query)).scalars().first()


async def get_by_login(session: AsyncSession, login: str) -> User | None:
    """A user by username or by e-mail address, case-insensitively. A verified address wins: an address someone
    merely typed into their account (unverified) never takes over its owner's login (security finding 6)."""
    login = login.strip()
    if "@" in login:
        lowered = login.lower()
        verified = select(EmailAddress.user_id).where(
            func.lower(EmailAddress.email) == lowered, EmailAddress.verified.is_(True)
        )
        query = select(User).where(User.id.in_(verified)).order_by(User.id)
        user = (await session.execute(query)).scalars().first()
        if user is None:  # a new account's own address, not confirmed yet (it gets the confirmation mail again)
            query = select(User).where(func.lower(User.email) == lowered).order_by(User.id)
            user = (await session.execute(query)).scalars().first()
        if user is not None:
            return user
    return await get_by_username(session, login)


async def username_taken(session: AsyncSession, username: str, *, exclude_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.username) == username.lower())
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return (await session.execute(query.limit(1))).first() is not None


async def email_taken(session: AsyncSession, email: str, *, exclude_user_id: int | None = None) -> bool:
    """Whether another account owns ``email``: only a *verified* address counts, so an address added but never
    confirmed does not keep its real owner from signing up or adding it (security finding 6)."""
    query = select(EmailAddress.user_id).where(
        func.lower(EmailAddress.email) == email.lower(), EmailAddress.verified.is_(True)
    )
    if exclude_user_id is not None:
        query = query.where(EmailAddress.user_id != exclude_user_id)
    return (await session.execute(query.limit(1))).first() is not None


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    email: str,
    password: str | None,
    verified: bool = False,
    is_staff: bool = False,
    is_superuser: bool = False,
    password_hash: str | None = None,
) -> User:
    """A user with a primary e-mail address, a v1 API key and a v2 token (Django's signals do the last two)."""
    encoded = password_hash or (
        await passwords.hash_password_async(password) if password else passwords.make_unusable_password()
    )
    user = User(
        username=username,
        email=email,
        password=encoded,
        is_staff=is_staff or is_superuser,
        is_superuser=is_superuser,
        is_active=True,
        date_joined=utcnow(),
    )
    session.add(user)
    await session.flush()
    session.add_all(
        [
            EmailAddress(user_id=user.id, email=email, verified=verified, primary=True),
            ApiKey(user_id=user.id, key=new_api_key()),
            Token(user_id=user.id, key=new_api_key()),
        ]
    )
    await session.flush()
    return user


async def ensure_credentials(session: AsyncSession, user: User) -> tuple[ApiKey, Token]:
    """The user's API key and token, created when missing."""
    api_key = (await session.execute(select(ApiKey).where(ApiKey.user_id == user.id))).scalars().first()
    token = (await session.execute(select(Token).where(Token.user_id == user.id))).scalars().first()
    if api_key is None:
        api_key = ApiKey(user_id=user.id, key=new_api_key())
        session.add(api_key)
    if token is None:
        token = Token(user_id=user.id, key=new_api_key())
        session.add(token)
    await session.flush()
    return api_key, token


async def rotate_credentials(session: AsyncSession, user: User) -> tuple[ApiKey, Token]:
    api_key, token = await ensure_credentials(session, user)
    api_key.key = new_api_key()
    token.key = new_api_key()
    api_key.created = token.created = utcnow()
    await session.flush()
    return api_key, token


@dataclass
class LoginResult:
    user: User | None
    verified: bool = False


async def authenticate(session: AsyncSession, login: str, password: str) -> LoginResult:
    """Check the credentials; on success upgrade an old hash to Argon2. Unknown users cost a hash too."""
    user = await get_by_login(session, login)
    if user is None:
        await passwords.hash_password_async(password)  # same work as a real check: no timing oracle
        return LoginResult(None)
    if not await passwords.verify_password_async(password, user.password):
        return LoginResult(None)
    if passwords.needs_rehash(user.password):
        user.password = await passwords.hash_password_async(password)
    return LoginResult(user, verified=await has_verified_email(session, user))


async def has_verified_email(session: AsyncSession, user: User) -> bool:
    query = select(EmailAddress.id).where(
        EmailAddress.user_id == user.id,
        EmailAddress.verified.is_(True),
        func.lower(EmailAddress.email) == user.email.lower(),
    )
    return (await session.execute(query.limit(1))).first() is not None


async def primary_address(session: AsyncSession, user: User) -> EmailAddress:
    """The address row of the user's e-mail (created unverified when missing, e.g. for imported users)."""
    query = select(EmailAddress).where(
        EmailAddress.user_id == user.id, func.lower(EmailAddress.email) == user.email.lower()
    )
    address = (await session.execute(query)).scalars().first()
    if address is None:
        address = EmailAddress(user_id=user.id, email=user.email, verified=False, primary=True)
        session.add(address)
        await session.flush()
    return address


async def new_confirmation(session: AsyncSession, address: EmailAddress) -> EmailConfirmation:
    confirmation = EmailConfirmation(email_address_id=address.id, sent=utcnow())
    session.add(confirmation)
    await session.flush()
    return confirmation


async def get_confirmation(session: AsyncSession, key: str) -> EmailConfirmation | None:
    if not key or len(key) > 64:
        return None
    query = select(EmailConfirmation).where(EmailConfirmation.key == key)
    return (await session.execute(query)).scalars().first()


async def confirm_email(session: AsyncSession, confirmation: EmailConfirmation) -> EmailAddress:
    """Mark the address verified (primary when the user has no verified primary) and spend every key for it."""
    address = confirmation.email_address
    address.verified = True
    user = await session.get_one(User, address.user_id)
    if address.email.lower() == user.email.lower():
        address.primary = True
    keys = select(EmailConfirmation).where(EmailConfirmation.email_address_id == address.id)
    for row in (await session.execute(keys)).scalars().all():
        await session.delete(row)
    await session.flush()
    return address


# -- password reset keys --------------------------------------------------------------------------------------------
def _reset_hash(settings: Settings, user: User, timestamp: int) -> str:
    last_login = "" if user.last_login is None else user.last_login.replace(microsecond=0, tzinfo=None).isoformat()
    value = f"{user.id}{user.password}{last_login}{timestamp}{user.email}"
    return hmac.new(f"password-reset:{settings.secret_key}".encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def make_reset_key(settings: Settings, user: User, now: int | None = None) -> str:
    """``<uidb36>-<timestamp b36>-<hmac>``, the path segment of the reset link."""
    timestamp = int(time.time() if now is None else now)
    return f"{int_to_base36(user.id)}-{int_to_base36(timestamp)}-{_reset_hash(settings, user, timestamp)}"


def parse_reset_key(key: str) -> tuple[int, int, str] | None:
    parts = key.split("-")
    if len(parts) != 3:
        return None
    uid, ts = base36_to_int(parts[0]), base36_to_int(parts[1])
    if uid is None or ts is None or len(parts[2]) != 32:
        return None
    return uid, ts, parts[2]


def check_reset_key(settings: Settings, user: User, key: str, now: int | None = None) -> bool:
    parsed = parse_reset_key(key)
    if parsed is None or parsed[0] != user.id:
        return False
    _, timestamp, digest = parsed
    current = int(time.time() if now is None else now)
    if not 0 <= current - timestamp <= settings.password_reset_timeout:
        return False
    return hmac.compare_digest(_reset_hash(settings, user, timestamp).encode(), digest.encode())
