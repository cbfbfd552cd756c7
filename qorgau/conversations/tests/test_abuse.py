"""Abuse without outside services (rule 5): a per-sender limit for messengers and e-mail, a
proof of work on the public form with a no-script fallback, a body size limit, and the
supervisors' block list. A risky message (rule 6(j)) is never dropped by a limit or a block."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from qorgau.audit.models import AuditRecord
from qorgau.conversations.actions import ConversationData, conversation_open, sender_block
from qorgau.conversations.inbound import message_receive
from qorgau.conversations.models import BlockedSender, Channel, Conversation, Message
from qorgau.conversations.proof import SALT, challenge_new, solve
from qorgau.core.errors import Forbidden
from qorgau.testing import PERSONA_NAMES, signed_in

pytestmark = pytest.mark.django_db

RISKY = "Мені зорлады, көмектесіңіздер"
CHALLENGE_RE = re.compile(r'name="proof_challenge" value="([^"]+)"')
NUMBER_RE = re.compile(r'id="written-number">([^<]+)<')


@pytest.fixture(autouse=True)
def _easy_proof(settings):
    settings.WRITE_PROOF_BITS = 8  # the same check, solved quickly in tests


def _client(language: str = "kk", address: str = "10.8.0.1") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)


def _challenge(client: Client) -> str:
    return CHALLENGE_RE.search(client.get("/write/").content.decode()).group(1)


def _post(client: Client, text: str = "Сәлем", **fields: str):
    return client.post("/write/", {"text": text, **fields})


# -- the per-sender limit -----------------------------------------------------------------------


def test_a_sender_past_the_limit_is_dropped_but_a_risky_message_is_kept(settings):
    settings.SENDER_MAX_MESSAGES = 3
    got = [
        message_receive(channel=Channel.WHATSAPP, sender_id="7701", text="сәлем") for _ in "12345"
    ]
    assert [r is not None for r in got] == [True, True, True, False, False]
    assert Message.objects.count() == 3
    risky = message_receive(channel=Channel.WHATSAPP, sender_id="7701", text=RISKY)
    assert risky is not None and Message.objects.count() == 4
    assert Conversation.objects.get().urgent
    # another sender, or the same id on another channel, has its own count
    assert message_receive(channel=Channel.WHATSAPP, sender_id="7702", text="сәлем") is not None
    assert message_receive(channel=Channel.EMAIL, sender_id="7701", text="сәлем") is not None


def test_the_window_starts_again_after_it_expires(settings):
    from qorgau.conversations.models import SenderWindow

    settings.SENDER_MAX_MESSAGES = 1
    assert message_receive(channel=Channel.TELEGRAM, sender_id="1", text="а") is not None
    assert message_receive(channel=Channel.TELEGRAM, sender_id="1", text="б") is None
    SenderWindow.objects.update(started=timezone.now() - timedelta(hours=1))
    assert message_receive(channel=Channel.TELEGRAM, sender_id="1", text="в") is not None


# -- the proof of work --------------------------------------------------------------------------


def test_a_solved_challenge_is_accepted_and_cannot_be_replayed(settings):
    client = _client()
    challenge = _challenge(client)
    nonce = solve(challenge, settings.WRITE_PROOF_BITS)
    fields = {"proof_challenge": challenge, "proof_nonce": nonce}
    assert _post(client, **fields).status_code == 200
    assert Conversation.objects.count() == 1

    replay = _post(_client("ru", "10.8.0.2"), **fields)
    assert replay.status_code == 422
    assert "Форма устарела или уже была отправлена" in replay.content.decode()
    assert Conversation.objects.count() == 1


@pytest.mark.parametrize("case", ["forged", "wrong_nonce", "stale", "garbage"])
def test_a_bad_proof_is_refused_in_kazakh_and_nothing_is_stored(settings, case):
    client = _client()
    challenge = _challenge(client)
    nonce = solve(challenge, settings.WRITE_PROOF_BITS)
    if case == "forged":
        challenge = challenge[:-2] + ("AA" if not challenge.endswith("AA") else "BB")
    elif case == "wrong_nonce":
        nonce = next(
            str(n)
            for n in range(10**6)
            if solve(challenge, 0)
            and str(n) != nonce
            and not _good(challenge, str(n), settings.WRITE_PROOF_BITS)
        )
    elif case == "stale":
        settings.WRITE_PROOF_MAX_AGE_SECONDS = -1
    else:
        challenge, nonce = "x:y:z", "12"
    page = _post(client, proof_challenge=challenge, proof_nonce=nonce)
    assert page.status_code == 422
    assert "Форманың мерзімі өтті немесе ол жіберілген" in page.content.decode()
    assert Conversation.objects.count() == 0
    assert 'name="proof_challenge" value="' in page.content.decode()  # a fresh one to retry


def _good(challenge: str, nonce: str, bits: int) -> bool:
    import hashlib

    from qorgau.conversations.proof import leading_zero_bits

    return leading_zero_bits(hashlib.sha256(f"{challenge}{nonce}".encode()).digest()) >= bits


def test_a_challenge_is_signed_and_timestamped():
    challenge = challenge_new()
    assert signing.TimestampSigner(salt=SALT).unsign(challenge, max_age=60)
    assert challenge != challenge_new()


def test_without_script_the_form_works_within_a_stricter_limit(settings):
    settings.WRITE_UNPROVEN_MAX = 2
    client = _client("ru", "10.8.0.9")
    assert _post(client).status_code == 200
    assert _post(client, proof_challenge=_challenge(client), proof_nonce="").status_code == 200
    third = _post(client)
    assert third.status_code == 429
    assert "позвоните 111" in third.content.decode()
    assert Conversation.objects.count() == 2
    assert _post(client, RISKY).status_code == 200  # a risky message still gets through
    assert Conversation.objects.filter(urgent=True).count() == 1
    # with the script's proof the same address is not held by the stricter limit
    challenge = _challenge(client)
    fields = {"proof_challenge": challenge, "proof_nonce": solve(challenge, 8)}
    assert _post(client, **fields).status_code == 200


# -- the body size limit ------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "words"), [("kk", "тым ұзын"), ("ru", "слишком длинное")])
def test_a_too_large_public_post_gets_a_page_in_the_visitors_language(language, words, settings):
    settings.PUBLIC_BODY_BYTES = 64 * 1024  # really the room for five 10 MB files and the text
    page = _client(language).post("/write/", {"text": "ы" * 40_000})
    assert page.status_code == 413
    assert page["Content-Type"].startswith("text/html")
    assert words in page.content.decode()
    assert Conversation.objects.count() == 0


# -- the block list -----------------------------------------------------------------------------


def _messenger_conversation() -> Conversation:
    received = message_receive(channel=Channel.TELEGRAM, sender_id="42", text="бір")
    assert received is not None
    return received.conversation


def test_a_supervisor_blocks_a_sender_audited_and_their_messages_go_nowhere(personas):
    conversation = _messenger_conversation()
    page = signed_in(personas["supervisor"]).post(
        f"/inbox/{conversation.number}/block", {"reason": "Бір сағатта жүз бос хабар"}
    )
    assert page.status_code == 302
    row = AuditRecord.objects.get(action="conversation.block", object_ref=conversation.number)
    assert row.reason == "Бір сағатта жүз бос хабар"
    assert message_receive(channel=Channel.TELEGRAM, sender_id="42", text="екі") is None
    assert Message.objects.count() == 1

    risky = message_receive(channel=Channel.TELEGRAM, sender_id="42", text=RISKY)
    assert risky is not None and Message.objects.count() == 2
    assert Conversation.objects.get(pk=conversation.pk).urgent

    listing = signed_in(personas["supervisor"]).get("/inbox/blocked/").content.decode()
    assert conversation.number in listing and "Бір сағатта жүз бос хабар" in listing
    blocked = BlockedSender.objects.get()
    assert (
        signed_in(personas["supervisor"]).post(f"/inbox/blocked/{blocked.pk}/unblock").status_code
        == 302
    )
    assert AuditRecord.objects.filter(action="conversation.unblock").count() == 1
    assert message_receive(channel=Channel.TELEGRAM, sender_id="42", text="үш") is not None


def test_a_block_needs_a_reason(personas):
    conversation = _messenger_conversation()
    page = signed_in(personas["supervisor"]).post(
        f"/inbox/{conversation.number}/block", {"reason": " "}
    )
    assert page.status_code == 422 and "неге бұғатталатынын" in page.content.decode()
    assert not BlockedSender.objects.exists()


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_only_supervisors_block_and_unblock(personas, persona):
    conversation = _messenger_conversation()
    client = signed_in(personas[persona])
    block = client.post(f"/inbox/{conversation.number}/block", {"reason": "спам"})
    listing = client.get("/inbox/blocked/")
    if persona == "supervisor":
        assert block.status_code == 302 and listing.status_code == 200
    else:
        assert block.status_code == 403 and listing.status_code == 403
        assert not BlockedSender.objects.exists()
    blocked = sender_block(actor=personas["supervisor"], conversation=conversation, reason="спам")
    unblock = client.post(f"/inbox/blocked/{blocked.pk}/unblock")
    assert unblock.status_code == (302 if persona == "supervisor" else 403)


def test_a_consultant_cannot_block_by_the_action_either(personas):
    with pytest.raises(Forbidden):
        sender_block(
            actor=personas["consultant"], conversation=_messenger_conversation(), reason="x"
        )


def test_the_web_form_blocks_by_the_address_and_lets_risk_through(personas):
    child = _client(address="10.8.1.1")
    page = _post(child, "бірінші")
    conversation = Conversation.objects.get(number=NUMBER_RE.search(page.content.decode()).group(1))
    sender_block(actor=personas["supervisor"], conversation=conversation, reason="спам")
    again = _post(child, "екінші")
    assert again.status_code == 200 and NUMBER_RE.search(again.content.decode())  # looks sent
    assert Conversation.objects.count() == 1
    assert _post(child, RISKY).status_code == 200
    assert Conversation.objects.filter(urgent=True).count() == 1
    assert _post(_client(address="10.8.1.2"), "басқа").status_code == 200  # others are not blocked
    assert Conversation.objects.count() == 3


def test_a_conversation_without_a_sender_cannot_be_blocked(personas):
    conversation, _ = conversation_open(data=ConversationData(text="сәлем"), language="kk")
    page = signed_in(personas["supervisor"]).post(
        f"/inbox/{conversation.number}/block", {"reason": "x"}
    )
    assert page.status_code == 422


def test_a_blocked_web_sender_writing_more_is_not_stored_unless_risky(personas):
    child = _client(address="10.8.2.1")
    page = _post(child, "бірінші")
    html = page.content.decode()
    number = NUMBER_RE.search(html).group(1)
    code = re.search(r'id="written-code">([^<]+)<', html).group(1)
    sender_block(
        actor=personas["supervisor"],
        conversation=Conversation.objects.get(number=number),
        reason="спам",
    )
    more = child.post("/conversation/", {"number": number, "code": code, "text": "тағы"})
    assert more.status_code == 200 and Message.objects.count() == 1
    child.post("/conversation/", {"number": number, "code": code, "text": RISKY})
    assert Message.objects.count() == 2 and Conversation.objects.get(number=number).urgent


def test_a_form_without_a_challenge_counts_as_unproven(settings):
    settings.WRITE_UNPROVEN_MAX = 1
    client = _client(address="10.8.3.1")
    assert _post(client, proof_challenge="", proof_nonce="123").status_code == 200
    assert _post(client, proof_challenge="", proof_nonce="123").status_code == 429


def test_the_alert_sound_is_the_short_wav_these_lines_make():
    import math
    import wave
    from io import BytesIO
    from pathlib import Path

    rate, frames = 8000, bytearray()
    for tone, seconds in ((880, 0.15), (0, 0.05), (1175, 0.2)):
        n = int(rate * seconds)
        for i in range(n):
            envelope = min(1, i / 80, (n - i) / 200) if tone else 0
            value = int(128 + 90 * envelope * math.sin(2 * math.pi * tone * i / rate))
            frames.append(max(0, min(255, value)))
    made = BytesIO()
    with wave.open(made, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    static = Path(__file__).parents[1] / "static" / "conversations" / "alert.wav"
    assert static.read_bytes() == made.getvalue()
