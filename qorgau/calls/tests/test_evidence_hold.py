"""Evidence is never deleted while it is demanded (rule 6(p)): the retention sweep keeps a
recording named in an undecided written demand, and in an approved one while its access is
open; access runs until the later of the approval plus DEMAND_ACCESS_DAYS and the demand's own
deadline. A rejected demand, or one whose access has ended, holds nothing."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from qorgau.audit.models import AuditRecord
from qorgau.calls.models import Recording, RecordingDemand
from qorgau.calls.recordings import recording_expire_due
from qorgau.calls.tests import test_recordings as base
from qorgau.calls.tests.test_recordings import register_demand, wav
from qorgau.core.kztime import KZ_TZ, kz_today

pytestmark = pytest.mark.django_db
# The recordings' fixtures: a phone system, a call of it with a stored recording, a storage.
pbx, call, recorded, recordings_dir = base.pbx, base.call, base.recorded, base.recordings_dir


def _expire_now() -> None:
    Recording.objects.update(delete_after=timezone.now() - timedelta(minutes=1))


def _decide(api_as, demand_id: int, approve: bool) -> dict:
    response = api_as("supervisor").post(
        f"/api/v1/demands/{demand_id}/decision", {"approve": approve}
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_undecided_demand_keeps_the_file_and_the_recipient_downloads_it_after_approval(
    api_as, recorded, django_capture_on_commit_callbacks
):
    demand_id = register_demand(api_as, str(recorded.pk)).json()["id"]
    _expire_now()
    with django_capture_on_commit_callbacks(execute=True):
        assert recording_expire_due() == 0
    assert Recording.objects.get().deleted_at is None
    _decide(api_as, demand_id, approve=True)
    download = api_as("auditor").get(f"/api/v1/calls/{recorded.pk}/recording")
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(wav()).hexdigest()


def test_an_undecided_demand_past_its_deadline_still_holds(api_as, recorded):
    register_demand(api_as, str(recorded.pk), deadline=str(kz_today()))
    RecordingDemand.objects.update(deadline=kz_today() - timedelta(days=30))
    _expire_now()
    assert recording_expire_due() == 0


def test_approved_demand_holds_while_access_is_open_then_the_file_goes_and_is_audited(
    api_as, recorded, recordings_dir, django_capture_on_commit_callbacks
):
    demand_id = register_demand(api_as, str(recorded.pk)).json()["id"]
    _decide(api_as, demand_id, approve=True)
    _expire_now()
    assert recording_expire_due() == 0
    RecordingDemand.objects.update(access_until=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert recording_expire_due() == 1
    recording = Recording.objects.get()
    assert recording.deleted_at is not None
    assert not (recordings_dir / recording.storage_key).exists()
    assert AuditRecord.objects.filter(
        action="recording.delete", object_ref=str(recorded.pk)
    ).exists()
    assert api_as("auditor").get(f"/api/v1/calls/{recorded.pk}/recording").status_code == 403


def test_a_rejected_demand_no_longer_holds(api_as, recorded):
    demand_id = register_demand(api_as, str(recorded.pk)).json()["id"]
    _decide(api_as, demand_id, approve=False)
    _expire_now()
    assert recording_expire_due() == 1


def test_one_open_demand_is_enough_even_beside_a_rejected_one(api_as, recorded):
    rejected = register_demand(api_as, str(recorded.pk)).json()["id"]
    _decide(api_as, rejected, approve=False)
    register_demand(api_as, str(recorded.pk), number="04-12/346")
    _expire_now()
    assert recording_expire_due() == 0


def test_access_runs_to_the_end_of_a_later_deadline(api_as, recorded, settings):
    settings.DEMAND_ACCESS_DAYS = 14
    deadline = kz_today() + timedelta(days=40)
    demand_id = register_demand(api_as, str(recorded.pk), deadline=str(deadline)).json()["id"]
    decided = _decide(api_as, demand_id, approve=True)
    end_of_deadline = datetime.combine(deadline + timedelta(days=1), time.min, tzinfo=KZ_TZ)
    assert datetime.fromisoformat(decided["access_until"]) == end_of_deadline


def test_access_runs_the_configured_days_when_the_deadline_is_sooner(api_as, recorded, settings):
    settings.DEMAND_ACCESS_DAYS = 14
    demand_id = register_demand(
        api_as, str(recorded.pk), deadline=str(kz_today() + timedelta(days=2))
    ).json()["id"]
    before = timezone.now()
    until = datetime.fromisoformat(_decide(api_as, demand_id, approve=True)["access_until"])
    assert before + timedelta(days=14) <= until <= timezone.now() + timedelta(days=14)


def test_a_demand_for_other_calls_holds_nothing_here(api_as, recorded):
    demand_id = register_demand(api_as, str(recorded.pk)).json()["id"]
    RecordingDemand.objects.get(pk=demand_id).calls.clear()  # an undecided demand naming none
    _expire_now()
    assert recording_expire_due() == 1
