"""Recordings (decision 0008): uploaded by the phone system, stored encrypted with a
checksum, deleted after the retention period (audited), and heard only by the recipient of an
approved written demand (rule 6(p)) or by the quality officer reviewing the call."""

from __future__ import annotations

import hashlib
import io
import wave
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from qorgau.appeals.tests.test_permissions import ALL
from qorgau.audit.models import AuditRecord
from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call, Recording, RecordingDemand
from qorgau.calls.recordings import recording_expire_due
from qorgau.core.kztime import kz_today

pytestmark = pytest.mark.django_db
EVERYONE = ALL  # every persona of qorgau/testing.py


def wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(int(rate * seconds) * 2))
    return buffer.getvalue()


OGG = b"OggS" + bytes(60)
MP3 = b"ID3" + bytes(60)


@pytest.fixture(autouse=True)
def recordings_dir(settings, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "recordings": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def pbx(client):
    system, token = phone_system_register(name="Asterisk 111")
    headers = {"Authorization": f"Bearer {token}"}

    def put(call_id: str, data: bytes, content_type: str = "audio/wav", **extra_headers):
        return client.put(
            f"/api/v1/calls/{call_id}/recording",
            data,
            content_type=content_type,
            headers={**headers, **extra_headers},
        )

    put.system = system
    return put


@pytest.fixture
def call(pbx) -> Call:
    return Call.objects.create(
        phone_system=pbx.system, call_id="c-7", line="kk", state="ended", extension="201"
    )


def test_upload_is_stored_encrypted_with_its_checksum(pbx, call, recordings_dir):
    audio = wav()
    response = pbx("c-7", audio)
    assert response.status_code == 201, response.content
    recording = Recording.objects.get(call=call)
    assert recording.sha256 == hashlib.sha256(audio).hexdigest() == response.json()["sha256"]
    stored = (recordings_dir / recording.storage_key).read_bytes()
    assert not stored.startswith(b"RIFF") and b"WAVE" not in stored and audio not in stored
    assert AuditRecord.objects.filter(action="recording.store", object_ref=str(call.pk)).exists()


def test_ogg_and_mp3_too_and_a_large_file_passes_the_1_mb_limit(pbx):
    for n, (body, kind) in enumerate([(OGG, "audio/ogg"), (MP3, "audio/mpeg")]):
        Call.objects.create(phone_system=pbx.system, call_id=f"x{n}")
        assert pbx(f"x{n}", body, kind).status_code == 201
        with storages["recordings"].open(Recording.objects.latest("pk").storage_key) as f:
            assert not f.read().startswith(body[:4])
    Call.objects.create(phone_system=pbx.system, call_id="long")
    assert pbx("long", wav(seconds=130)).status_code == 201  # about 2 MB


def test_repeat_is_harmless_and_other_audio_is_refused(pbx, call):
    audio = wav()
    assert pbx("c-7", audio).status_code == 201
    assert pbx("c-7", audio).status_code == 200
    refused = pbx("c-7", wav(seconds=1))
    assert refused.status_code == 409
    assert Recording.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "content_type", "field"),
    [
        (b"plain text, not audio", "audio/wav", "body"),
        (OGG, "audio/wav", "body"),
        (wav(), "text/plain", "content_type"),
        (b"", "audio/wav", "body"),
    ],
)
def test_what_is_not_audio_gets_a_field_error_in_the_callers_language(
    pbx, call, body, content_type, field
):
    response = pbx("c-7", body, content_type, **{"Accept-Language": "ru"})
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert any("\u0400" <= ch <= "\u04ff" for ch in response.json()["fields"][field])
    assert not Recording.objects.exists()


def test_unknown_call_and_missing_token(pbx, client):
    assert pbx("nope", wav()).status_code == 404
    anonymous = client.put("/api/v1/calls/c-7/recording", wav(), content_type="audio/wav")
    assert anonymous.status_code == 401


@pytest.fixture
def recorded(pbx, call) -> Call:
    assert pbx("c-7", wav()).status_code == 201
    return call


@pytest.mark.parametrize("persona", EVERYONE)
def test_no_role_can_listen_by_default(api_as, recorded, persona):
    assert api_as(persona).get(f"/api/v1/calls/{recorded.pk}/recording").status_code == 403


