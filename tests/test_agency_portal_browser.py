"""Browser test in Debian's Chromium, in Kazakh: an agency officer opens a request that reads
as a document, acknowledges it, confirms it and answers, each step said back on the page and
then no longer offered."""

from __future__ import annotations

import re
from pathlib import Path

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS

SHOTS = Path("var/screenshots")


def _shot(page, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(
        path=str(SHOTS / f"test_officer_reads_and_answers_in_kazakh-{width}.png"), full_page=True
    )


def test_officer_reads_and_answers_in_kazakh(live_server, browser, make_user, register):
    from qorgau.agencies.models import Agency, AgencyContact
    from qorgau.agency_requests.actions.send import request_send
    from qorgau.appeals.models import Appeal
    from qorgau.reference.models import Direction, Region

    agency = Agency.objects.create(
        key="almaty.education",
        kind="local",
        name_kk="Алматы қ. білім басқармасы",
        name_ru="Управление образования г. Алматы",
        name_en="Almaty education",
        region=Region.objects.get(code="almaty"),
    )
    agency.directions.set(Direction.objects.filter(code="4"))
    AgencyContact.objects.create(agency=agency, channel="email", address="e@demo-gov.invalid")
    make_user("officer", "agency_officer", agency=agency)
    consultant = make_user("operator", "consultant")
    number = register(
        direction=4,
        urgency="urgent",
        urgency_reason="Баланы ұрып жатыр",
        persons=[{"kind": "woman", "age": 30}, {"kind": "child", "age": 7}],
    )["number"]
    request = request_send(
        actor=consultant, appeal=Appeal.objects.get(number=number), agency=agency
    )

    page = browser.new_page(locale="kk-KZ")
    sign_in(page, live_server.url, "officer", "agency")
    page.click(f"a[href='/agency/requests/{request.pk}/']")
    document = page.locator("#request-document").inner_text()
    assert "Тіркеу нөмірі" in document and number in document
    assert "Әйел, 30 жаста; бала, 7 жаста" in document and "received_at" not in document
    _shot(page, 390)

    page.click("form[action$='/acknowledge/'] button")
    page.wait_for_url(f"**/agency/requests/{request.pk}/")
    assert re.search(r"Алынғаны \d\d:\d\d уақытында расталды", page.content())
    assert page.locator("form[action$='/acknowledge/']").count() == 0

    page.fill("#confirmation-form textarea[name=measures]", "Мектепке инспектор жіберілді")
    page.click("#confirmation-form button[type=submit]")
    page.wait_for_url(f"**/agency/requests/{request.pk}/")
    assert page.locator("#confirmation-form").count() == 0

    page.fill("form[action$='/answer/'] textarea[name=text]", "Сыныппен әңгіме жүргізілді.")
    page.click("form[action$='/answer/'] button[type=submit]")
    page.wait_for_url(f"**/agency/requests/{request.pk}/")
    assert re.search(r"Жауап \d\d:\d\d уақытында жіберілді", page.content())
    assert page.locator("section.replies form").count() == 0
    assert page.locator("#no-steps").is_visible()
    _shot(page, 1280)
