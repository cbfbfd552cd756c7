"""Browser test in Debian's Chromium (rule 6(j)): a child writes a risky message on /write/ (the
page's script solves the proof of work); a consultant's inbox, already open, shows the urgent
banner within seconds by htmx polling alone, and the banner goes once the conversation is
taken. Set QORGAU_SCREENSHOTS to a folder to keep screenshots."""

from __future__ import annotations

import os
from pathlib import Path

from django.test import override_settings

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
RISKY = "Өгей әкем мені күнде ұрады, үйге барғым келмейді"


def _shot(page, name: str) -> None:
    folder = os.environ.get("QORGAU_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@override_settings(WRITTEN_ALERT_POLL_SECONDS=1, WRITE_PROOF_BITS=12, WRITE_UNPROVEN_MAX=0)
def test_a_risky_message_raises_the_banner_until_the_conversation_is_taken(
    live_server, browser, personas
):
    from qorgau.conversations.models import Conversation, UsedChallenge

    staff = browser.new_page(locale="kk-KZ", viewport={"width": 1280, "height": 900})
    sign_in(staff, live_server.url, "consultant", "appeals")
    staff.goto(f"{live_server.url}/inbox/")
    staff.wait_for_timeout(1500)
    assert staff.locator(".written-alert").count() == 0

    child = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 900})
    child.goto(f"{live_server.url}/write/")
    child.fill("textarea[name=text]", RISKY)
    child.get_by_role("button", name="Жіберу").click()
    number = child.locator("#written-number").inner_text().strip()
    # stored with the script's proof (the no-script allowance is 0 here), urgent
    assert UsedChallenge.objects.count() == 1
    assert Conversation.objects.get(number=number).urgent

    banner = staff.locator(".written-alert")
    banner.get_by_text(f"Шұғыл жазбаша өтініш {number} күтіп тұр").wait_for(timeout=5000)
    assert RISKY not in staff.content()
    staff.wait_for_function(  # the chime follows the banner's swap (alert.js)
        "n => (document.documentElement.getAttribute('data-written-alert-chimed') || '')"
        ".includes(n)",
        arg=number,
        timeout=5000,
    )
    _shot(staff, "written-alert-kk-1280")

    banner.get_by_role("link", name="Ашып, алу").click()
    staff.wait_for_url(f"**/inbox/{number}/")
    staff.get_by_role("button", name="Бұл хат алмасуды алу").click()
    staff.get_by_text("consultant алды").wait_for()
    staff.locator(".written-alert").wait_for(state="detached", timeout=5000)
    assert Conversation.objects.get(number=number).assigned is not None
