"""The Content-Security-Policy in Debian's Chromium: htmx pages and the Swagger UI work with no
violation reported (an inline script or style the policy blocks shows in the console)."""

from __future__ import annotations

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS  # browser, live database, skipped without Debian's chromium


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else 0)
    return found


def test_pages_and_api_docs_run_under_the_policy(live_server, browser, make_user) -> None:
    make_user("lead", "supervisor")
    page = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 800})
    violations = _violations(page)
    sign_in(page, live_server.url, "lead", "appeals")
    page.goto(f"{live_server.url}/calls/board/")
    page.wait_for_timeout(3500)  # the board refreshes itself through htmx every three seconds
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=20000)  # Swagger UI rendered the operations
    assert not violations, violations
