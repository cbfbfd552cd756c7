"""The attachments API (/api/v1/appeals/{number}/attachments, /api/v1/attachments/{id}) as every
persona: the same rules as the page, with the error codes of docs/api-errors.md."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qorgau.audit.models import AuditRecord
from qorgau.casework.models import Attachment
from qorgau.casework.tests.test_attachments import (  # noqa: F401 - fixtures
    ATTACHERS,
    EXE,
    PDF,
    attachments_dir,
    stored_files,
)
from qorgau.testing import PERSONA_NAMES

pytestmark = pytest.mark.django_db
APPEAL_VIEWERS = {"quality", "commissioner", "national_commissioner", "auditor"} | ATTACHERS


def post_file(api, number: str, data: bytes = PDF, name: str = "Айгүл.pdf"):
    file = SimpleUploadedFile(name, data, content_type="application/pdf")
    return api.client.post(
        f"/api/v1/appeals/{number}/attachments", {"file": file}, headers=api.headers
    )


def delete(api, attachment_id: int, reason: str = "Қате өтінішке тіркелген"):
    return api.client.delete(
        f"/api/v1/attachments/{attachment_id}",
        json.dumps({"reason": reason}),
        content_type="application/json",
        headers=api.headers,
    )


@pytest.fixture
def number(register) -> str:
    return register()["number"]


@pytest.fixture
def attached(api_as, number) -> int:
    response = post_file(api_as("consultant"), number)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_upload(api_as, number, persona, attachments_dir):  # noqa: F811
    response = post_file(api_as(persona), number)
    if persona in ATTACHERS:
        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "Айгүл.pdf" and body["content_type"] == "application/pdf"
        assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["removable"] is True
    else:
        assert response.status_code == 403
        assert not Attachment.objects.exists() and not stored_files(attachments_dir)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_list(api_as, number, attached, persona):
    response = api_as(persona).get(f"/api/v1/appeals/{number}/attachments")
    if persona not in APPEAL_VIEWERS:
        assert response.status_code == 403
        return
    body = response.json()
    assert body["count"] == 1
    if persona in ATTACHERS:
        assert [i["name"] for i in body["items"]] == ["Айгүл.pdf"]
    else:
        assert body["items"] is None


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_download(api_as, attached, persona):
    response = api_as(persona).get(f"/api/v1/attachments/{attached}")
    if persona in ATTACHERS:
        assert response.status_code == 200 and b"".join(response) == PDF
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    else:
        assert response.status_code == 403
    downloads = AuditRecord.objects.filter(action="attachment.download").count()
    assert downloads == (1 if persona in ATTACHERS else 0)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_delete(api_as, attached, persona):
    response = delete(api_as(persona), attached)
    removed = Attachment.objects.get().removed_at is not None
    assert (response.status_code, removed) == (
        (200, True) if persona in ATTACHERS else (403, False)
    )


def test_refusals_carry_their_codes_in_the_request_language(api_as, number, attached):
    refused = post_file(api_as("consultant", "ru"), number, data=EXE, name="a.pdf")
    assert refused.status_code == 422 and refused.json()["code"] == "file_kind_refused"
    assert "Файл такого типа прикрепить нельзя" in refused.json()["fields"]["file"]
    Attachment.objects.update(uploaded_at=timezone.now() - timedelta(hours=1))
    late = delete(api_as("consultant", "kk"), attached)
    assert late.status_code == 409 and late.json()["code"] == "attachment_undo_passed"
    assert "супервайзер" in late.json()["detail"]
    unknown = api_as("consultant").get("/api/v1/attachments/999999")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"


def test_a_removed_file_is_gone_from_the_list_and_the_download(api_as, number, attached):
    supervisor = api_as("supervisor")
    assert delete(supervisor, attached).status_code == 200
    assert delete(supervisor, attached).status_code == 404  # already removed: not there
    assert supervisor.get(f"/api/v1/attachments/{attached}").status_code == 404
    listed = supervisor.get(f"/api/v1/appeals/{number}/attachments").json()
    assert listed == {"count": 0, "items": []}


def test_an_upload_over_the_body_limit_is_refused_before_it_is_read(api_as, number, settings):
    from qorgau.core.middleware import BodySizeLimitMiddleware

    limit = BodySizeLimitMiddleware(lambda request: None).limit(
        f"/api/v1/appeals/{number}/attachments"
    )
    assert limit == settings.ATTACHMENT_MAX_BYTES + settings.MAX_BODY_BYTES
    assert BodySizeLimitMiddleware(lambda r: None).limit(f"/appeals/{number}/attachments/") == limit
