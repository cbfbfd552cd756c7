"""Every page each role can open fits a phone: at 390 px the document is no wider than the
screen, in the light and the dark scheme (screenshots in var/screenshots/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from qorgau.testing import signed_in
from tests.chromium import BROWSER_MARKS

pytestmark = BROWSER_MARKS

WIDTH = 390
SHOTS = Path("var/screenshots")
ROLES = ["consultant", "supervisor", "quality", "officer_a", "commissioner", "auditor", "admin"]


def _pages(number: str, key: str, request_id: int, written: str) -> list[str]:
    """Every page with a GET answer, the ones with an id filled with a real one."""
    return [
        "/appeals/",
        "/appeals/new/",
        f"/appeals/{number}/",
        f"/appeals/{number}/edit/",
        f"/appeals/{number}/attachments/",
        "/kb/",
        "/kb/editor/",
        "/kb/new/",
        f"/kb/{key}/",
        f"/kb/{key}/edit/",
        "/agency/",
        f"/agency/requests/{request_id}/",
        "/board/deadlines/",
        "/calls/board/",
        "/calls/demands/",
        "/calls/search/",
        "/calls/reviews/",
        "/calls/screen-pop/",
        "/status/",
        "/write/",
        "/conversation/",
        "/inbox/",
        "/inbox/?queue=urgent&lang=kk",
        "/inbox/breaches/",
        f"/inbox/{written}/",
        "/login/enrol/",
        "/no/such/page/",
    ]


def _signed_in_context(browser: Any, base_url: str, user: Any, scheme: str) -> Any:
    """A browser context with the session of Django's test client (second factor given)."""
    client = signed_in(user)
    context = browser.new_context(
        locale="kk-KZ", color_scheme=scheme, viewport={"width": WIDTH, "height": 800}
    )
    cookies = [{"name": c.key, "value": c.value, "url": base_url} for c in client.cookies.values()]
    context.add_cookies(cookies)
    return context


@pytest.fixture
def pages(personas: dict[str, Any], register: Any, settings: Any, tmp_path: Path) -> list[str]:
    from qorgau.agencies.models import AgencyContact
    from qorgau.agency_requests.actions.send import request_send
    from qorgau.appeals.models import Appeal
    from qorgau.casework.actions import attachment_add
    from qorgau.conversations.actions import ConversationData, conversation_open, message_reply

    call_command("kb", "starter", verbosity=0)
    appeal = Appeal.objects.get(number=register()["number"])
    agency = personas["officer_a"].agency
    AgencyContact.objects.create(agency=agency, channel="email", address="a@demo-gov.invalid")
    sent = request_send(actor=personas["consultant"], appeal=appeal, agency=agency, reason="test")
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    long_name = "Мектеп_директорының_анықтамасы_және_медициналық_қорытынды_2026.pdf"
    attachment_add(actor=personas["consultant"], appeal=appeal, name=long_name, data=b"%PDF-1.4")
    written, _code = conversation_open(
        data=ConversationData(text="Мені мектепте мазақтайды " * 40), language="kk"
    )
    message_reply(actor=personas["consultant"], conversation=written, text="Біз көмектесеміз")
    return _pages(appeal.number, "kb-school-bullying-kk", sent.pk, written.number)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_a_role_opens_fits_a_phone(live_server, browser, personas, pages, scheme):
    too_wide, opened = [], set()
    for role in ROLES:
        context = _signed_in_context(browser, live_server.url, personas[role], scheme)
        page = context.new_page()
        for path in pages:
            answer = page.goto(live_server.url + path)
            if answer is None or answer.status not in (200, 404):
                continue  # a page this role may not open
            opened.add((role, path))
            slug = path.strip("/").replace("/", "_")
            page.screenshot(
                path=SHOTS / f"phone-{role}-{slug}-{scheme}-{WIDTH}.png", full_page=True
            )
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > WIDTH:
                too_wide.append((role, path, width))
        context.close()
    assert not too_wide
    assert {("consultant", "/appeals/new/"), ("officer_a", "/agency/")} <= opened
    assert ("consultant", "/inbox/") in opened
    assert ("auditor", "/calls/demands/") in opened and ("supervisor", "/calls/board/") in opened
