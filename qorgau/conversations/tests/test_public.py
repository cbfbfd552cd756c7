"""The public flow of written conversations (rule 6(f)): a child writes without signing in,
gets a number and a code, reads the centre's reply and writes more; a wrong code and an unknown
number answer alike and are throttled; the honeypot; nothing secret in URLs or logs."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from qorgau.conversations.actions import message_reply
from qorgau.conversations.models import Conversation, Message

pytestmark = pytest.mark.django_db

TEXT = "Мені үйде ұрады, не істеймін"
REPLY = "Сен жалғыз емессің, біз көмектесеміз"
NUMBER_RE = re.compile(r'id="written-number">([^<]+)<')
CODE_RE = re.compile(r'id="written-code">([^<]+)<')


def _client(language: str = "kk", address: str = "10.3.0.1") -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)


def _write(client: Client, **fields: str) -> tuple[str, str]:
    page = client.post("/write/", {"text": TEXT, **fields})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert TEXT not in html  # never the text back
    return NUMBER_RE.search(html).group(1), CODE_RE.search(html).group(1)


def test_the_write_form_works_without_signing_in_in_kazakh():
    page = _client().get("/write/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="text"' in html and "required" in html
    assert "<script>" not in html.split("</head>")[1]


def test_write_read_reply_write_more(personas, caplog):
    caplog.set_level(logging.DEBUG)
    child = _client()
    number, code = _write(child, contact="+7 701 555 12 34")
    conversation = Conversation.objects.get(number=number)
    assert conversation.messages.get().text == TEXT

    opened = child.post("/conversation/", {"number": number, "code": code})
    assert opened.status_code == 200 and "no-store" in opened["Cache-Control"]
    assert TEXT in opened.content.decode()

    message_reply(actor=personas["consultant"], conversation=conversation, text=REPLY)
    again = child.post("/conversation/", {"number": number, "code": code.lower()})
    html = again.content.decode()
    assert html.index(TEXT) < html.index(REPLY)  # oldest first
    assert "consultant" not in html  # the centre answers, never a staff name

    more = child.post("/conversation/", {"number": number, "code": code, "text": "Рахмет"})
    assert more.status_code == 200 and "Рахмет" in more.content.decode()
    assert [m.direction for m in conversation.messages.all()] == ["in", "out", "in"]

    for secret in (code, code.replace("-", ""), TEXT, REPLY, "555 12 34"):
        assert secret not in caplog.text
    for page in (opened, again, more):
        assert not re.search(
            rf'href="[^"]*({re.escape(code)}|{re.escape(number)})', page.content.decode()
        )


@pytest.mark.parametrize(
    ("language", "words"),
    [("kk", "табылмады"), ("ru", "не найдена")],
)
def test_wrong_code_and_unknown_number_answer_alike(language, words):
    number, _ = _write(_client(address="10.3.0.2"))
    client = _client(language, address="10.3.0.3")
    wrong = client.post("/conversation/", {"number": number, "code": "AAAA-BBBB-CCCC"})
    unknown = client.post("/conversation/", {"number": "W-2026-999999", "code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == unknown.status_code == 404
    assert words in wrong.content.decode()

    def page(response) -> str:  # the same page but for the number typed and the CSRF token
        html = response.content.decode().replace(number, "").replace("W-2026-999999", "")
        return re.sub(r"[A-Za-z0-9]{64}", "", html)

    assert page(wrong) == page(unknown)


def test_guessing_is_throttled_per_address_and_a_right_code_works_elsewhere():
    number, code = _write(_client(address="10.3.0.4"))
    guesser = _client("ru", address="10.3.0.5")
    for _ in range(5):
        assert guesser.post("/conversation/", {"number": number, "code": "X"}).status_code == 404
    blocked = guesser.post("/conversation/", {"number": number, "code": code})
    assert blocked.status_code == 429 and "попыток" in blocked.content.decode()
    assert (
        _client(address="10.3.0.6")
        .post("/conversation/", {"number": number, "code": code})
        .status_code
        == 200
    )


def test_writing_is_rate_limited_per_address(settings):
    settings.WRITE_UNPROVEN_MAX = 100  # the no-script limit is tested in test_abuse.py
    client = _client(address="10.3.0.7")
    for _ in range(30):
        assert client.post("/write/", {"text": "x"}).status_code == 200
    assert client.post("/write/", {"text": "x"}).status_code == 429
    assert Conversation.objects.count() == 30


def test_a_child_who_forgets_the_text_is_not_locked_out():
    client = _client(address="10.3.0.8")
    for _ in range(6):
        assert client.post("/write/", {"text": ""}).status_code == 422
    assert client.post("/write/", {"text": TEXT}).status_code == 200


def test_honeypot_answers_the_same_page_and_keeps_nothing():
    page = _client().post("/write/", {"text": "buy pills", "website": "http://spam"})
    html = page.content.decode()
    assert page.status_code == 200
    assert NUMBER_RE.search(html) and CODE_RE.search(html)
    assert not Conversation.objects.exists() and not Message.objects.exists()


@pytest.mark.parametrize(("language", "words"), [("kk", "Не болғанын"), ("ru", "что случилось")])
def test_empty_text_is_refused_in_the_users_language(language, words):
    page = _client(language).post("/write/", {"text": "  ", "contact": "8 777"})
    assert page.status_code == 422
    html = page.content.decode()
    assert words in html and 'value="8 777"' in html  # what was typed is kept
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("kind", "name", "stored_kind", "stored_name", "status"),
    [
        ("anonymous", "", "anonymous", "", 200),
        ("anonymous", "Айгерім", "anonymous", "", 200),  # chose anonymous: the name is not kept
        ("individual", "Айгерім", "individual", "Айгерім", 200),
        ("organisation", "№12 мектеп", "organisation", "№12 мектеп", 200),
        ("organisation", "", None, None, 422),
        ("individual", "", None, None, 422),
        ("somebody", "x", None, None, 422),
    ],
)
def test_who_writes_is_chosen_on_the_form(kind, name, stored_kind, stored_name, status):
    client = Client()
    client.cookies["django_language"] = "kk"
    answer = client.post("/write/", {"text": "Көмек керек", "kind": kind, "name": name})
    assert answer.status_code == status
    if status == 200:
        conversation = Conversation.objects.get()
        assert (conversation.applicant_kind, conversation.name) == (stored_kind, stored_name)
    else:
        assert not Conversation.objects.exists()
        assert "Көмек керек" in answer.content.decode()  # what was typed is kept
