"""Browser journey in Debian's Chromium, in Kazakh (rule 6(f)): a child writes to 111 on a
phone (390 px) and gets a number and code; a consultant replies from the inbox (1280 px); the
child reads the reply with the number and code. Screenshots go to var/screenshots/written/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
SHOTS = Path("var/screenshots/written")
TEXT = "Сыныптағы балалар мені күнде мазақтайды. Мұғалімге айтуға қорқамын."
REPLY = "Сен дұрыс жасадың, бізге жазғаның жақсы. Сен жалғыз емессің."


def _shot(page: Any, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_child_writes_consultant_replies_child_reads(live_server, browser, personas):
    child = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 900})
    child.goto(f"{live_server.url}/status/")
    child.get_by_role("main").get_by_role("link", name="Бізге жазыңыз").click()
    child.wait_for_url("**/write/")
    _shot(child, "write", 390)
    child.fill("textarea[name=text]", TEXT)
    child.get_by_role("button", name="Жіберу").click()
    number = child.locator("#written-number").inner_text().strip()
    code = child.locator("#written-code").inner_text().strip()
    assert number.startswith("W-") and len(code) == 14
    assert code not in child.url and TEXT not in child.content()
    _shot(child, "number-and-code", 390)

    staff = browser.new_page(locale="kk-KZ", viewport={"width": 1280, "height": 900})
    sign_in(staff, live_server.url, "consultant", "appeals")
    staff.get_by_role("link", name="Жазбаша өтініштер").click()
    staff.wait_for_url("**/inbox/")
    _shot(staff, "inbox", 1280)
    staff.get_by_role("link", name=number).click()
    staff.get_by_text(TEXT).wait_for()
    staff.get_by_role("button", name="Бұл хат алмасуды алу").click()
    staff.get_by_text("consultant алды").wait_for()  # the page came back (htmx), taken
    staff.fill("textarea[name=text]", REPLY)
    staff.get_by_role("button", name="Жауапты жіберу").click()
    staff.get_by_text(REPLY).wait_for()
    _shot(staff, "thread", 1280)

    child.goto(f"{live_server.url}/conversation/")
    child.fill("input[name=number]", number)
    child.fill("input[name=code]", code)
    child.get_by_role("button", name="Хаттарды көрсету").click()
    child.get_by_text(REPLY).wait_for()
    assert code not in child.url and number not in child.url
    _shot(child, "reply", 390)
