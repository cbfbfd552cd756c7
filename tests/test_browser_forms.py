"""Browser tests in Debian's Chromium, in Kazakh: the new-appeal form during a live call (Back
and a second submit give one appeal, the draft comes back, Enter does not submit), "?" opens
the shortcut overlay, and the status change on the appeal page. Screenshots at 390 and 1280 px
go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
WIDTHS = [390, 1280]


def _consultant_page(browser: Any, live_server: Any, make_user: Any, width: int) -> Any:
    make_user("operator", "consultant")
    page = browser.new_page(locale="kk-KZ", viewport={"width": width, "height": 900})
    sign_in(page, live_server.url, "operator", "appeals")
    return page


def _fill(page: Any) -> None:
    page.select_option("select[name=region]", "almaty")
    page.select_option("select[name=direction]", "4")
    page.fill("input[name=summary]", "Бала үйде жалғыз")
    page.fill("input[name='applicant.name']", "Көрші")


def _shot(page: Any, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_back_and_submit_again_gives_one_appeal(live_server, browser, make_user, width):
    from qorgau.appeals.models import Appeal

    page = _consultant_page(browser, live_server, make_user, width)
    page.goto(f"{live_server.url}/appeals/new/")
    _fill(page)
    page.click("button[type=submit][accesskey=s]")
    number = page.locator("#number").inner_text()
    _shot(page, "forms-registered", width)
    page.go_back()
    page.wait_for_selector("#appeal-form")
    if not page.input_value("input[name=summary]"):  # the browser did not keep what was typed
        _fill(page)
    page.click("button[type=submit][accesskey=s]")
    assert page.locator("#number").inner_text() == number
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_draft_comes_back_and_enter_does_not_submit(live_server, browser, make_user, width):
    from qorgau.appeals.models import Appeal

    page = _consultant_page(browser, live_server, make_user, width)
    page.goto(f"{live_server.url}/appeals/new/")
    _fill(page)
    page.focus("input[name=summary]")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.url.endswith("/appeals/new/") and Appeal.objects.count() == 0
    key = page.input_value("input[name=form_key]")
    page.on("dialog", lambda dialog: dialog.accept())  # the "leave a half-filled form?" question
    page.goto(f"{live_server.url}/appeals/")
    page.goto(f"{live_server.url}/appeals/new/")
    assert page.input_value("input[name=summary]") == "Бала үйде жалғыз"
    assert page.input_value("select[name=region]") == "almaty"
    assert page.input_value("input[name=form_key]") == key
    _shot(page, "forms-draft", width)
    page.click("button[type=submit][accesskey=s]")
    page.locator("#number").wait_for()
    page.goto(f"{live_server.url}/appeals/new/")
    assert page.input_value("input[name=summary]") == ""  # cleared after registering
    assert page.input_value("input[name=form_key]") != key


@pytest.mark.parametrize("width", WIDTHS)
def test_question_mark_opens_the_shortcut_overlay(live_server, browser, make_user, width):
    page = _consultant_page(browser, live_server, make_user, width)
    page.goto(f"{live_server.url}/appeals/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")
    overlay = page.locator("#shortcuts")
    overlay.wait_for(state="visible")
    assert "Пернетақта тіркесімдері" in overlay.inner_text()
    _shot(page, "forms-shortcuts", width)
    page.keyboard.press("Escape")
    overlay.wait_for(state="hidden")


@pytest.mark.parametrize("width", WIDTHS)
def test_status_change_updates_the_heading(live_server, browser, make_user, register, width):
    number = register()["number"]
    page = _consultant_page(browser, live_server, make_user, width)
    page.goto(f"{live_server.url}/appeals/{number}/")
    page.select_option("#status-change select[name=to]", "answered")
    page.click("#status-change button[type=submit]")
    page.locator("#appeal-header .status").get_by_text("Жауап берілді").wait_for()
    # the history is on the timeline, which reloads after the move
    page.locator("#timeline .tl-status", has_text="Жауап берілді").wait_for()
    page.select_option("#status-change select[name=to]", "closed")
    page.click("#status-change button[type=submit]")
    page.locator("#confirm-close").wait_for()
    _shot(page, "forms-confirm-close", width)
    page.click("#confirm-close button[type=submit]")
    page.locator("#appeal-header .status").get_by_text("Жабылды").wait_for()