def register_demand(api_as, call_ids: str, **fields):
    auditor = api_as("auditor")
    data = {
        "number": "04-12/345",
        "dated": str(kz_today() - timedelta(days=1)),
        "signer": "Deputy Minister",
        "deadline": str(kz_today() + timedelta(days=10)),
        "calls": call_ids,
        "scan": SimpleUploadedFile("demand.pdf", b"%PDF-1.4 signed demand"),
        **fields,
    }
    return auditor.client.post("/api/v1/demands", data, headers=auditor.headers)


def test_written_demand_opens_the_recording_to_its_recipient_only(api_as, recorded):
    registered = register_demand(api_as, str(recorded.pk))
    assert registered.status_code == 201, registered.content
    demand_id = registered.json()["id"]
    path = f"/api/v1/calls/{recorded.pk}/recording"
    assert api_as("auditor").get(path).status_code == 403  # not approved yet
    assert (
        api_as("consultant")
        .post(f"/api/v1/demands/{demand_id}/decision", {"approve": True})
        .status_code
        == 403
    )
    approved = api_as("supervisor").post(f"/api/v1/demands/{demand_id}/decision", {"approve": True})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    download = api_as("auditor").get(path)
    assert download.status_code == 200
    assert download.content.startswith(b"RIFF") and download["Cache-Control"] == "no-store"
    for persona in set(EVERYONE) - {"auditor"}:
        assert api_as(persona).get(path).status_code == 403, persona
    assert (
        AuditRecord.objects.filter(action="recording.download", object_ref=str(recorded.pk)).count()
        == 1
    )
    RecordingDemand.objects.update(access_until=timezone.now() - timedelta(seconds=1))
    assert api_as("auditor").get(path).status_code == 403  # the window has closed


def test_a_rejected_demand_gives_nothing_and_cannot_be_decided_twice(api_as, recorded):
    demand_id = register_demand(api_as, str(recorded.pk)).json()["id"]
    decide = api_as("supervisor").post
    assert decide(f"/api/v1/demands/{demand_id}/decision", {"approve": False}).status_code == 200
    assert decide(f"/api/v1/demands/{demand_id}/decision", {"approve": True}).status_code == 409
    assert api_as("auditor").get(f"/api/v1/calls/{recorded.pk}/recording").status_code == 403


def test_demand_recipient_is_another_auditor(api_as, make_user, recorded):
    other = make_user("auditor2", "auditor")
    from qorgau.staff.actions import token_issue
    from qorgau.testing import ApiClient

    demand_id = register_demand(api_as, str(recorded.pk), recipient="auditor2").json()["id"]
    api_as("supervisor").post(f"/api/v1/demands/{demand_id}/decision", {"approve": True})
    path = f"/api/v1/calls/{recorded.pk}/recording"
    assert ApiClient(token_issue(owner=other)).get(path).status_code == 200
    assert api_as("auditor").get(path).status_code == 403  # registered it, is not the recipient


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"calls": "999999"}, "calls"),
        ({"calls": "1; drop table"}, "calls"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"recipient": "consultant"}, "recipient"),
    ],
)
def test_bad_demands_are_refused_per_field(api_as, recorded, fields, field):
    response = register_demand(api_as, str(recorded.pk), **fields)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not RecordingDemand.objects.exists()


@pytest.mark.parametrize("persona", sorted(set(EVERYONE) - {"auditor"}))
def test_only_an_auditor_registers_demands(api_as, recorded, persona):
    client = api_as(persona)
    response = client.client.post(
        "/api/v1/demands",
        {
            "number": "1",
            "dated": "2026-01-01",
            "signer": "x",
            "deadline": "2026-02-01",
            "calls": str(recorded.pk),
            "scan": SimpleUploadedFile("a.pdf", b"%PDF"),
        },
        headers=client.headers,
    )
    assert response.status_code == 403


