"""`qorgau demo-code USERNAME`: the current second-factor code of a demo user's authenticator
(the demo administrator and auditor, rule 5), and its key for a phone app. Works only for the
authenticator the demo made; a real user's code comes only from their own phone."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.demo.loader import DEMO_DEVICE
from qorgau.staff.second_factor import device_secret


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo user (the last line)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        device = TOTPDevice.objects.filter(
            user__username=options["username"], name=DEMO_DEVICE, confirmed=True
        ).first()
        if device is None:
            raise CommandError(f"{options['username']!r} has no demo authenticator")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        left = device.step - int(totp.time - device.t0) % device.step
        self.stderr.write(
            f"Key for an authenticator app: {device_secret(device)}. The code below works once, "
            f"for {left} more seconds:"
        )
        self.stdout.write(f"{totp.token():0{device.digits}d}")
