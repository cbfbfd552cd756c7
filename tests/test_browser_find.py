"""Browser test in Debian's Chromium, in Kazakh: a consultant finds an appeal by its number and
by the caller's phone (a POST: the phone never reaches the URL), sorts the list and saves a
filter; screenshots at 390 and 1280 px."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
SHOTS = Path("var/screenshots")


@pytest.mark.parametrize("width", [390, 1280])
def test_find_sort_and_save_in_kazakh(live_server, browser, make_user, register, width):
    make_user("operator", "consultant")
    first = register()["number"]
    other = register(
        region="astana",
        summary="Отбасылық зорлық",
        applicant={"kind": "individual", "name": "Әйел", "phone": "+7 777 100 20 30"},
    )["number"]
    page = browser.new_page(locale="kk-KZ", viewport={"width": width, "height": 900})
    sign_in(page, live_server.url, "operator", "appeals")
    rows = page.locator("table.appeals tbody")

    page.fill("#search input[name=q]", first[-6:])
    page.click("#search button[type=submit]")
    assert rows.get_by_text(first).count() == 1 and rows.get_by_text(other).count() == 0

    page.fill("#search input[name=q]", "8 777 100 20 30")
    page.click("#search button[type=submit]")
    rows.get_by_text(other).wait_for()
    assert rows.get_by_text(first).count() == 0 and "777" not in page.url
    assert "Астана" in rows.inner_text()  # the region by its name

    page.goto(f"{live_server.url}/appeals/")
    page.click("th a[data-sort=region]")  # Алматы, Астана …
    page.click("th a[data-sort=region]")  # … reversed
    page.wait_for_url("**sort=region**")
    assert rows.locator("tr").first.get_by_text(first).count() == 1

    page.fill(".saved-filters input[name=name]", "Өңір бойынша")
    page.click(".saved-filters button:not([name=delete])")
    saved = page.locator(".saved-filters a", has_text="Өңір бойынша")
    saved.wait_for()
    page.screenshot(path=str(SHOTS / f"test_find_sort_and_save_in_kazakh-{width}.png"))
    page.goto(f"{live_server.url}/appeals/")
    saved.click()
    page.wait_for_url("**sort=region**")
    assert rows.locator("tr").first.get_by_text(first).count() == 1
