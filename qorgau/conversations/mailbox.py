"""E-mail in (rule 2(7): an appeal may be an electronic letter): the centre's mailbox is read
over IMAP (imaplib; IMAPS or STARTTLS, QORGAU_IMAP_* settings) by `qorgau mail fetch` and each
minute by the delivery workers' sweep.

Each unseen mail is parsed (email, policy=default): its plain text (or its HTML reduced to text
by nh3, scripts and styles dropped), sender, Subject, Message-ID, In-Reply-To and References,
and its files, checked as on the web form (conversations/attachments.py): a refused or
oversized file is left out with a note in the message, never a crash.

Threading: a mail whose In-Reply-To or References names a Message-ID of a conversation (ours
or the applicant's, `MailMessageId`) from the same sender joins that conversation, unless it is
closed; otherwise it joins the sender's open e-mail conversation or opens one
(inbound.message_receive), which answers with its number and code (channels/email.py).

Idempotent: the Message-ID's digest is unique, stored in the message's transaction; the mail is
flagged \\Seen only after that commits, so a crash in between fetches it again and it is
recognised, not stored twice. Auto-replies and bounces (Auto-Submitted, Precedence: bulk, junk
or list, delivery reports, mailer-daemon) are flagged \\Seen and ignored. The password is never
logged; logs name at most a conversation's number."""

from __future__ import annotations

import contextlib
import hashlib
import html
import imaplib
import ipaddress
import logging
import re
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr

import nh3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from qorgau.conversations.abuse import sender_admitted
from qorgau.conversations.actions import TEXT_MAX, message_add_from_applicant
from qorgau.conversations.attachments import attachment_clean, attachment_keys_discard
from qorgau.conversations.channels.email import (
    email_welcome_queue,
    mail_id_digest,
    mail_id_remember,
)
from qorgau.conversations.inbound import Received, message_receive, sender_blind_index
from qorgau.conversations.models import (
    Channel,
    Conversation,
    ConversationStatus,
    Direction,
    MailMessageId,
)
from qorgau.core.errors import ApplicationError, FieldErrors

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30
MESSAGE_ID_RE = re.compile(r"<[^<>\s]{1,900}>")
ROBOT_SENDERS = ("mailer-daemon", "postmaster")
BULK_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
REPLY_PREFIXES = ("re:", "fwd:", "fw:", "aw:", "ответ:", "жауап:")
# A mail larger than this (its files base64-encoded) is not fetched: it is flagged and logged.
MAIL_MAX_BYTES = settings.CONVERSATION_BODY_BYTES * 4 // 3 + 1024 * 1024


@dataclass
class Letter:
    """What a mail brings, parsed."""

    message_id: str
    sender: str
    name: str
    text: str
    language: str
    references: list[str]
    files: list[bytes] = field(default_factory=list)


@dataclass
class FetchResult:
    stored: int = 0
    ignored: int = 0


def is_automatic(mail: EmailMessage) -> bool:
    """An auto-reply, a bulk mail or a bounce: never an appeal, never answered (RFC 3834)."""
    if mail.get("Auto-Submitted", "no").strip().lower() != "no":
        return True
    if mail.get("Precedence", "").strip().lower() in BULK_PRECEDENCE:
        return True
    if mail.get_content_type() == "multipart/report" or mail.get("X-Autoreply"):
        return True
    sender = parseaddr(str(mail.get("From", "")))[1].lower()
    return not sender or sender.split("@")[0] in ROBOT_SENDERS


def html_to_text(markup: str) -> str:
    """Text of an HTML body: every tag dropped (scripts and styles with their content)."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>", "\n", markup)
    text = html.unescape(nh3.clean(text, tags=set()))
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def _body_text(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, ValueError):  # an unknown charset
        payload = body.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    content = content.replace("\x00", "")  # a stray NUL must not lose the letter (PostgreSQL)
    return html_to_text(content) if body.get_content_type() == "text/html" else content.strip()


def guess_language(text: str) -> str:
    """kk when a letter only Kazakh has appears, ru for other Cyrillic, else kk."""
    if any(char in KAZAKH_LETTERS for char in text):
        return "kk"
    return "ru" if re.search("[а-яА-ЯёЁ]", text) else "kk"


def _files(mail: EmailMessage, language: str) -> tuple[list[bytes], list[str]]:
    """The files that pass the web form's checks, and a note for each one left out."""
    accepted: list[bytes] = []
    notes: list[str] = []
    with translation.override(language):
        for part in mail.iter_attachments():
            data = part.get_payload(decode=True)
            if not isinstance(data, bytes):
                continue
            if len(accepted) >= settings.CONVERSATION_FILES_MAX:
                notes.append(
                    _("[A file was left out: at most %(n)d files with one message.]")
                    % {"n": settings.CONVERSATION_FILES_MAX}
                )
                continue
            try:
                attachment_clean(data)
            except FieldErrors as exc:
                reason = "; ".join(exc.fields.values()) or exc.message
                notes.append(_("[A file was left out: %(reason)s]") % {"reason": reason})
                continue
            accepted.append(data)
    return accepted, notes