def test_demands_near_their_deadline_are_flagged(api_as, recorded):
    register_demand(api_as, str(recorded.pk), deadline=str(kz_today() + timedelta(days=1)))
    register_demand(api_as, str(recorded.pk), deadline=str(kz_today() + timedelta(days=20)))
    listed = api_as("supervisor").get("/api/v1/demands").json()
    assert [d["near_deadline"] for d in listed] == [True, False]
    assert api_as("consultant").get("/api/v1/demands").status_code == 403


def test_quality_officer_listens_only_while_the_review_is_assigned(api_as, make_user, recorded):
    path = f"/api/v1/calls/{recorded.pk}/recording"
    task = api_as("supervisor").post(
        "/api/v1/review-tasks", {"call": recorded.pk, "assignee": "quality"}
    )
    assert task.status_code == 201, task.content
    assert api_as("quality").get(path).status_code == 200
    assert api_as("quality").get("/api/v1/review-tasks").json()[0]["call"] == recorded.pk
    assert AuditRecord.objects.filter(action="recording.listen").count() == 1
    assert api_as("consultant").get(path).status_code == 403
    closed = api_as("quality").post(f"/api/v1/review-tasks/{task.json()['id']}/close")
    assert closed.status_code == 200
    assert api_as("quality").get(path).status_code == 403


def test_review_goes_only_to_a_quality_officer(api_as, recorded):
    wrong = api_as("supervisor").post(
        "/api/v1/review-tasks", {"call": recorded.pk, "assignee": "consultant"}
    )
    assert wrong.status_code == 422
    assert (
        api_as("consultant")
        .post("/api/v1/review-tasks", {"call": recorded.pk, "assignee": "quality"})
        .status_code
        == 403
    )


def test_retention_deletes_expired_recordings_and_audits_it(
    api_as, recorded, recordings_dir, django_capture_on_commit_callbacks
):
    recording = Recording.objects.get()
    Recording.objects.update(delete_after=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert recording_expire_due() == 1
    recording.refresh_from_db()
    assert recording.deleted_at is not None
    assert not (recordings_dir / recording.storage_key).exists()
    audit = AuditRecord.objects.get(action="recording.delete")
    assert audit.object_ref == str(recorded.pk) and audit.actor_id is None
    assert recording_expire_due() == 0  # nothing twice


def test_retention_waits_for_an_open_demand(api_as, recorded):
    demand_id = register_demand(api_as, str(recorded.pk)).json()["id"]
    api_as("supervisor").post(f"/api/v1/demands/{demand_id}/decision", {"approve": True})
    Recording.objects.update(delete_after=timezone.now() - timedelta(minutes=1))
    assert recording_expire_due() == 0
    assert api_as("auditor").get(f"/api/v1/calls/{recorded.pk}/recording").status_code == 200
    RecordingDemand.objects.update(access_until=timezone.now() - timedelta(seconds=1))
    assert recording_expire_due() == 1


def test_the_scan_is_stored_encrypted(api_as, recorded, recordings_dir):
    register_demand(api_as, str(recorded.pk))
    scan = recordings_dir / RecordingDemand.objects.get().scan_key
    assert b"%PDF" not in scan.read_bytes()


def test_the_checksum_is_checked_on_read(api_as, recorded, recordings_dir):
    recording = Recording.objects.get()
    Recording.objects.update(sha256="0" * 64)
    api_as("supervisor").post("/api/v1/review-tasks", {"call": recorded.pk, "assignee": "quality"})
    assert api_as("quality").get(f"/api/v1/calls/{recorded.pk}/recording").status_code == 409
    with connection.cursor() as cursor:
        cursor.execute("SELECT sha256 FROM calls_recording WHERE id = %s", [recording.pk])
        assert cursor.fetchone()[0] == "0" * 64


def test_key_rotation_rewrites_recordings(api_as, recorded, recordings_dir, settings):
    import base64
    import secrets

    from django.core.management import call_command

    from qorgau.calls.recordings import recording_audio

    audio_before = recording_audio(Recording.objects.get())
    new_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    settings.FIELD_KEYS = [new_key, *settings.FIELD_KEYS]
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)  # core's command reaches the files through a signal
    assert "Re-encrypted 1 recordings and scans." in out.getvalue()
    settings.FIELD_KEYS = [new_key]  # the old key is gone
    assert recording_audio(Recording.objects.get()) == audio_before
