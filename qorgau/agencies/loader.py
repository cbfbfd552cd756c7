"""Loading the agency directory from directory_data (demo and first installation): agencies,
their competence and their contacts. Idempotent by each agency's key."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import transaction

from qorgau.agencies.directory_data import AGENCIES, AgencyEntry
from qorgau.agencies.models import Agency, AgencyContact, ContactChannel
from qorgau.reference.models import Direction, Region
from qorgau.workdays.schedule import ROUND_THE_CLOCK, STANDARD_OFFICE_HOURS


def _contacts(agency: Agency, entry: AgencyEntry) -> None:
    wanted = [(ContactChannel.EMAIL, entry.email)]
    if entry.webhook:
        wanted.append((ContactChannel.WEBHOOK, f"{settings.QORGAU_DEMO_WEBHOOK_BASE}{entry.key}"))
    if entry.phone:
        wanted.append((ContactChannel.PHONE, entry.phone))
    for channel, address in wanted:
        AgencyContact.objects.get_or_create(
            agency=agency,
            channel=channel,
            address=address,
            defaults={"secret": secrets.token_urlsafe(32) if channel == "webhook" else ""},
        )


def load_directory() -> int:
    """Create the agencies of directory_data that are missing; returns how many were new."""
    regions = {r.code: r for r in Region.objects.all()}
    directions = {int(d.code): d for d in Direction.objects.all()}
    created = 0
    for entry in AGENCIES:
        with transaction.atomic():
            schedule = ROUND_THE_CLOCK if entry.round_the_clock else STANDARD_OFFICE_HOURS
            agency, new = Agency.objects.get_or_create(
                key=entry.key,
                defaults={
                    "kind": entry.kind,
                    "name_kk": entry.name_kk,
                    "name_ru": entry.name_ru,
                    "name_en": entry.name_en,
                    "region": regions.get(entry.region or ""),
                    "round_the_clock": entry.round_the_clock,
                    "schedule": schedule.to_json(),
                },
            )
            if new:
                agency.directions.set([directions[n] for n in entry.directions])
                created += 1
            _contacts(agency, entry)
    return created
