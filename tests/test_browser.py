"""Browser test in Debian's Chromium: a consultant registers an appeal through
the live-call form, then the applicant looks it up on the public page with the code."""

from __future__ import annotations

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS


def test_register_by_form_then_look_up_publicly(live_server, browser, make_user, register):
    make_user("operator", "consultant")
    earlier = register()["number"]  # the same caller phoned before
    page = browser.new_page(locale="ru-RU")
    sign_in(page, live_server.url, "operator", "appeals")

    page.goto(f"{live_server.url}/appeals/new/")
    page.check("input[name=urgency][value=urgent]")
    page.fill("input[name=urgency_reason]", "Ребёнок один дома")
    page.check("input[name=risk_flags][value=child_without_care]")
    page.select_option("select[name=language]", "ru")
    page.select_option("select[name=region]", "almaty")
    page.select_option("select[name=direction]", "4")
    page.fill("input[name=summary]", "Ребёнок 5 лет один дома")
    page.select_option("select[name='applicant.kind']", "individual")
    page.fill("input[name='applicant.name']", "Соседка")
    page.fill("input[name='applicant.phone']", "87012345678")
    # the caller's earlier appeal appears while the consultant is still typing
    page.locator("#caller").get_by_text(earlier).wait_for(timeout=5000)
    page.click("button[type=submit][accesskey=s]")
    number = page.locator("#number").inner_text()
    code = page.locator("#code").inner_text()
    assert number.startswith("111-") and number != earlier

    public = browser.new_page(locale="kk-KZ")
    public.goto(f"{live_server.url}/status/")
    public.fill("input[name=number]", number)
    public.fill("input[name=code]", code)
    public.click("main button[type=submit]")
    result = public.locator("#status-result")
    result.wait_for()
    text = result.inner_text()
    assert number in text and "тіркелді" in text
    assert "Соседка" not in public.content()


def test_agency_officer_replies_in_the_portal(live_server, browser, make_user, register):
    from qorgau.agencies.models import Agency, AgencyContact
    from qorgau.agency_requests.actions.send import request_send
    from qorgau.agency_requests.models import AgencyRequest
    from qorgau.appeals.models import Appeal
    from qorgau.reference.models import Direction, Region

    agency = Agency.objects.create(
        key="almaty.education",
        kind="local",
        name_kk="Білім",
        name_ru="Образование",
        name_en="Education",
        region=Region.objects.get(code="almaty"),
    )
    agency.directions.set(Direction.objects.filter(code="4"))
    AgencyContact.objects.create(agency=agency, channel="email", address="e@demo-gov.invalid")
    make_user("officer", "agency_officer", agency=agency)
    consultant = make_user("operator", "consultant")
    appeal = Appeal.objects.get(number=register(direction=4)["number"])
    request = request_send(actor=consultant, appeal=appeal, agency=agency)

    page = browser.new_page(locale="kk-KZ")
    sign_in(page, live_server.url, "officer", "agency")
    page.click(f"a[href='/agency/requests/{request.pk}/']")
    page.fill("#confirmation-form textarea[name=measures]", "Мектепке инспектор жіберілді")
    page.click("#confirmation-form button[type=submit]")
    page.wait_for_url(f"**/agency/requests/{request.pk}/")
    assert "Мектепке инспектор жіберілді" in page.content()
    assert AgencyRequest.objects.get(pk=request.pk).status == "confirmed"


def test_screen_pop_opens_the_answered_call(live_server, browser, make_user, register):
    """The phone system reports an answered call; within seconds the
    consultant's page shows it with the caller's earlier appeal, and registering from it fills
    in the caller's phone."""
    from django.test import Client

    from qorgau.calls.auth import phone_system_register

    make_user("operator", "consultant", extension="201")
    earlier = register()["number"]  # appeal_body()'s applicant phone: +7 701 234 56 78
    page = browser.new_page(locale="ru-RU")
    sign_in(page, live_server.url, "operator", "appeals")
    assert "Register an appeal from this call" not in page.content()

    _system, token = phone_system_register(name="PBX")
    pbx = Client(headers={"Authorization": f"Bearer {token}"})
    for n, (event, extra) in enumerate(
        [("new_call", {"caller": "87012345678", "line": "ru"}), ("answer", {"extension": "201"})]
    ):
        body = {
            "event_id": f"e{n}",
            "call_id": "c1",
            "event": event,
            "at": f"2026-11-25T10:00:0{n}+05:00",
        }
        answer = pbx.post("/api/v1/cti/events", {**body, **extra}, content_type="application/json")
        assert answer.status_code == 202

    pop = page.locator("#screen-pop")
    pop.get_by_text(earlier).wait_for(timeout=6000)
    pop.locator("a[accesskey=r]").click()
    page.wait_for_url("**/calls/*/register/")
    assert page.input_value("input[name='applicant.phone']") == "+77012345678"


def test_knowledge_base_search_finds_an_inflected_kazakh_word(live_server, browser, make_user):
    """The consultant types an inflected Kazakh word; the article is found as
    they type (htmx) and opens."""
    from django.core.management import call_command

    call_command("kb", "starter", verbosity=0)
    make_user("operator", "consultant")
    page = browser.new_page(locale="kk-KZ")
    sign_in(page, live_server.url, "operator", "appeals")
    page.goto(f"{live_server.url}/kb/")
    page.fill("input[name=q]", "алименттерді")  # "the alimony payments" (accusative plural)
    first = page.locator(".kb-hit a").first
    first.wait_for(timeout=6000)
    assert "лимент" in first.inner_text()
    first.click()
    page.wait_for_url("**/kb/kb-alimony-**")
    assert "лимент" in page.locator("h1").inner_text()
