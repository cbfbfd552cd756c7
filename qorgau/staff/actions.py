"""State changes for staff: accounts (deactivate), API tokens (issue, revoke) and the second
factor (enrol, verify)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.audit.actions import audit_record
from qorgau.audit.events import AuditEvent
from qorgau.core.crypto import secret_digest
from qorgau.staff.models import ApiToken, User

TOKEN_PURPOSE = "api-token"  # noqa: S105 - a hash domain label, not a secret


def token_issue(*, owner: User, label: str = "", days: int | None = None) -> str:
    """Create a token for `owner`, valid for `days` (default API_TOKEN_DAYS), and return it; it
    cannot be shown again. Issued by an operator on the command line (`qorgau token`), so no
    actor is named."""
    days = settings.API_TOKEN_DAYS if days is None else days
    token = "qg_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=owner,
        digest=secret_digest(TOKEN_PURPOSE, token),
        label=label,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token


def token_revoke(*, actor: User, token: ApiToken) -> None:
    """Stop a token from working now (rule 5); revoking twice changes nothing."""
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().get(pk=token.pk)
        if row.revoked_at is not None:
            return
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditEvent.TOKEN_REVOKE,
            object_type="staff.apitoken",
            object_ref=str(row.pk),
            reason="administration",
        )


def user_deactivate(*, actor: User, user: User) -> None:
    """Stop an account from signing in; its sessions and tokens stop working at once, since
    both check that the user is active. Deactivating twice changes nothing."""
    with transaction.atomic():
        row = User.objects.select_for_update().get(pk=user.pk)
        if not row.is_active:
            return
        row.is_active = False
        row.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=AuditEvent.ADMIN_CHANGE,
            object_type="staff.user",
            object_ref=str(row.pk),
            reason="administration",
            details={"fields": ["is_active"]},
        )


def token_user(token: str) -> User | None:
    """The active user a token belongs to, while the token is neither expired nor revoked."""
    row = (
        ApiToken.objects.select_related("user")
        .filter(
            digest=secret_digest(TOKEN_PURPOSE, token),
            user__is_active=True,
            expires_at__gt=timezone.now(),
            revoked_at__isnull=True,
        )
        .first()
    )
    return row.user if row else None


def second_factor_enrol(*, actor: User, device: TOTPDevice, code: str) -> bool:
    """Confirm the authenticator the actor is enrolling with a code it shows; False if wrong."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=actor)
        if locked.confirmed or not locked.verify_token(code):
            return False
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor).exclude(pk=locked.pk).delete()
        audit_record(
            actor=actor,
            action=AuditEvent.SECOND_FACTOR_ENROL,
            object_type="staff.user",
            object_ref=str(actor.pk),
        )
    device.refresh_from_db()
    return True


def second_factor_check(*, actor: User, code: str) -> TOTPDevice | None:
    """The actor's confirmed authenticator that accepts `code`, or None. Wrong codes make the
    next check wait longer (django-otp's throttle, kept on the device row)."""
    with transaction.atomic():
        for device in TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True):
            if device.verify_token(code):
                return device
    return None
