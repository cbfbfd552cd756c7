"""E-mail as a written channel (rule 2(7)) through a real IMAP server (Dovecot) and a real SMTP
server: a letter becomes a conversation and gets its number and code, a reply in the thread
joins it, the same letter fetched twice is stored once, photos arrive without their EXIF,
automatic mails are ignored, and a consultant's reply goes back in the applicant's thread."""

from __future__ import annotations

import io
import logging
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.management import call_command
from PIL import Image

from qorgau.conversations.actions import message_reply
from qorgau.conversations.attachments import attachment_content
from qorgau.conversations.mailbox import html_to_text, mail_fetch, mail_receive
from qorgau.conversations.models import (
    Channel,
    Conversation,
    ConversationStatus,
    MailMessageId,
    Message,
    MessageAttachment,
    Outgoing,
    OutgoingKind,
    OutgoingStatus,
)
from qorgau.conversations.tests.fakes import run_outbox

pytestmark = pytest.mark.django_db

SENDER = "aigerim.child@example.kz"
TEXT_KK = "Сәлеметсіз бе. Мені мектепте ұрып жүр, не істеуім керек?"
TEXT_RU = "Здравствуйте. Отчим бьёт маму, что нам делать?"
GPS = {1: "N", 2: (43.0, 15.0, 30.0), 3: "E", 4: (76.0, 53.0, 10.0)}


def image_with_gps(kind: str = "PNG") -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif.get_ifd(0x8825).update(GPS)
    out = io.BytesIO()
    image.save(out, kind, exif=exif)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the GPS is really there
    return data


def letter(
    text: str = TEXT_KK,
    *,
    sender: str = SENDER,
    subject: str = "Көмек керек",
    in_reply_to: str = "",
    headers: dict[str, str] | None = None,
    files: list[tuple[bytes, str, str]] | None = None,
) -> tuple[bytes, str]:
    """A mail as a mail program writes it, and its Message-ID."""
    mail = EmailMessage()
    mail["From"] = f"Айгерім <{sender}>"
    mail["To"] = "111@centre.kz"
    mail["Subject"] = subject
    message_id = make_msgid(domain="example.kz")
    mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(text)
    for data, content_type, name in files or []:
        maintype, _slash, subtype = content_type.partition("/")
        mail.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(mail), message_id


def fetch(django_capture_on_commit_callbacks) -> None:
    """The worker's minute: read the mailbox, then send what that queued (the welcome mail)."""
    with django_capture_on_commit_callbacks(execute=True):
        mail_fetch()
    run_outbox()


def test_a_letter_becomes_a_conversation_and_gets_its_number_and_code(
    dovecot, mail, django_capture_on_commit_callbacks
):
    raw, message_id = letter()
    dovecot.append(raw)
    fetch(django_capture_on_commit_callbacks)

    conversation = Conversation.objects.get()
    assert conversation.channel == Channel.EMAIL
    assert conversation.contact == SENDER and conversation.name == "Айгерім"
    assert conversation.language == "kk"
    assert TEXT_KK in conversation.messages.get().text
    assert dovecot.unseen() == 0  # flagged \Seen after it was stored

    welcome = mail.messages[-1]
    assert welcome["To"] == SENDER
    assert welcome["In-Reply-To"] == message_id
    assert welcome["Auto-Submitted"] == "auto-replied"  # auto-responders must not answer
    body = welcome.get_content()
    assert conversation.number in body
    assert "Нөмірі" in body or "нөмірі" in body  # Kazakh
    assert "номер" in body  # and Russian


def test_a_reply_to_our_mail_joins_the_conversation(
    dovecot, mail, django_capture_on_commit_callbacks
):
    dovecot.append(letter()[0])
    fetch(django_capture_on_commit_callbacks)
    welcome_id = mail.messages[-1]["Message-ID"]
    # The applicant answers our mail from another mail program: the thread decides.
    dovecot.append(letter("Рақмет, тағы жазамын", subject="Re: 111", in_reply_to=welcome_id)[0])
    fetch(django_capture_on_commit_callbacks)

    conversation = Conversation.objects.get()
    assert [m.text for m in conversation.messages.all()][1] == "Рақмет, тағы жазамын"
    assert len(mail.messages) == 1  # no second welcome