def letter_parse(raw: bytes) -> Letter | None:
    """The appeal in a mail, or None for a mail that is not one (automatic, no sender)."""
    mail = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(mail, EmailMessage)
    if is_automatic(mail):
        return None
    name, sender = parseaddr(str(mail.get("From", "")))
    if "@" not in sender:
        return None
    found = MESSAGE_ID_RE.search(str(mail.get("Message-ID", "")))
    # Without a Message-ID the mail's own bytes name it, so a second fetch still matches.
    message_id = found.group(0) if found else f"<{hashlib.sha256(raw).hexdigest()}@no-id.invalid>"
    references = MESSAGE_ID_RE.findall(
        f"{mail.get('In-Reply-To', '')} {mail.get('References', '')}"
    )
    subject = str(mail.get("Subject", "")).strip()
    body = _body_text(mail)
    if subject and not subject.lower().startswith(REPLY_PREFIXES) and subject not in body:
        body = f"{subject}\n\n{body}".strip()
    language = guess_language(body)
    files, notes = _files(mail, language)
    room = TEXT_MAX - sum(len(note) + 2 for note in notes) - 2
    if len(body) > room:
        body = body[: room - 1] + "…"
    text = "\n\n".join([body, *notes]).strip() or ("—" if not files else "")
    return Letter(
        message_id=message_id,
        sender=sender.strip().lower(),
        name=name.strip()[:200],
        text=text,
        language=language,
        references=references,
        files=files,
    )


def _thread_of(letter: Letter) -> Conversation | None:
    """The open conversation of the same sender that the mail answers, by its references."""
    if not letter.references:
        return None
    digests = [mail_id_digest(header) for header in letter.references]
    row = (
        MailMessageId.objects.filter(digest__in=digests)
        .select_related("conversation")
        .order_by("-at", "-pk")
        .first()
    )
    if row is None:
        return None
    conversation = row.conversation
    same_sender = conversation.sender_index == sender_blind_index(Channel.EMAIL, letter.sender)
    if not same_sender or conversation.status == ConversationStatus.CLOSED:
        return None
    return conversation


def mail_receive(raw: bytes) -> Received | None:
    """Store one mail as a message (once: a Message-ID already stored is skipped); None when
    it is not stored (automatic, already stored, or refused)."""
    try:
        letter = letter_parse(raw)
    except Exception as exc:
        log.warning("an e-mail could not be parsed: %s", type(exc).__name__)
        return None
    if letter is None:
        return None
    if MailMessageId.objects.filter(digest=mail_id_digest(letter.message_id)).exists():
        return None
    keys: list[str] = []
    try:
        with transaction.atomic():
            conversation = _thread_of(letter)
            received: Received | None
            if conversation is None:
                received = message_receive(
                    channel=Channel.EMAIL,
                    sender_id=letter.sender,
                    text=letter.text,
                    language=letter.language,
                    name=letter.name,
                    files=letter.files,
                )
            elif sender_admitted(Channel.EMAIL, conversation.sender_index, letter.text):
                message = message_add_from_applicant(
                    conversation=conversation, text=letter.text, files=letter.files
                )
                received = Received(conversation, message, "")
            else:
                received = None
            if received is None:  # a blocked or over-limit sender (abuse.py): stored nowhere
                return None
            keys = [a.storage_key for a in received.message.attachments.all()]
            with transaction.atomic():
                mail_id_remember(
                    conversation=received.conversation,
                    header=letter.message_id,
                    direction=Direction.IN,
                    message=received.message,
                )
            if received.code:
                email_welcome_queue(received.conversation, received.code)
    except IntegrityError:  # another fetch stored the same mail meanwhile
        attachment_keys_discard(keys)
        return None
    except ApplicationError as exc:
        attachment_keys_discard(keys)
        log.warning("an e-mail was not stored: %s", exc.code)
        return None
    return received


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _connect() -> imaplib.IMAP4:
    host, port, mode = (
        settings.QORGAU_IMAP_HOST,
        settings.QORGAU_IMAP_PORT,
        settings.QORGAU_IMAP_SSL,
    )
    if mode == "ssl":
        imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            host, port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT_SECONDS
        )
    else:
        if mode == "off" and not _loopback(host):
            raise ImproperlyConfigured("QORGAU_IMAP_SSL=off is allowed only for a loopback host.")
        imap = imaplib.IMAP4(host, port, timeout=TIMEOUT_SECONDS)
        if mode == "starttls":
            imap.starttls(ssl.create_default_context())
    imap.login(settings.QORGAU_IMAP_USER, settings.QORGAU_IMAP_PASSWORD)
    return imap


def _size(imap: imaplib.IMAP4, uid: str) -> int:
    _typ, data = imap.uid("FETCH", uid, "(RFC822.SIZE)")
    found = re.search(rb"RFC822\.SIZE (\d+)", data[0] if isinstance(data[0], bytes) else b"")
    return int(found.group(1)) if found else 0


def mail_fetch() -> FetchResult:
    """One pass over the mailbox's unseen mails; nothing to do without QORGAU_IMAP_HOST."""
    result = FetchResult()
    if not settings.QORGAU_IMAP_HOST:
        return result
    imap = _connect()
    try:
        imap.select(settings.QORGAU_IMAP_FOLDER)
        _typ, data = imap.uid("SEARCH", "UNSEEN")
        for uid in data[0].decode().split() if data and data[0] else []:
            if _size(imap, uid) > MAIL_MAX_BYTES:
                log.warning("an e-mail over %d bytes was left in the mailbox", MAIL_MAX_BYTES)
                received = None
            else:
                _typ, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((part[1] for part in parts if isinstance(part, tuple)), b"")
                received = mail_receive(raw) if raw else None
            # Flagged only after the message's transaction committed (idempotent on retry).
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            if received is None:
                result.ignored += 1
            else:
                result.stored += 1
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            imap.logout()
    return result


def mail_fetch_due() -> None:
    """The workers' sweep: one pass; a mailbox that cannot be reached is logged, not raised
    (the next sweep tries again)."""
    try:
        mail_fetch()
    except (imaplib.IMAP4.error, OSError, ImproperlyConfigured) as exc:
        log.warning("the mailbox could not be read: %s", type(exc).__name__)
