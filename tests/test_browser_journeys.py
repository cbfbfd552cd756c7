"""One journey per role in Debian's Chromium, in Kazakh, as a person would do it. The consultant
takes a call reported by the phone system (its CTI events through the API), registers the appeal
from the screen pop, finds a knowledge-base article and marks it used, then routes, previews and
sends a request; the appeal's one timeline shows the call, the article and the request (rules
6(c), 6(d), 6(i)). The supervisor assigns a call's quality review to the quality officer, who
finds it among their review tasks. (The agency officer's and the administrator's journeys are
tests/test_agency_portal_browser.py and tests/test_browser_admin.py.) Screenshots at 390 and
1280 px go to var/screenshots/journeys/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS

SHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "journeys"
BULLYING = "Мектептегі буллинг (қудалау): ата-ана не істеуі керек"  # kb-school-bullying-kk


def _shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def _page(browser: Any, live_server: Any, username: str, landing: str) -> Any:
    page = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, username, landing)
    return page


def _education_department() -> Any:
    """Almaty's education department: the agency proposed for a school matter in Almaty."""
    from qorgau.agencies.models import Agency, AgencyContact
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
    return agency


def _ring(page: Any, base_url: str, token: str, extension: str) -> None:
    """The phone system reports a call on the Kazakh line, answered at `extension`."""
    at = timezone.now().isoformat()
    events = [
        {"event": "new_call", "caller": "8 701 234 56 78", "called": "111", "line": "kk"},
        {"event": "answer", "extension": extension},
    ]
    for n, event in enumerate(events, start=1):
        answer = page.request.post(
            f"{base_url}/api/v1/cti/events",
            data={"event_id": f"j-{n}", "call_id": "journey-1", "at": at, **event},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.ok, answer.text()


def test_consultant_takes_a_call_registers_uses_an_article_and_sends_a_request(
    live_server, browser, make_user
):
    from qorgau.agency_requests.models import AgencyRequest
    from qorgau.calls.auth import phone_system_register
    from qorgau.calls.models import Call

    agency = _education_department()
    call_command("kb", "starter", verbosity=0)
    make_user("aigerim", "consultant", extension="201")
    token = phone_system_register(name="Asterisk 111")[1]
    page = _page(browser, live_server, "aigerim", "appeals")

    _ring(page, live_server.url, token, "201")
    pop = page.locator("#screen-pop .caller")
    pop.wait_for()  # the list page asks every 2 s: no reload
    assert "Қоңырау жүріп жатыр" in pop.inner_text() and "+77012345678" in pop.inner_text()
    _shoot(page, "consultant-1-screen-pop")

    pop.locator("a[accesskey=r]").click()
    page.wait_for_selector("#appeal-form")
    assert page.input_value("input[name='applicant.phone']") == "+77012345678"
    page.select_option("select[name=region]", "almaty")
    page.select_option("select[name=direction]", "4")
    page.fill("input[name=summary]", "Мектепте баланы сыныптастары қорлайды")
    page.fill("input[name='applicant.name']", "Анасы")
    _shoot(page, "consultant-2-register")
    page.click("button[type=submit][accesskey=s]")
    number = page.locator("#number").inner_text()
    assert Call.objects.get(call_id="journey-1").appeal.number == number
    page.click(f"a[href='/appeals/{number}/']")
    page.wait_for_url(f"**/appeals/{number}/")

    page.fill("#kb-panel input[name=q]", "буллинг")
    hit = page.locator("#kb-results .kb-hit", has_text=BULLYING)
    hit.wait_for()
    hit.locator("button").click()
    page.locator("#kb-used", has_text=BULLYING).wait_for()
    _shoot(page, "consultant-3-article-used")

    page.click("#route-form button[type=submit]")
    page.locator("#preview-content").wait_for()
    assert "Анасы" not in page.locator("#preview-content").inner_text()  # rule 15
    _shoot(page, "consultant-4-preview")
    page.click("#send-form button[type=submit]")
    page.locator("#sent-summary", has_text=agency.name_kk).wait_for()
    assert AgencyRequest.objects.filter(appeal__number=number, agency=agency).exists()

    timeline = page.locator("#timeline")
    timeline.locator(".tl-request", has_text=agency.name_kk).wait_for()
    assert timeline.locator(".tl-call").count() == 1
    assert BULLYING in timeline.locator(".tl-article").inner_text()
    assert "+77012345678" not in timeline.inner_text()  # the caller's number stays off it
    _shoot(page, "consultant-5-timeline")


def test_supervisor_assigns_a_review_the_quality_officer_finds_it(
    live_server, browser, personas, register
):
    from qorgau.appeals.models import Appeal
    from qorgau.calls.auth import phone_system_register
    from qorgau.calls.models import Call, ReviewTask

    number = register()["number"]
    call = Call.objects.create(
        phone_system=phone_system_register(name="PBX")[0],
        call_id="journey-2",
        line="kk",
        state="ended",
        extension="201",
        started_at=timezone.now(),
        appeal=Appeal.objects.get(number=number),
    )
    page = _page(browser, live_server, "supervisor", "appeals")
    page.goto(f"{live_server.url}/calls/search/")
    page.fill("form.call-search input[name=appeal]", number)
    page.click("form.call-search button[type=submit]")
    form = page.locator(f"#found-calls form[hx-post='/calls/{call.pk}/review/']")
    form.wait_for()
    form.locator("select[name=assignee]").select_option("quality")
    form.locator("button[type=submit]").click()
    page.locator("#found-calls [role=status]", has_text="quality").wait_for()
    _shoot(page, "supervisor-1-review-assigned")
    task = ReviewTask.objects.get()
    assert (task.call, task.assignee) == (call, personas["quality"])

    quality = _page(browser, live_server, "quality", "calls/reviews")
    tasks = quality.locator("section.review")
    assert tasks.count() == 1 and f"№{call.pk} қоңырау" in tasks.inner_text()
    _shoot(quality, "quality-1-review-tasks")