def test_the_same_letter_fetched_twice_is_stored_once(
    dovecot, mail, django_capture_on_commit_callbacks
):
    raw, _message_id = letter()
    dovecot.append(raw)
    dovecot.append(raw)  # delivered twice
    fetch(django_capture_on_commit_callbacks)
    dovecot.mark_all_unseen()  # a crash after storing, before flagging \Seen
    fetch(django_capture_on_commit_callbacks)

    assert Message.objects.count() == 1
    assert MailMessageId.objects.filter(direction="in").count() == 1
    assert len(mail.messages) == 1
    assert dovecot.unseen() == 0


def test_a_photo_arrives_re_encoded_without_its_gps(
    dovecot, mail, django_capture_on_commit_callbacks, files_dir
):
    photo = image_with_gps()
    raw, _id = letter(files=[(photo, "image/png", "IMG_2041.png")])
    dovecot.append(raw)
    fetch(django_capture_on_commit_callbacks)

    attachment = MessageAttachment.objects.get()
    data = attachment_content(attachment)
    picture = Image.open(io.BytesIO(data))
    assert picture.format == "PNG" and picture.size == (40, 30)
    assert not picture.getexif() and not picture.getexif().get_ifd(0x8825)
    assert b"eXIf" not in data and b"SpyCam" not in data
    assert picture.getpixel((5, 5))[:3] == (200, 30, 30)
    # Stored encrypted: the bytes on disk are not the picture.
    on_disk = (files_dir / attachment.storage_key).read_bytes()
    assert b"PNG" not in on_disk and data not in on_disk


def test_bad_files_in_a_letter_are_left_out_with_a_note(
    dovecot, mail, django_capture_on_commit_callbacks
):
    html_as_photo = b"<html><script>alert(1)</script></html>"
    raw, _id = letter(
        files=[
            (html_as_photo, "image/jpeg", "photo.jpg"),
            (image_with_gps("JPEG"), "image/jpeg", "a.jpg"),
        ]
    )
    dovecot.append(raw)
    fetch(django_capture_on_commit_callbacks)

    message = Message.objects.get()
    assert MessageAttachment.objects.get().content_type == "image/jpeg"
    assert "[Файл қабылданбады" in message.text  # the note, in the letter's language
    assert dovecot.unseen() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
    ],
)
def test_auto_replies_are_ignored(dovecot, mail, django_capture_on_commit_callbacks, headers):
    dovecot.append(letter("Я в отпуске до понедельника", headers=headers)[0])
    dovecot.append(letter("Delivery failed", sender="MAILER-DAEMON@example.kz")[0])
    fetch(django_capture_on_commit_callbacks)
    assert not Conversation.objects.exists()
    assert not mail.messages  # never answered: no mail loops
    assert dovecot.unseen() == 0


def test_a_consultants_reply_goes_out_in_the_thread(
    dovecot, mail, personas, django_capture_on_commit_callbacks
):
    raw, first_id = letter(TEXT_RU, subject="Помогите")
    dovecot.append(raw)
    fetch(django_capture_on_commit_callbacks)
    conversation = Conversation.objects.get()
    assert conversation.language == "ru"
    welcome_id = mail.messages[-1]["Message-ID"]

    with django_capture_on_commit_callbacks(execute=True):
        message_reply(
            actor=personas["consultant"],
            conversation=conversation,
            text="Вы не одни. Позвоните нам по номеру 111.",
            files=[image_with_gps()],
        )
    run_outbox()
    reply = mail.messages[-1]
    assert reply["To"] == SENDER
    assert reply["From"] == "111@centre.kz"
    assert reply["Subject"] == f"Re: ваше письмо в центр 111, {conversation.number}"
    assert reply["In-Reply-To"] == first_id
    assert reply["References"].split() == [first_id, welcome_id]
    body = reply.get_body(preferencelist=("plain",)).get_content()
    assert "Вы не одни" in body and "consultant" not in body
    (sent_file,) = list(reply.iter_attachments())
    assert not Image.open(io.BytesIO(sent_file.get_content())).getexif()

    # The applicant answers the reply: it joins the same conversation.
    dovecot.append(letter("Спасибо!", in_reply_to=reply["Message-ID"])[0])
    fetch(django_capture_on_commit_callbacks)
    conversation.refresh_from_db()
    assert conversation.messages.count() == 3
    assert conversation.status == ConversationStatus.OPEN


