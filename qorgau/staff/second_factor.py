"""The second factor (rule 5): a TOTP code from an authenticator app (django-otp).

Required for the administrator and the ministry auditor; any other user may enrol, and then is
asked for the code at every sign-in too. A session counts as verified once django-otp's
`login` has stored the device in it (`request.user.is_verified()`).
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.http import HttpRequest
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.core.roles import Role
from qorgau.staff.models import User

REQUIRED_FOR = frozenset({Role.ADMIN, Role.AUDITOR})
# Set at sign-in for a user who enrolled although their role does not require it.
ENROLLED_SESSION_KEY = "qorgau_second_factor"


def second_factor_required(user: User) -> bool:
    """The role must show a second factor before anything else."""
    return user.role in REQUIRED_FOR


def second_factor_enrolled(user: User) -> bool:
    """The user has a confirmed authenticator."""
    return bool(user_has_device(user, confirmed=True))


def awaits_second_factor(request: HttpRequest) -> bool:
    """A signed-in user who must still give a code in this session."""
    user = request.user
    if not isinstance(user, User) or user.is_verified():  # type: ignore[attr-defined]
        return False
    return second_factor_required(user) or bool(request.session.get(ENROLLED_SESSION_KEY))


def pending_device(user: User) -> TOTPDevice:
    """The authenticator being enrolled: the user's unconfirmed one, or a new one."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def device_secret(device: TOTPDevice) -> str:
    """The key in base32, for typing into an authenticator app by hand."""
    return b32encode(device.bin_key).decode()


def device_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address of the device as an inline SVG QR code."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=5, border=2))
