"""Browser journeys of the written-appeals inbox in Debian's Chromium, in Kazakh (rules 6(f),
6(j)): a consultant at 1280 px opens the urgent queue, takes a conversation and replies; a
supervisor on a phone (390 px) sees an overdue first reply on the breach page. Screenshots go
to var/screenshots/inbox/."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from qorgau.conversations.actions import ConversationData, conversation_open
from qorgau.conversations.models import Conversation
from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
SHOTS = Path("var/screenshots/inbox")
TEXT = "Үйде әкем ұрады, қорқамын"
REPLY = "Сен жалғыз емессің. Қазір көмектесеміз."


def _shot(page: Any, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def _open(minutes_ago: int, *, urgent: bool = False) -> str:
    conversation, _code = conversation_open(data=ConversationData(text=TEXT), language="kk")
    then = timezone.now() - timedelta(minutes=minutes_ago)
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=then, last_inbound_at=then, urgent=urgent
    )
    return conversation.number


def test_consultant_takes_an_urgent_conversation_and_replies(live_server, browser, personas):
    _open(3)
    urgent = _open(2, urgent=True)
    staff = browser.new_page(locale="kk-KZ", viewport={"width": 1280, "height": 900})
    sign_in(staff, live_server.url, "consultant", "appeals")
    staff.goto(f"{live_server.url}/inbox/")
    rows = staff.locator("li.conversation")
    assert rows.first.get_attribute("id") == f"conversation-{urgent}"  # urgent first
    staff.locator("#queue-urgent").click()
    staff.wait_for_url("**queue=urgent**")
    assert staff.locator("li.conversation").count() == 1
    _shot(staff, "urgent-queue", 1280)
    staff.get_by_role("link", name=urgent).click()
    staff.get_by_text(TEXT).wait_for()
    staff.get_by_role("button", name="Бұл хат алмасуды алу").click()
    staff.get_by_text("consultant алды").wait_for()
    staff.fill("textarea[name=text]", REPLY)
    staff.get_by_role("button", name="Жауапты жіберу").click()
    staff.get_by_text(REPLY).wait_for()
    _shot(staff, "replied", 1280)
    saved = Conversation.objects.get(number=urgent)
    assert saved.assigned == personas["consultant"] and saved.first_reply_at is not None


def test_supervisor_sees_an_overdue_first_reply_on_a_phone(live_server, browser, personas):
    late = _open(75)
    on_time = _open(5)
    phone = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 900})
    sign_in(phone, live_server.url, "supervisor", "appeals")
    phone.goto(f"{live_server.url}/inbox/breaches/")
    phone.locator(f"#breach-{late}").wait_for()
    assert phone.locator(f"#breach-{on_time}").count() == 0
    assert TEXT not in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    _shot(phone, "breaches", 390)


def test_a_reply_starts_from_an_article_and_is_not_sent_by_itself(live_server, browser, personas):
    from qorgau.knowledge.actions import kb_import

    kb_import(
        lines=[
            '{"id": "home-kk", "lang": "kk", "title": "Үйдегі зорлық", "body": '
            '"Полицияға 102 нөмірі арқылы хабарласыңыз.", "tags": [], "direction": "2"}'
        ]
    )
    number = _open(1)
    staff = browser.new_page(locale="kk-KZ", viewport={"width": 1280, "height": 900})
    sign_in(staff, live_server.url, "consultant", "appeals")
    staff.goto(f"{live_server.url}/inbox/{number}/")
    staff.fill("textarea[name=text]", "Сәлем!")
    staff.fill("input[name=q]", "зорлық")
    staff.press("input[name=q]", "Enter")  # the search, never the reply
    staff.get_by_text("Үйдегі зорлық").wait_for()
    staff.get_by_role("button", name="Қою").click()
    expect(staff.locator("#reply-text")).to_have_value(re.compile("102"))
    value = staff.locator("#reply-text").input_value()
    assert value.startswith("Сәлем!")
    assert not Conversation.objects.get(number=number).messages.filter(direction="out").exists()
    _shot(staff, "article-inserted", 1280)
