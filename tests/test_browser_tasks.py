"""Browser test in Debian's Chromium, in Kazakh: on the appeal page a consultant adds an
internal note and plans a callback due in an hour, finds it on My tasks and marks it done with
what was said. Screenshots at 390 px and 1280 px go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
SHOTS = Path("var/screenshots")


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_consultant_notes_plans_a_callback_and_marks_it_done(live_server, browser, register):
    from qorgau.casework.models import FollowUp, Note

    number = register()["number"]
    page = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "consultant", "appeals")
    page.goto(f"{live_server.url}/appeals/{number}/")

    page.locator("#casework form.note-add").wait_for()
    page.fill(
        "#casework form.note-add textarea[name=text]", "Анасы кешкі 19-дан кейін ғана сөйлесе алады"
    )
    page.click("#casework form.note-add button[type=submit]")
    page.locator("#casework .done").wait_for()
    assert "кешкі 19-дан кейін" in page.locator("#casework ul.notes").inner_text()
    page.locator("#timeline .tl-note").wait_for()  # the timeline reloaded
    assert Note.objects.filter(appeal__number=number).count() == 1

    page.click("#casework form.followup-add >> xpath=ancestor::details/summary")
    page.check("#casework form.followup-add input[value=callback]")
    page.fill("#casework form.followup-add textarea[name=what]", "Анасына қайта қоңырау шалу")
    page.click("#casework form.followup-add button[type=submit]")
    page.locator("#casework li.followup").wait_for()
    assert "сағаттан кейін" in page.locator("#casework li.followup").inner_text()
    page.locator("#timeline .tl-followup").wait_for()
    _shot(page, "test_tasks_panel")

    page.click("header nav a[href='/tasks/']")
    page.wait_for_url("**/tasks/")
    item = page.locator("li.followup", has_text="Анасына қайта қоңырау шалу")
    assert number in item.inner_text()
    _shot(page, "test_tasks_my_tasks")

    item.locator("summary", has_text="Орындалды деп белгілеу").click()
    item.locator("textarea[name=result]").fill("Хабарластым: анасы ертең орталыққа келеді")
    item.locator("button", has_text="Орындалды").click()
    page.wait_for_url("**/tasks/")
    page.locator("p.done").wait_for()
    assert "Анасына қайта қоңырау шалу" not in page.locator("main").inner_text()
    done = FollowUp.objects.get(appeal__number=number)
    assert done.done_at and done.result.startswith("Хабарластым")
    _shot(page, "test_tasks_done")
