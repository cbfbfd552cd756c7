"""Photos and PDFs sent with written appeals (rule 6(f), rule 5): checked by their bytes,
photos re-encoded without EXIF, nothing stored when a file is refused (a 422 in the visitor's
language, the text kept), downloads only as attachments, audited, and for the applicant only by
POSTing the number and code."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from qorgau.audit.models import AuditRecord
from qorgau.conversations.actions import ConversationData, conversation_open
from qorgau.conversations.attachments import attachment_content
from qorgau.conversations.models import Conversation, Message, MessageAttachment
from qorgau.conversations.tests.test_email import image_with_gps
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db

TEXT = "Көршінің баласын ұрып жатыр, суретін жіберемін"
NUMBER_RE = re.compile(r'id="written-number">([^<]+)<')
CODE_RE = re.compile(r'id="written-code">([^<]+)<')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REFUSED = {
    "kk": "Тек фотосуреттер (JPEG, PNG, WebP, GIF) мен PDF құжаттарын жіберуге болады.",
    "ru": "Можно отправить только фотографии (JPEG, PNG, WebP, GIF) и документы PDF.",
}


def _client(language: str = "kk", address: str = "10.9.0.1") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _write_with(files: list, language: str = "kk", **fields: str):
    return _client(language).post("/write/", {"text": TEXT, "files": files, **fields})


def test_photos_and_a_pdf_arrive_with_the_first_message(files_dir):
    page = _write_with(
        [
            upload(image_with_gps("JPEG"), "IMG_0001.jpg"),
            upload(image_with_gps("PNG"), "screen.png", "image/png"),
            upload(PDF, "spravka.pdf", "application/pdf"),
        ]
    )
    assert page.status_code == 200
    number = NUMBER_RE.search(page.content.decode()).group(1)
    files = list(MessageAttachment.objects.filter(message__conversation__number=number))
    assert [f.content_type for f in files] == ["image/jpeg", "image/png", "application/pdf"]
    for attachment in files[:2]:
        picture = Image.open(io.BytesIO(attachment_content(attachment)))
        assert not picture.getexif().get_ifd(0x8825) and not picture.getexif()
    assert attachment_content(files[2]) == PDF  # a PDF is kept as it is
    assert len(stored_files(files_dir)) == 3
    record = AuditRecord.objects.get(action="conversation.open", object_ref=number)
    assert record.details == {"files": 3}


def test_the_forms_take_files_without_script():
    html = _client().get("/write/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="files" multiple' in html


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize(
    "bad",
    [
        b"<html><script>alert(1)</script></html>",  # HTML named .jpg
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 200,  # a PNG's signature, then nothing a PNG is
        b"MZ\x90\x00" + b"\x00" * 100,  # a program
    ],
)
def test_a_bad_file_refuses_the_whole_message_and_keeps_the_text(files_dir, language, bad):
    good = upload(image_with_gps("PNG"), "ok.png", "image/png")
    page = _write_with([good, upload(bad)], language)
    html = page.content.decode()
    assert page.status_code == 422
    assert 'role="alert"' in html
    if bad.startswith(b"\x89PNG"):
        assert ("Фотосуретті оқу" if language == "kk" else "Не удалось прочитать") in html
    else:
        assert REFUSED[language] in html
    assert TEXT in html  # what the visitor typed is still in the form
    assert not Conversation.objects.exists() and not Message.objects.exists()
    assert not MessageAttachment.objects.exists()
    assert stored_files(files_dir) == []  # not even the good file


def test_too_large_too_many_and_bomb_files_are_refused(settings, files_dir):
    settings.CONVERSATION_FILE_MAX_BYTES = 2000
    big = _write_with([upload(PDF + b"0" * 3000, "big.pdf", "application/pdf")], "ru")
    assert big.status_code == 422 and "Файл больше 0 МБ." in big.content.decode()

    settings.CONVERSATION_FILE_MAX_BYTES = 10 * 1024 * 1024
    many = _write_with([upload(PDF, f"{n}.pdf", "application/pdf") for n in range(6)], "kk")
    assert many.status_code == 422 and "5 файлдан артық" in many.content.decode()

    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 megapixels in a few kilobytes
    bomb = _write_with([upload(out.getvalue(), "bomb.png", "image/png")], "kk")
    assert bomb.status_code == 422
    assert not Conversation.objects.exists() and stored_files(files_dir) == []


def _opened_with_photo() -> tuple[Conversation, str, MessageAttachment]:
    conversation, code = conversation_open(
        data=ConversationData(text=TEXT, files=[image_with_gps("PNG")]), language="kk"
    )
    return conversation, code, MessageAttachment.objects.get(message__conversation=conversation)


def test_the_applicant_adds_a_file_later_and_a_bad_one_stores_nothing(files_dir):
    conversation, code, _photo = _opened_with_photo()
    child = _client()
    form = {"number": conversation.number, "code": code, "text": "Тағы бір сурет"}
    bad = child.post("/conversation/", {**form, "files": [upload(b"GIF89a" + b"\xff" * 50)]})
    assert bad.status_code == 422 and "Тағы бір сурет" in bad.content.decode()
    assert conversation.messages.count() == 1 and len(stored_files(files_dir)) == 1

    good = child.post(
        "/conversation/", {**form, "files": [upload(PDF, "a.pdf", "application/pdf")]}
    )
    assert good.status_code == 200
    assert conversation.messages.count() == 2 and len(stored_files(files_dir)) == 2


def test_staff_download_is_an_attachment_nosniff_and_audited(personas):
    conversation, _code, photo = _opened_with_photo()
    url = f"/inbox/{conversation.number}/attachments/{photo.pk}"
    page = signed_in(personas["consultant"]).get(f"/inbox/{conversation.number}/")
    assert url in page.content.decode()

    response = signed_in(personas["consultant"]).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="attachment-{photo.pk}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "IMG" not in response["Content-Disposition"]
    record = AuditRecord.objects.get(action="attachment.download", object_ref=conversation.number)
    assert record.actor_username == "consultant" and record.details == {"attachment": photo.pk}

    for persona in ("outsider", "officer_a", "auditor"):
        assert signed_in(personas[persona]).get(url).status_code in (403, 404)
    other, _other_code, _p = _opened_with_photo()
    wrong = f"/inbox/{other.number}/attachments/{photo.pk}"  # another conversation's number
    assert signed_in(personas["consultant"]).get(wrong).status_code == 404


def test_the_applicant_downloads_their_file_by_post_with_number_and_code():
    conversation, code, photo = _opened_with_photo()
    child = _client()
    page = child.post("/conversation/", {"number": conversation.number, "code": code})
    html = page.content.decode()
    assert 'action="/conversation/file/"' in html and f'value="{photo.pk}"' in html
    assert not any(code in url for url in re.findall(r"(?:href|action)=\"([^\"]*)\"", html))

    form = {"number": conversation.number, "code": code, "attachment": str(photo.pk)}
    response = child.post("/conversation/file/", form)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == attachment_content(photo)
    record = AuditRecord.objects.get(action="attachment.download", object_ref=conversation.number)
    assert record.actor_id is None

    wrong = child.post("/conversation/file/", {**form, "code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 404 and response.content not in wrong.content
    assert child.get("/conversation/file/", form).status_code == 405
    other, other_code, _p = _opened_with_photo()
    foreign = {"number": other.number, "code": other_code, "attachment": str(photo.pk)}
    assert child.post("/conversation/file/", foreign).status_code == 404


def test_rotate_keys_re_encrypts_conversation_files(files_dir, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    _conversation, _code, photo = _opened_with_photo()
    before = attachment_content(photo)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rotate_keys", stdout=out)
    photo.refresh_from_db()
    assert "1 conversation files" in out.getvalue()
    assert attachment_content(photo) == before
    assert len(stored_files(files_dir)) == 1  # the old file is gone


def test_a_consultant_attaches_a_pdf_to_a_reply_and_a_bad_file_is_refused(personas):
    conversation, code, _photo = _opened_with_photo()
    consultant = signed_in(personas["consultant"])
    url = f"/inbox/{conversation.number}/reply"
    bad = consultant.post(url, {"text": "Анықтаманы қараңыз", "files": [upload(b"<svg/>")]})
    assert bad.status_code == 422 and "Анықтаманы қараңыз" in bad.content.decode()
    assert conversation.messages.count() == 1

    pdf = upload(PDF, "anyqtama.pdf", "application/pdf")
    assert consultant.post(url, {"text": "Анықтаманы қараңыз", "files": [pdf]}).status_code == 302
    reply = conversation.messages.last()
    assert reply.attachments.get().content_type == "application/pdf"
    page = _client().post("/conversation/", {"number": conversation.number, "code": code})
    assert f'name="attachment" value="{reply.attachments.get().pk}"' in page.content.decode()
