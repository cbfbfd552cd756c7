"""Files attached to an appeal (rule 5): who may attach, list, download and remove them on the page
and through the API; what is refused (by the bytes, not the name) and that a refusal writes
nothing; the bytes at rest are ciphertext and come back unchanged; every step is audited;
`qorgau rotate-keys` re-encrypts them; the timeline names them only for personal-data roles."""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qorgau.audit.models import AuditRecord
from qorgau.casework.actions import attachment_add
from qorgau.casework.models import Attachment
from qorgau.core.files import sniff
from qorgau.testing import PERSONA_NAMES, signed_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200)
ATTACHERS = {"consultant", "supervisor"}
APPEAL_VIEWERS = {"consultant", "supervisor", "quality", "commissioner", "national_commissioner"}
APPEAL_VIEWERS |= {"auditor"}


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text"
        )  # stored, first
        z.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.fixture(autouse=True)
def attachments_dir(settings, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def number(personas, register) -> str:
    return register()["number"]


def upload(client, number: str, name: str = "Айгүл арызы.pdf", data: bytes = PDF, **extra):
    file = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(f"/appeals/{number}/attachments/", {"file": file}, **extra)


@pytest.fixture
def attached(personas, number) -> Attachment:
    return attachment_add(
        actor=personas["consultant"], appeal=_appeal(number), name="Айгүл арызы.pdf", data=PDF
    )


def _appeal(number: str):
    from qorgau.appeals.models import Appeal

    return Appeal.objects.get(number=number)


# --- what the bytes are -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (b"\xff\xd8\xff\xe0" + bytes(20), "jpeg"),
        (b"\x89PNG\r\n\x1a\n" + bytes(20), "png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav"),
        (b"OggS" + bytes(20), "ogg"),
        (b"ID3" + bytes(20), "mp3"),
        ("Сәлем, бұл мәтін.\n".encode(), "text"),
        (docx(), "docx"),
        (odt(), "odt"),
        (EXE, ""),
        (b"PK\x03\x04" + bytes(40), ""),  # a zip that is not a document
        (b"text with a \x00 NUL", ""),
        (b"", ""),
    ],
)
def test_the_kind_comes_from_the_bytes(data, kind):
    assert sniff(data) == kind


# --- the panel ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_panel_for_every_persona(personas, number, attached, persona):
    response = signed_in(personas[persona]).get(
        f"/appeals/{number}/attachments/", HTTP_HX_REQUEST="true"
    )
    if persona not in APPEAL_VIEWERS:
        assert response.status_code in (302, 403, 404)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Айгүл арызы.pdf" in html) is (persona in ATTACHERS)
    assert ('name="file"' in html) is (persona in ATTACHERS)
    if persona not in ATTACHERS:
        assert "1" in html and "Айгүл" not in html


def test_listing_names_is_an_audited_view_of_personal_data(personas, number, attached):
    before = AuditRecord.objects.filter(action="appeal.view_personal").count()
    signed_in(personas["consultant"]).get(f"/appeals/{number}/attachments/", HTTP_HX_REQUEST="true")
    row = AuditRecord.objects.filter(action="appeal.view_personal").latest("at")
    assert AuditRecord.objects.filter(action="appeal.view_personal").count() == before + 1
    assert row.details == {"attachments": [attached.pk]} and row.reason == "attachments"


def test_the_appeal_page_loads_the_panel(personas, number):
    html = signed_in(personas["consultant"]).get(f"/appeals/{number}/").content.decode()
    assert f'hx-get="/appeals/{number}/attachments/"' in html


def test_the_panel_costs_the_same_queries_for_2_and_20_files(personas, number):
    consultant = personas["consultant"]
    client = signed_in(consultant)
    counted = []
    for files in (2, 20):
        while Attachment.objects.count() < files:
            attachment_add(actor=consultant, appeal=_appeal(number), name="a.pdf", data=PDF)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/appeals/{number}/attachments/", HTTP_HX_REQUEST="true")
        assert response.content.decode().count('class="attachment"') == files
        counted.append(len(queries))
    assert counted[0] == counted[1]


# --- upload -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_upload_for_every_persona(personas, number, persona, attachments_dir):
    response = upload(signed_in(personas[persona]), number, HTTP_HX_REQUEST="true")
    if persona in ATTACHERS:
        assert response.status_code == 200
        assert response["HX-Trigger"] == "qorgau-changed"
        assert Attachment.objects.filter(appeal__number=number).count() == 1
    else:
        assert response.status_code in (302, 403)
        assert not Attachment.objects.exists() and not stored_files(attachments_dir)