def test_the_subject_of_a_reply_is_in_kazakh_for_a_kazakh_letter(
    dovecot, mail, personas, django_capture_on_commit_callbacks
):
    dovecot.append(letter()[0])
    fetch(django_capture_on_commit_callbacks)
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        message_reply(actor=personas["consultant"], conversation=conversation, text="Көмектесеміз")
    run_outbox()
    assert mail.messages[-1]["Subject"] == (
        f"Re: 111 орталығына жазған хатыңыз, {conversation.number}"
    )


def test_a_reply_that_cannot_be_sent_stays_stored_and_is_retried(
    personas, django_capture_on_commit_callbacks, settings
):
    settings.QORGAU_SMTP_HOST, settings.QORGAU_SMTP_PORT = "127.0.0.1", 9  # nothing listens
    raw, _id = letter()
    with django_capture_on_commit_callbacks(execute=True):
        received = mail_receive(raw)
        message_reply(actor=personas["consultant"], conversation=received.conversation, text="Иә")
    assert run_outbox() == 0
    assert received.conversation.messages.count() == 2
    waiting = Outgoing.objects.filter(conversation=received.conversation)
    assert {(o.kind, o.status, o.attempts) for o in waiting} == {
        (OutgoingKind.CODE, OutgoingStatus.PENDING, 1),
        (OutgoingKind.REPLY, OutgoingStatus.PENDING, 1),
    }
    assert all("Иә" not in o.last_error for o in waiting)


def test_the_command_reads_the_mailbox_and_never_logs_the_password(dovecot, mail, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    dovecot.append(letter()[0])
    call_command("mail", "fetch")
    assert "stored: 1" in capsys.readouterr().out
    assert "imap-secret" not in caplog.text
    assert SENDER not in caplog.text


def test_an_html_letter_is_read_as_text():
    text = html_to_text(
        "<html><style>p{}</style><body><p>Сәлем &amp; көмек</p><script>x()</script>"
        "<p>керек</p></body></html>"
    )
    assert text == "Сәлем & көмек\n\nкерек" or text.split() == ["Сәлем", "&", "көмек", "керек"]
    assert "script" not in text and "x()" not in text


def test_the_delivery_workers_sweep_reads_the_mailbox(dovecot, mail):
    from qorgau.agency_requests.worker import Worker

    dovecot.append(letter()[0])
    Worker(threads=1)._sweep_if_due()
    assert Conversation.objects.get().channel == Channel.EMAIL


def test_an_unreachable_mailbox_does_not_stop_the_sweep(settings, caplog):
    from qorgau.conversations.mailbox import mail_fetch_due

    settings.QORGAU_IMAP_HOST, settings.QORGAU_IMAP_PORT = "127.0.0.1", 9
    settings.QORGAU_IMAP_SSL, settings.QORGAU_IMAP_PASSWORD = "off", "imap-secret-x"
    mail_fetch_due()
    assert "mailbox could not be read" in caplog.text and "imap-secret" not in caplog.text


def test_a_stray_nul_in_a_letter_is_taken_out_and_the_letter_kept():
    raw, _id = letter("Көмек\x00 керек")
    received = mail_receive(raw)
    assert received is not None
    assert received.message.text == "Көмек керек"
