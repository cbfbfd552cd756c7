"""Browser tests in Debian's Chromium, in Kazakh: a supervisor opens an appeal, sees the same
caller's other appeal among the possible duplicates, merges it after the confirmation page, and
the duplicate shows the banner; and a supervisor reassigns an appeal (htmx). Screenshots at
390 px and 1280 px go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
SHOTS = Path("var/screenshots")
SEVERE = ("serious", "critical")


def _shots(page: Any, name: str) -> None:
    """Screenshots at both widths, then axe on the page (also in the dark scheme): no serious
    or critical violation, as tests/test_accessibility.py asks of every page."""
    from axe_playwright_python.sync_playwright import Axe

    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    for scheme in ("dark", "light"):
        page.emulate_media(color_scheme=scheme)
        found = Axe().run(page).response["violations"]
        assert not [v["id"] for v in found if v["impact"] in SEVERE], (name, scheme, found)
    page.emulate_media(color_scheme="dark")
    page.set_viewport_size({"width": 390, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-dark-390.png"), full_page=True)
    page.emulate_media(color_scheme="light")


def test_supervisor_merges_a_duplicate_after_confirming(live_server, browser, register):
    from qorgau.appeals.models import Appeal

    survivor = register()["number"]
    duplicate = register(summary="Мектепте қорлау, қайта қоңырау шалды")["number"]
    page = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "supervisor", "appeals")
    page.goto(f"{live_server.url}/appeals/{survivor}/")
    duplicates = page.locator("#duplicates")
    assert duplicate in duplicates.inner_text()
    assert "Ықтимал қайталанатын өтініштер" in page.locator("#merge-section").inner_text()
    _shots(page, "merge-duplicates")

    page.fill("#merge-section input[name=duplicate]", duplicate)
    page.fill("#merge-section input[name=reason]", "Сол ана екінші рет қоңырау шалды")
    page.click("#merge-section button[type=submit]")
    page.locator("#confirm-merge").wait_for()
    assert duplicate in page.locator("#merge-duplicate").inner_text()
    assert survivor in page.locator("#merge-into").inner_text()
    assert Appeal.objects.get(number=duplicate).merged_into is None
    _shots(page, "merge-confirm")

    page.click("#confirm-merge button[type=submit]")
    page.wait_for_url(f"**/appeals/{survivor}/")
    assert duplicate in page.locator("#merged-here").inner_text()
    page.click(f"#merged-here a:text('{duplicate}')")
    page.wait_for_url(f"**/appeals/{duplicate}/")
    banner = page.locator("#merged-banner")
    assert survivor in banner.inner_text() and "біріктірілді" in banner.inner_text()
    page.locator("#timeline .tl-merge").wait_for()
    assert Appeal.objects.get(number=duplicate).merged_into.number == survivor
    _shots(page, "merge-banner")


def test_supervisor_reassigns_an_appeal(live_server, browser, register, make_user):
    from qorgau.appeals.models import Appeal

    make_user("aliya", "consultant", first_name="Әлия", last_name="Нұрланова")
    number = register()["number"]
    page = browser.new_page(locale="kk-KZ", viewport={"width": 1280, "height": 900})
    sign_in(page, live_server.url, "supervisor", "appeals")
    page.goto(f"{live_server.url}/appeals/{number}/")
    assert page.locator("#assigned-consultant").inner_text() == "consultant"
    page.select_option("#assign-section select[name=consultant]", "aliya")
    page.fill("#assign-section input[name=reason]", "Консультант демалыста")
    _shots(page, "assign-form")
    page.click("#assign-section button[type=submit]")
    page.locator("#assign-section [role=status]").wait_for()
    assert page.locator("#assigned-consultant").inner_text() == "aliya / Әлия Нұрланова"
    assert Appeal.objects.get(number=number).assigned_consultant.username == "aliya"
    page.reload()
    page.locator("#timeline .tl-assignment").wait_for()
    assert "aliya қызметкеріне тағайындады" in page.locator("#timeline").inner_text()
    _shots(page, "assign-done")
