"""Accessibility in Debian's Chromium: axe-core (bundled by axe-playwright-python, no network)
finds no serious or critical violation on any page a role can open, in Kazakh.

The pages are enumerated from the URL resolver (every page route without a parameter, plus the
appeal page and its correction form), so a new page is checked without being listed here. Each
persona's browser gets the session of Django's test client, second factor included, so the
administrator and the auditor are checked too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from qorgau.testing import signed_in
from tests.chromium import BROWSER_MARKS

pytestmark = BROWSER_MARKS

PERSONAS = ["consultant", "supervisor", "quality", "officer_a", "commissioner", "auditor", "admin"]
SKIPPED_PREFIXES = ("api/", "admin/", "i18n/", "logout/", "static/")
SEVERE = ("serious", "critical")


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def page_paths() -> list[str]:
    """Every page route without a parameter (the API, the admin and the language switch aside)."""
    routes = {r for r in _walk(get_resolver().url_patterns) if "<" not in r and "(" not in r}
    return sorted("/" + r for r in routes if not r.startswith(SKIPPED_PREFIXES))


def _severe(axe: Any, page: Any) -> list[str]:
    found = axe.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {node['target']}"
        for v in found
        if v["impact"] in SEVERE
        for node in v["nodes"]
    ]


def _opened(page: Any, url: str) -> bool:
    """True when the role may open the URL and it is a whole page (not an htmx fragment)."""
    from playwright.sync_api import Error

    try:
        answer = page.goto(url)
    except Error:  # an empty answer, such as a 405 to a POST-only look-up
        return False
    return answer is not None and answer.status == 200 and "<html" in answer.text()[:500]


def _context(browser: Any, base_url: str, user: Any | None) -> Any:
    context = browser.new_context(locale="kk-KZ", viewport={"width": 1280, "height": 900})
    if user is not None:
        session = signed_in(user).cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    return context


def _written_conversation() -> str:
    """A written conversation with a reply, for its thread page in the staff inbox."""
    from qorgau.conversations.actions import ConversationData, conversation_open

    conversation, _code = conversation_open(
        data=ConversationData(text="Мені мектепте мазақтайды"), language="kk"
    )
    return conversation.number


def test_no_serious_violation_on_any_page(live_server, browser, personas, register) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    number = register()["number"]
    written = _written_conversation()
    problems: dict[str, list[str]] = {}
    checked = 0
    for name in [None, *PERSONAS]:
        context = _context(browser, live_server.url, personas[name] if name else None)
        page = context.new_page()
        extra = [f"/appeals/{number}/", f"/appeals/{number}/edit/", f"/inbox/{written}/"]
        for path in [*page_paths(), *extra]:
            if not _opened(page, live_server.url + path):
                continue
            page.wait_for_load_state("networkidle")
            checked += 1
            if severe := _severe(axe, page):
                problems[f"{name or 'anonymous'} {path}"] = severe
        context.close()
    assert checked >= 20, f"only {checked} pages opened: the sign-in did not carry over"
    assert not problems, problems
