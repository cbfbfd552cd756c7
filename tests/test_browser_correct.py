"""Browser test in Debian's Chromium, in Kazakh: a consultant opens an appeal, presses
"Correct", changes the region and the phone, saves, and sees the message and the correction on
the appeal's timeline. Screenshots at 390 px and 1280 px go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
SHOTS = Path("var/screenshots")


def _shot(page: Any, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [390, 1280])
def test_consultant_corrects_the_region_and_the_phone(live_server, browser, register, width):
    from qorgau.appeals.models import Appeal, AppealRevision

    number = register()["number"]
    page = browser.new_page(locale="kk-KZ", viewport={"width": width, "height": 900})
    sign_in(page, live_server.url, "consultant", "appeals")
    page.goto(f"{live_server.url}/appeals/{number}/")
    page.click("#correct-link")
    page.wait_for_url(f"**/appeals/{number}/edit/")
    assert page.input_value("input[name='applicant.phone']") == "+77012345678"
    page.select_option("select[name=region]", "astana")
    page.fill("input[name='applicant.phone']", "8 702 999 88 77")
    page.fill("input[name=reason]", "Аймақ пен телефон қате жазылған")
    _shot(page, "test_correct_form", width)
    page.click("#correction-form button[type=submit]")
    page.wait_for_url(f"**/appeals/{number}/")
    message = page.locator("p.done[role=status]").inner_text()
    assert message == "Түзетілді: Өңір, Өтініш берушінің телефоны."
    page.locator("#timeline .tl-correction").wait_for()
    entry = page.locator("#timeline .tl-correction").inner_text()
    assert "Өтініш түзетілді: Өңір, Өтініш берушінің телефоны" in entry
    assert "+77012345678 → +77029998877" in entry
    assert "Аймақ пен телефон қате жазылған" in entry
    page.locator("#timeline .tl-correction").scroll_into_view_if_needed()
    _shot(page, "test_correct_saved", width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    appeal = Appeal.objects.get(number=number)
    assert appeal.region.code == "astana" and appeal.applicant_phone == "+77029998877"
    assert AppealRevision.objects.filter(appeal=appeal).count() == 1