def test_upload_without_script_redirects_to_the_files_page(personas, number):
    client = signed_in(personas["consultant"])
    response = upload(client, number)
    assert response.status_code == 302
    assert response["Location"] == f"/appeals/{number}/attachments/"
    page = client.get(response["Location"]).content.decode()
    assert "<html" in page and "Айгүл арызы.pdf" in page


def test_stored_bytes_are_ciphertext_and_the_download_is_the_upload(
    personas, number, attachments_dir
):
    client = signed_in(personas["consultant"])
    upload(client, number)
    attachment = Attachment.objects.get()
    stored = (attachments_dir / attachment.storage_key).read_bytes()
    assert PDF not in stored and not stored.startswith(b"%PDF")
    assert "Айгүл" not in attachment.storage_key
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM casework_attachment")
        assert "Айгүл" not in cursor.fetchone()[0]  # the name is encrypted too
    response = client.get(f"/appeals/{number}/attachments/{attachment.pk}/")
    body = b"".join(response)
    assert hashlib.sha256(body).hexdigest() == attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="attachment-{attachment.pk}.pdf"; '
        f"filename*=UTF-8''{quote('Айгүл арызы.pdf', safe='')}"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "Бұл түрдегі файлды тіркеуге болмайды"),
        ("ru", "Файл такого типа прикрепить нельзя"),
    ],
)
def test_an_exe_renamed_pdf_is_refused_and_writes_nothing(
    personas, number, attachments_dir, language, expected
):
    client = signed_in(personas["consultant"], language)
    response = upload(client, number, name="акт.pdf", data=EXE, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert not Attachment.objects.exists() and not stored_files(attachments_dir)
    assert not AuditRecord.objects.filter(action="attachment.add").exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "Файл 1 МБ-тан үлкен"), ("ru", "Файл больше 1 МБ")],
)
def test_an_oversized_file_is_refused_and_writes_nothing(
    personas, number, attachments_dir, settings, language, expected
):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    client = signed_in(personas["consultant"], language)
    big = PDF + bytes(1024 * 1024)
    response = upload(client, number, data=big, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert expected in response.content.decode()
    assert not Attachment.objects.exists() and not stored_files(attachments_dir)


def test_an_upload_whose_transaction_fails_leaves_no_file(
    personas, number, attachments_dir, monkeypatch
):
    from qorgau.casework import actions

    def broken(**_kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(actions, "audit_appeal", broken)
    with pytest.raises(RuntimeError):
        attachment_add(actor=personas["consultant"], appeal=_appeal(number), name="a", data=PDF)
    assert not Attachment.objects.exists() and not stored_files(attachments_dir)


def test_no_file_is_asked_for(personas, number):
    client = signed_in(personas["consultant"])
    response = client.post(f"/appeals/{number}/attachments/", {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Тіркейтін файлды таңдаңыз" in response.content.decode()


def test_upload_is_audited_last_with_its_checksum(personas, number):
    upload(signed_in(personas["consultant"]), number)
    attachment = Attachment.objects.get()
    row = AuditRecord.objects.filter(action="attachment.add").get()
    assert (row.object_type, row.object_ref, row.actor_username) == (
        "appeal",
        number,
        "consultant",
    )
    assert row.details == {
        "attachment": attachment.pk,
        "size": len(PDF),
        "sha256": attachment.sha256,
    }


# --- download -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_download_for_every_persona(personas, number, attached, persona):
    response = signed_in(personas[persona]).get(f"/appeals/{number}/attachments/{attached.pk}/")
    if persona in ATTACHERS:
        assert response.status_code == 200 and b"".join(response) == PDF
    else:
        assert response.status_code in (302, 403, 404)


def test_every_download_is_audited(personas, number, attached):
    client = signed_in(personas["supervisor"])
    for _ in range(2):
        client.get(f"/appeals/{number}/attachments/{attached.pk}/")
    rows = AuditRecord.objects.filter(action="attachment.download")
    assert rows.count() == 2
    assert {(r.actor_username, r.object_ref) for r in rows} == {("supervisor", number)}


def test_a_file_of_another_appeal_is_not_found_under_this_one(personas, register, attached):
    other = register()["number"]
    client = signed_in(personas["consultant"])
    assert client.get(f"/appeals/{other}/attachments/{attached.pk}/").status_code == 404


# --- removal ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_removal_for_every_persona(personas, number, attached, persona, attachments_dir):
    client = signed_in(personas[persona])
    response = client.post(
        f"/appeals/{number}/attachments/{attached.pk}/remove/",
        {"reason": "Басқа өтінішке қатысты"},
        HTTP_HX_REQUEST="true",
    )
    attached.refresh_from_db()
    if persona in ATTACHERS:  # the consultant attached it a moment ago; a supervisor always
        assert response.status_code == 200
        assert attached.removed_at is not None
        assert attached.removed_by == personas[persona]
    else:
        assert response.status_code in (302, 403, 404)
        assert attached.removed_at is None


def test_the_uploader_may_remove_only_within_the_window(personas, number, attached, settings):
    Attachment.objects.filter(pk=attached.pk).update(
        uploaded_at=timezone.now() - timedelta(minutes=settings.ATTACHMENT_UNDO_MINUTES + 1)
    )
    client = signed_in(personas["consultant"], "ru")
    response = client.post(
        f"/appeals/{number}/attachments/{attached.pk}/remove/",
        {"reason": "ошибка"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "может удалить только супервайзер" in response.content.decode()
    assert Attachment.objects.get().removed_at is None
    html = client.get(f"/appeals/{number}/attachments/", HTTP_HX_REQUEST="true").content.decode()
    assert "/remove/" not in html  # not offered either


def test_another_consultant_may_not_remove_it(personas, number, attached, make_user):
    other = make_user("consultant2", "consultant")
    response = signed_in(other).post(
        f"/appeals/{number}/attachments/{attached.pk}/remove/", {"reason": "x"}
    )
    assert response.status_code == 403


def test_removal_needs_a_reason_hides_the_file_deletes_its_bytes_and_is_audited(
    personas, number, attached, attachments_dir, django_capture_on_commit_callbacks
):
    client = signed_in(personas["supervisor"])
    url = f"/appeals/{number}/attachments/{attached.pk}/remove/"
    refused = client.post(url, {"reason": " "}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 422 and Attachment.objects.get().removed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "Басқа өтінішке қатысты"}, HTTP_HX_REQUEST="true")
    attached.refresh_from_db()
    assert attached.removed_reason == "Басқа өтінішке қатысты"
    assert not stored_files(attachments_dir)
    assert client.get(f"/appeals/{number}/attachments/{attached.pk}/").status_code == 404
    row = AuditRecord.objects.filter(action="attachment.remove").get()
    assert row.actor_username == "supervisor" and row.details["attachment"] == attached.pk
    html = client.get(f"/appeals/{number}/attachments/", HTTP_HX_REQUEST="true").content.decode()
    assert "Айгүл арызы.pdf" not in html


# --- timeline -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", sorted(APPEAL_VIEWERS))
def test_the_timeline_names_the_file_only_for_personal_data_roles(
    personas, number, attached, persona
):
    html = signed_in(personas[persona], "en").get(f"/appeals/{number}/timeline/").content.decode()
    if persona in ATTACHERS:
        assert "File attached: Айгүл арызы.pdf" in html
    else:
        assert "A file was attached" in html and "Айгүл" not in html


# --- key rotation -------------------------------------------------------------------------


def test_key_rotation_re_encrypts_attachments(
    personas, number, attached, attachments_dir, settings
):
    old_token = (attachments_dir / attached.storage_key).read_bytes()
    new_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    settings.FIELD_KEYS = [new_key, *settings.FIELD_KEYS]
    out = io.StringIO()
    call_command("rotate_keys", stdout=out)
    assert "Re-encrypted 1 attachments." in out.getvalue()
    attached.refresh_from_db()
    assert (attachments_dir / attached.storage_key).read_bytes() != old_token
    settings.FIELD_KEYS = [new_key]  # the old key is gone
    client = signed_in(personas["consultant"])
    assert b"".join(client.get(f"/appeals/{number}/attachments/{attached.pk}/")) == PDF


def test_a_download_is_saved_under_its_kind_s_extension(personas, number):
    text = "Сәлем\n".encode()
    added = attachment_add(
        actor=personas["consultant"], appeal=_appeal(number), name="хат.html", data=text
    )
    assert added.content_type == "text/plain; charset=utf-8"
    response = signed_in(personas["consultant"]).get(f"/appeals/{number}/attachments/{added.pk}/")
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="attachment-{added.pk}.txt"')
    assert disposition.endswith(quote("хат.html.txt", safe=""))
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_the_timeline_tells_a_removal_without_the_name_to_other_roles(personas, number, attached):
    from qorgau.casework.actions import attachment_remove

    attachment_remove(actor=personas["supervisor"], attachment=attached, reason="қате")
    html = signed_in(personas["quality"], "en").get(f"/appeals/{number}/timeline/").content.decode()
    assert "A file was removed" in html and "Айгүл" not in html
    html = signed_in(personas["consultant"], "en").get(f"/appeals/{number}/timeline/")
    assert "File removed: Айгүл арызы.pdf" in html.content.decode()
