"""Browser test in Debian's Chromium, in Kazakh: on the appeal page the consultant routes,
previews and sends a request to the proposed agency, then writes a letter; both show on the
appeal's timeline. Screenshots at 390 px and 1280 px go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
SHOTS = Path("var/screenshots")


def _shot(page: Any, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_consultant_routes_previews_sends_and_writes_a_letter(live_server, browser, register):
    from qorgau.agencies.models import Agency, AgencyContact
    from qorgau.agency_requests.models import AgencyRequest, Letter
    from qorgau.reference.models import Direction, Region

    agency = Agency.objects.create(
        key="almaty.education",
        kind="local",
        name_kk="Алматы қаласының білім басқармасы",
        name_ru="Управление образования города Алматы",
        name_en="Almaty education department",
        region=Region.objects.get(code="almaty"),
    )
    agency.directions.set(Direction.objects.filter(code="4"))
    AgencyContact.objects.create(agency=agency, channel="email", address="e@demo-gov.invalid")
    number = register(direction=4)["number"]

    page = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "consultant", "appeals")
    page.goto(f"{live_server.url}/appeals/{number}/")
    page.click("#route-form button[type=submit]")
    page.locator("#preview-content").wait_for()
    assert "Айгүл" not in page.locator("#preview-content").inner_text()
    _shot(page, "test_workbench_preview", 390)
    _shot(page, "test_workbench_preview", 1280)
    page.click("#send-form button[type=submit]")
    summary = page.locator("#sent-summary")
    summary.wait_for()
    assert agency.name_kk in summary.inner_text()
    assert AgencyRequest.objects.filter(appeal__number=number, agency=agency).exists()

    page.click("#workbench a")  # back to the workbench
    page.click("#letter-form >> xpath=ancestor::details/summary")
    page.select_option("#letter-form select[name=agency]", str(agency.pk))
    page.fill("#letter-form input[name=subject]", "Мектептегі қорлау туралы")
    page.fill("#letter-form textarea[name=body]", "Мектепте тексеру жүргізуді сұраймыз.")
    page.click("#letter-form button[hx-post]")
    page.locator("#workbench .done").wait_for()
    page.locator("#timeline .tl-letter").wait_for()
    timeline = page.locator("#timeline").inner_text()
    assert "Мектептегі қорлау туралы" in timeline and "Сұрау" in timeline
    assert Letter.objects.filter(appeal__number=number, subject="Мектептегі қорлау туралы").exists()
    _shot(page, "test_workbench_letter", 390)
    _shot(page, "test_workbench_letter", 1280)
