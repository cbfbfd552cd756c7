"""E-mail out (rule 2(7)): the centre's answers to written appeals that came by e-mail, sent
through the SMTP relay (core/mail.py, QORGAU_SMTP_HOST / QORGAU_SMTP_PORT) from
QORGAU_MAIL_FROM, in the applicant's thread: In-Reply-To names their last mail, References
every Message-ID of the conversation, the subject is "Re: …" with the conversation's number in
its language (kk or ru).

Every Message-ID we set is stored (`MailMessageId`) in the transaction that stores the reply,
so the applicant's answer to it joins the same conversation. The mail itself is an `Outgoing`
row of that transaction (its headers and text as encrypted JSON, the files read from the reply
at sending time), sent and retried by the outbox workers like every other channel
(conversations/outbox.py); `email_outgoing_send` is the e-mail channel's sender. A web
conversation's notice that a reply is waiting (plain text, no headers) goes the same way."""

from __future__ import annotations

import json
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from qorgau.conversations.attachments import attachment_content
from qorgau.conversations.channels import ChannelFailed
from qorgau.conversations.models import (
    Channel,
    Conversation,
    Direction,
    MailMessageId,
    Message,
    Outgoing,
    OutgoingKind,
)
from qorgau.core.crypto import blind_index
from qorgau.core.mail import smtp_send
from qorgau.core.outbox import outbox_wake


def mail_id_digest(header: str) -> str:
    """The keyed digest a Message-ID is found by (the header itself is stored encrypted)."""
    return blind_index("mail-message-id", header.strip())


def _domain() -> str:
    return settings.QORGAU_MAIL_FROM.rpartition("@")[2] or "qorgau.invalid"


def email_send(
    *,
    to: str,
    subject: str,
    body: str,
    in_reply_to: str = "",
    references: tuple[str, ...] = (),
    message_id: str = "",
    auto: bool = False,
    attachments: Sequence[tuple[bytes, str, str]] = (),
) -> str:
    """Send one plain-text mail from QORGAU_MAIL_FROM; returns the Message-ID it set (or the
    one given). `auto` marks a machine's mail (Auto-Submitted: auto-replied, RFC 3834) so that
    the applicant's auto-responder does not answer it. `attachments`: (bytes, content type,
    file name). Raises OSError or smtplib.SMTPException when the relay refuses."""
    message = EmailMessage()
    message["From"] = settings.QORGAU_MAIL_FROM
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain=_domain())
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = " ".join(references)
    if auto:
        message["Auto-Submitted"] = "auto-replied"
    message.set_content(body)
    for data, content_type, name in attachments:
        maintype, _slash, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    smtp_send(message)
    return str(message["Message-ID"])


def _thread_ids(conversation: Conversation) -> tuple[str, str]:
    """In-Reply-To and References for a new mail of the conversation: the applicant's last
    mail, and every Message-ID of the thread, oldest first."""
    rows = list(MailMessageId.objects.filter(conversation=conversation))
    inbound = [row.header for row in rows if row.direction == Direction.IN]
    return (inbound[-1] if inbound else ""), " ".join(row.header for row in rows)


def mail_id_remember(
    *, conversation: Conversation, header: str, direction: Direction, message: Message | None
) -> MailMessageId:
    return MailMessageId.objects.create(
        conversation=conversation,
        message=message,
        direction=direction,
        digest=mail_id_digest(header),
        header=header,
    )


def reply_subject(conversation: Conversation) -> str:
    with translation.override(conversation.language):
        return _("Re: your letter to the 111 centre, %(number)s") % {"number": conversation.number}


def _queue_mail(
    conversation: Conversation, build: dict[str, object], kind: str, message: Message | None
) -> None:
    """An outbox row for the mail `build` describes (email_send's arguments but the address and
    the files, which the row and its reply hold)."""
    transaction.on_commit(outbox_wake)
    Outgoing.objects.create(
        conversation=conversation,
        message=message,
        channel=Channel.EMAIL,
        kind=kind,
        address=conversation.contact,
        text=json.dumps(build, ensure_ascii=False),
    )


def email_outgoing_send(outgoing: Outgoing) -> str:
    """The e-mail channel's sender (channels/__init__.py): a queued reply or welcome mail with
    its headers, or a notice (plain text) under a subject in the conversation's language."""
    try:
        build = json.loads(outgoing.text)
    except ValueError:
        build = None
    if not isinstance(build, dict):
        with translation.override(outgoing.conversation.language):
            build = {"subject": _("The 111 centre has answered you"), "body": outgoing.text}
    files = []
    if outgoing.kind == OutgoingKind.REPLY and outgoing.message is not None:
        files = [
            (attachment_content(a), a.content_type, a.download_name)
            for a in outgoing.message.attachments.all()
        ]
    build["references"] = tuple(build.get("references", ()))
    try:
        return email_send(to=outgoing.address, attachments=files, **build)
    except (OSError, smtplib.SMTPException) as exc:
        raise ChannelFailed(f"email: {type(exc).__name__}") from None


def email_reply_queue(message: Message) -> str:
    """Inside the reply's transaction: give the consultant's reply its Message-ID (stored) and
    send it to the applicant's address after commit, in their thread, with its files."""
    conversation = message.conversation
    in_reply_to, references = _thread_ids(conversation)
    header = make_msgid(domain=_domain())
    mail_id_remember(
        conversation=conversation, header=header, direction=Direction.OUT, message=message
    )
    with translation.override(conversation.language):
        body = f"{message.text}\n\n-- \n{_('111 centre')} · {conversation.number}\n"
    build: dict[str, object] = {
        "subject": reply_subject(conversation),
        "body": body,
        "in_reply_to": in_reply_to,
        "references": tuple(references.split()),
        "message_id": header,
    }
    _queue_mail(conversation, build, OutgoingKind.REPLY, message)
    return header


def email_welcome_queue(conversation: Conversation, code: str) -> str:
    """Inside the transaction that opened a conversation by e-mail: the automatic answer with
    its number and secret code (in Kazakh and Russian: the language is only guessed), sent
    after commit in the applicant's thread."""
    in_reply_to, references = _thread_ids(conversation)
    header = make_msgid(domain=_domain())
    mail_id_remember(
        conversation=conversation, header=header, direction=Direction.OUT, message=None
    )
    parts = []
    for language in ("kk", "ru"):
        with translation.override(language):
            parts.append(
                _(
                    "We have received your letter. Its number is %(number)s and its secret "
                    "code is %(code)s. A consultant will answer you by e-mail; you can also "
                    "read the answers on %(url)s with the number and the code. Do not share "
                    "the code with anyone. If you are in danger now, call 112."
                )
                % {
                    "number": conversation.number,
                    "code": code,
                    "url": f"{settings.QORGAU_PUBLIC_URL.rstrip('/')}/conversation/",
                }
            )
    build: dict[str, object] = {
        "subject": f"111: {conversation.number}",
        "body": "\n\n".join(parts) + "\n",
        "in_reply_to": in_reply_to,
        "references": tuple(references.split()),
        "message_id": header,
        "auto": True,
    }
    _queue_mail(conversation, build, OutgoingKind.CODE, None)
    return header
