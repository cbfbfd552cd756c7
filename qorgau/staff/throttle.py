"""Sign-in guessing (rule 5): a growing wait, never a lock-out (docs/decisions/0014-sign-in.md).

Every attempt first writes a `SignInFailure` row, then counts the failures written before it
(lower id) within the window. Three counts can each ask for a wait:
- the account from this address: after SIGN_IN_FREE_FAILURES;
- this address over all accounts (password spraying): after SIGN_IN_ADDRESS_FREE_FAILURES;
- the account over all addresses (guessing spread over many addresses): after
  SIGN_IN_ACCOUNT_FREE_FAILURES, but only for addresses that have failed for this account. A
  clean address (the consultant at her own desk) is never slowed by another address's guesses.
The wait doubles with each failure past the free ones, from SIGN_IN_FIRST_WAIT_SECONDS up to
SIGN_IN_MAX_WAIT_SECONDS, counted from the last failure. While an attempt must wait, the password
is not even checked and its row is removed (a refused try is not a failure). A right password
removes the failures of that account from that address.

Writing the row before counting makes parallel attempts see each other: of a burst sent the
moment a wait ends, only the first is checked; the others see its row and wait.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from qorgau.core.crypto import secret_digest
from qorgau.staff.models import SignInFailure

ACCOUNT_PURPOSE = "sign-in-account"


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt: `wait` seconds to wait before trying (0: check the password now)."""

    row_id: int | None
    account: str
    address: str
    wait: int


def _account(username: str) -> str:
    return secret_digest(ACCOUNT_PURPOSE, username.strip().lower())


def _wait(failures: QuerySet[SignInFailure], free: int, now: datetime) -> float:
    """Seconds still to wait after these failures, given how many are free."""
    counted = failures.aggregate(n=Count("id"), last=Max("at"))
    if counted["n"] < free:
        return 0.0
    delay = min(
        settings.SIGN_IN_MAX_WAIT_SECONDS,
        settings.SIGN_IN_FIRST_WAIT_SECONDS * 2 ** (counted["n"] - free),
    )
    return max(0.0, (counted["last"] + timedelta(seconds=delay) - now).total_seconds())


def sign_in_begin(*, username: str, address: str) -> Attempt:
    """Record an attempt and say whether its password may be checked now."""
    now = timezone.now()
    account = _account(username)
    since = now - timedelta(seconds=settings.SIGN_IN_WINDOW_SECONDS)
    SignInFailure.objects.filter(at__lt=since).delete()
    row = SignInFailure.objects.create(account=account, address=address, at=now)
    earlier = SignInFailure.objects.filter(pk__lt=row.pk, at__gte=since)
    pair = earlier.filter(account=account, address=address)
    waits = [
        _wait(pair, settings.SIGN_IN_FREE_FAILURES, now),
        _wait(earlier.filter(address=address), settings.SIGN_IN_ADDRESS_FREE_FAILURES, now),
    ]
    if pair.exists():
        waits.append(
            _wait(earlier.filter(account=account), settings.SIGN_IN_ACCOUNT_FREE_FAILURES, now)
        )
    wait = math.ceil(max(waits))
    if wait:
        row.delete()
        return Attempt(row_id=None, account=account, address=address, wait=wait)
    return Attempt(row_id=row.pk, account=account, address=address, wait=0)


def sign_in_succeeded(attempt: Attempt) -> None:
    """The right password: forget this account's failures from this address."""
    SignInFailure.objects.filter(account=attempt.account, address=attempt.address).delete()
