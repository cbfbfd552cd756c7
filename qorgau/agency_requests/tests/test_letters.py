"""Letters as PDF in kk or ru, incoming letters with scans, outbound calls (rules 6(d), 6(i))."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess

import pytest

from qorgau.agency_requests.models import Letter
from qorgau.audit.models import AuditRecord

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not shutil.which("pdftotext") and not os.environ.get("CI"),
        reason="poppler-utils is not installed (CI installs it)",
    ),
]


def _pdf_text(data: bytes, tmp_path) -> str:
    """The PDF's text by poppler's pdftotext (.ci/run installs poppler-utils)."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_outgoing_letter_in_kazakh_as_pdf(api_as, directory, register, tmp_path):
    number = register(direction=4)["number"]
    agency = directory["almaty_education"]
    written = api_as("consultant").post(
        f"/api/v1/appeals/{number}/letters",
        {
            "agency": agency.pk,
            "language": "kk",
            "subject": "Мектептегі қорлау туралы",
            "body": "Құрметті әріптестер! Баланың анасы (ЖСН 900101300027) хабарласты. "
            "Шара қолдануыңызды сұраймыз.",
        },
    )
    assert written.status_code == 201
    letter = Letter.objects.get()
    assert "900101300027" not in letter.body  # rule 15: the education body gets no IIN
    response = api_as("consultant").get(f"/api/v1/letters/{letter.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    assert "«111» байланыс орталығы" in text and "Мектептегі қорлау туралы" in text
    assert "Құрметпен" in text and number in text
    assert AuditRecord.objects.filter(
        action="appeal.view_personal", object_ref=number, reason="letter PDF"
    ).exists()


def test_russian_letter_wording(api_as, directory, register, tmp_path):
    number = register(direction=4, language="ru")["number"]
    letter = (
        api_as("consultant")
        .post(
            f"/api/v1/appeals/{number}/letters",
            {
                "agency": directory["almaty_education"].pk,
                "language": "ru",
                "subject": "О травле в школе",
                "body": "Просим принять меры.",
            },
        )
        .json()
    )
    pdf = api_as("supervisor").get(f"/api/v1/letters/{letter['id']}/pdf").content
    assert "С уважением" in _pdf_text(pdf, tmp_path)


def test_incoming_letter_and_outbound_call_on_the_timeline(api_as, directory, register):
    number = register(direction=4)["number"]
    client = api_as("consultant")
    agency = directory["almaty_education"].pk
    scan = base64.b64encode(b"\x89PNG scan of the answer").decode()
    assert (
        client.post(
            f"/api/v1/appeals/{number}/letters/incoming",
            {
                "agency": agency,
                "subject": "Жауап хат",
                "scan_name": "answer.png",
                "scan_base64": scan,
            },
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"/api/v1/appeals/{number}/calls",
            {
                "agency": agency,
                "number": "+7 727 000 00 00",
                "summary": "Инспектор шығып кетті",
                "result": "reached",
            },
        ).status_code
        == 201
    )
    timeline = client.get(f"/api/v1/appeals/{number}/correspondence").json()
    assert [item["kind"] for item in timeline] == ["incoming", "call"]
    assert timeline[0]["has_scan"] and timeline[1]["text"] == "Инспектор шығып кетті"
    hidden = api_as("quality").get(f"/api/v1/appeals/{number}/correspondence").json()
    assert hidden[1]["text"] is None
    assert (
        api_as("quality")
        .post(
            f"/api/v1/appeals/{number}/calls",
            {"agency": agency, "number": "1", "summary": "x", "result": "busy"},
        )
        .status_code
        == 403
    )


def test_letter_pdf_is_refused_to_roles_without_personal_data(api_as, directory, register):
    number = register(direction=4)["number"]
    letter = (
        api_as("consultant")
        .post(
            f"/api/v1/appeals/{number}/letters",
            {
                "agency": directory["almaty_education"].pk,
                "language": "kk",
                "subject": "Хат",
                "body": "Мәтін",
            },
        )
        .json()
    )
    assert api_as("quality").get(f"/api/v1/letters/{letter['id']}/pdf").status_code == 404
    assert api_as("officer_a").get(f"/api/v1/letters/{letter['id']}/pdf").status_code == 403


def test_scan_that_is_not_base64_is_a_field_error(api_as, directory, register):
    number = register(direction=4)["number"]
    response = api_as("consultant", "en").post(
        f"/api/v1/appeals/{number}/letters/incoming",
        {
            "agency": directory["almaty_education"].pk,
            "subject": "Жауап",
            "scan_name": "a.png",
            "scan_base64": "not base64!",
        },
    )
    assert response.status_code == 422
    assert response.json()["fields"]["scan_base64"] == "Attachments must be base64."
