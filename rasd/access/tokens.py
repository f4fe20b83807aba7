"""Random secrets for API tokens and browser sessions, and the digests the store keeps.

A secret is 32 random bytes (256 bits), URL-safe base64; an API token starts with
``rasd_`` so it is recognisable (in logs, by secret scanners). Such a secret is
unguessable, so a plain SHA-256 digest is enough to store it: the database alone
never yields a usable credential.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "rasd_"


def new_secret(prefix: str = "") -> str:
    """``prefix`` and 43 URL-safe characters of fresh randomness."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The SHA-256 hex digest of ``secret``: what the store looks a token or session up by."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_id() -> str:
    """A random identifier (32 hex digits) for a stored token; not a secret."""
    return secrets.token_hex(16)
