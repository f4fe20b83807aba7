"""Passwords: argon2id hashes (argon2-cffi) and the policy a new password must meet.

>>> h = hash_password("correct horse battery")
>>> verify_password(h, "correct horse battery"), verify_password(h, "wrong")
(True, False)

The hasher uses argon2-cffi's defaults (RFC 9106 low-memory profile). Tests may
make it fast with :func:`configure`; nothing else should call it.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rasd.exceptions import RasdError

MIN_LENGTH = 12

_hasher = PasswordHasher()


def configure(time_cost: int, memory_cost: int) -> None:
    """Replace the hasher's cost parameters (for tests: cheap hashes, same algorithm).

    ``memory_cost`` is in KiB and must be at least 8 per lane (argon2-cffi's default
    parallelism is 4, so at least 32)."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted; an encoded string with its parameters)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True if ``password`` matches; False for a mismatch or a malformed stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        # VerifyMismatchError is a VerificationError: a wrong password is an answer, not an error.
        return False


def needs_rehash(password_hash: str) -> bool:
    """True if the hash was made with other parameters than the current hasher's
    (or cannot be parsed), so it should be replaced after the next successful login."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def check_password(password: str, username: str) -> None:
    """Raise :class:`RasdError` (never echoing the password) unless it meets the policy:
    at least ``MIN_LENGTH`` characters, and not the username nor containing it."""
    if len(password) < MIN_LENGTH:
        raise RasdError(
            "password",
            f"has {len(password)} characters; at least {MIN_LENGTH} are needed",
            "choose a longer password, e.g. a passphrase of several unrelated words",
        )
    name = username.strip().casefold()
    if name and name in password.casefold():
        raise RasdError(
            "password",
            f"contains the username {username!r}",
            "choose a password that does not contain the username",
        )
