"""The demo directory covers every region and direction, and loads idempotently."""

from __future__ import annotations

import pytest

from qorgau.agencies.directory_data import AGENCIES, check
from qorgau.agencies.loader import load_directory
from qorgau.agencies.models import Agency, AgencyContact
from qorgau.reference.models import Direction, Region

pytestmark = pytest.mark.django_db


def test_directory_data_has_no_gaps():
    assert check() == []


def test_loaded_directory_covers_all_regions_and_directions():
    assert load_directory() == len(AGENCIES)
    assert load_directory() == 0  # twice changes nothing
    for region in Region.objects.all():
        regional = Agency.objects.filter(region=region)
        assert regional.filter(kind="commissioner").exists(), region.code
        assert regional.filter(kind="duty", round_the_clock=True).count() == 3, region.code
    for direction in Direction.objects.all():
        assert Agency.objects.filter(directions=direction, region__isnull=True).exists()
    assert (
        not AgencyContact.objects.filter(channel="email")
        .exclude(address__endswith=".invalid")
        .exists()
    )
    webhooks = AgencyContact.objects.filter(channel="webhook")
    assert webhooks.exists() and not webhooks.filter(secret="").exists()
