"""Browser test in Debian's Chromium (rule 6(j)): an urgent appeal left without a request shows
up on a supervisor's page within seconds, by htmx polling alone, and goes once the supervisor
lowers the urgency with a reason on the appeal page. Set QORGAU_SCREENSHOTS to a folder to keep
screenshots (kk, 390 px and 1280 px)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from django.test import override_settings
from django.utils import timezone

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS


def _shot(page, name: str) -> None:
    folder = os.environ.get("QORGAU_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@override_settings(URGENT_ALERT_POLL_SECONDS=1)
def test_alert_appears_by_polling_and_goes_when_urgency_is_lowered(
    live_server, browser, make_user, register
):
    from qorgau.appeals.models import Appeal

    make_user("chief", "supervisor")
    page = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 800})
    sign_in(page, live_server.url, "chief", "appeals")
    page.goto(f"{live_server.url}/board/deadlines/")
    assert page.locator(".urgent-alert").count() == 0

    number = register(risk_flags=["suicide"], direction=6)["number"]
    then = timezone.now() - timedelta(minutes=12)
    Appeal.objects.filter(number=number).update(created_at=then)
    alert = page.locator(".urgent-alert")
    alert.get_by_text(number).wait_for(timeout=5000)  # no reload: the page polls
    _shot(page, "alert-kk-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    _shot(page, "alert-kk-1280")

    alert.get_by_text(number).click()
    page.wait_for_url(f"**/appeals/{number}/")
    page.fill("form.lower-urgency input[name=reason]", "Қоңырау шалушы дәрігердің қасында")
    _shot(page, "lower-urgency-kk-1280")
    page.click("form.lower-urgency button[type=submit]")
    page.wait_for_url(f"**/appeals/{number}/")
    assert Appeal.objects.get(number=number).urgency == "normal"
    page.locator(".urgent-alert").wait_for(state="detached", timeout=5000)
    assert "Қоңырау шалушы дәрігердің қасында" in page.content()
    page.set_viewport_size({"width": 390, "height": 800})
    _shot(page, "lowered-kk-390")
