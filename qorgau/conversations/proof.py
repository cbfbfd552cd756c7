"""A light proof of work on the public form (rule 5: abuse without outside services). The page
carries a challenge signed by the server (django.core.signing, with a timestamp and a random
salt); a small static script (static/conversations/proof.js) finds a nonce such that
sha256(challenge + nonce) starts with WRITE_PROOF_BITS zero bits (2**16 tries on average:
well under a second on a phone) and fills a hidden field. The server checks the signature, the
age (WRITE_PROOF_MAX_AGE_SECONDS) and single use: a digest of every spent challenge is kept in
`UsedChallenge` until it would have expired, so two processes agree.

Without script the nonce is empty: the form is still accepted (a child is never locked out),
but counted against a much stricter per-address limit (abuse.unproven_allowed). A nonce that is
wrong, a forged, stale or spent challenge is refused (422) and nothing is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.conversations.models import UsedChallenge
from qorgau.core.errors import FieldErrors

SALT = "qorgau.conversations.write-proof"
FIELD_CHALLENGE = "proof_challenge"
FIELD_NONCE = "proof_nonce"


def challenge_new() -> str:
    """A fresh challenge for one form: random, signed and timestamped."""
    return signing.TimestampSigner(salt=SALT).sign(secrets.token_urlsafe(12))


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def solve(challenge: str, bits: int) -> str:
    """The nonce the browser's script finds (for tests and the benchmark)."""
    nonce = 0
    while leading_zero_bits(hashlib.sha256(f"{challenge}{nonce}".encode()).digest()) < bits:
        nonce += 1
    return str(nonce)


def _refuse() -> FieldErrors:
    return FieldErrors(
        _("The form has expired or was already sent. Please send it again."),
        code="proof_invalid",
    )


def proof_check(challenge: str, nonce: str) -> bool:
    """True when the form carries a solved challenge, spent now; False when it carries none (the
    no-script fallback); FieldErrors (422) for a wrong nonce or a forged, stale or spent one."""
    challenge, nonce = challenge[:200], nonce[:24]
    if not nonce or not challenge:  # no script, or a form rendered without a challenge
        return False
    max_age = settings.WRITE_PROOF_MAX_AGE_SECONDS
    try:
        signing.TimestampSigner(salt=SALT).unsign(challenge, max_age=max_age)
    except signing.BadSignature as exc:  # SignatureExpired is one too
        raise _refuse() from exc
    digest = hashlib.sha256(f"{challenge}{nonce}".encode()).digest()
    if not nonce.isdigit() or leading_zero_bits(digest) < settings.WRITE_PROOF_BITS:
        raise _refuse()
    now = timezone.now()
    try:
        with transaction.atomic():
            UsedChallenge.objects.create(
                digest=hashlib.sha256(challenge.encode()).hexdigest(),
                expires_at=now + timedelta(seconds=max_age),
            )
    except IntegrityError as exc:
        raise _refuse() from exc
    UsedChallenge.objects.filter(expires_at__lt=now).delete()
    return True
