"""Encryption of personal data at rest and keyed hashes for look-ups (rules 5 and 15).

Fields are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`); several keys
may be configured so that keys rotate: the first encrypts, every key decrypts, and
`qorgau rotate-keys` re-encrypts stored values under the first. A blind index is an HMAC of the
normalised value under a separate key: equal values give equal hashes, so a caller's earlier
appeals are found without decrypting anything.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _multi_fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "QORGAU_FIELD_KEYS holds a key that is not a Fernet key"
        ) from exc


def _fernet() -> MultiFernet:
    return _multi_fernet(tuple(settings.FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with any key in QORGAU_FIELD_KEYS"
        ) from exc


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a file's content (recordings, scans): a Fernet token, so the stored bytes start
    with no recognisable header."""
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(token)
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored file cannot be decrypted with any key in QORGAU_FIELD_KEYS"
        ) from exc


def rotate_bytes(token: bytes) -> bytes:
    return _fernet().rotate(token)


def rotate(token: str) -> str:
    """Re-encrypt a stored token under the first (current) key."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


def blind_index(kind: str, normalised_value: str) -> str:
    """Keyed hash of an already normalised value; `kind` keeps IIN and phone hashes apart."""
    message = f"{kind}:{normalised_value}".encode()
    return hmac.new(settings.BLIND_INDEX_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]


def secret_digest(purpose: str, value: str) -> str:
    """Keyed hash of a secret we must check but never show again (status codes, API tokens)."""
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
