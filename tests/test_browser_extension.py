"""Browser test in Debian's Chromium (rule 11): an agency officer who is not the head extends the
answer term in the portal, naming the head and uploading the signed decision; the applicant then
sees the new term on the public status page, and nothing about the agency."""

from __future__ import annotations

import os
from datetime import timedelta

from qorgau.agency_requests.models import AgencyReply, AgencyRequest
from qorgau.core.kztime import KZ_TZ
from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS  # Chromium, a live server, skipped without a browser

SHOTS = os.environ.get("QORGAU_SCREENSHOTS", "")  # a folder: save screenshots there


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def test_officer_extends_with_the_signed_decision(
    live_server,
    browser,
    personas,
    make_user,
    register,
    api_as,
    tmp_path,
):
    agency = personas["officer_a"].agency
    agency.name_kk = agency.name_ru = agency.name_en = "Алматы білім басқармасы"
    agency.round_the_clock = True
    agency.save()
    agency.contacts.create(channel="email", address="a@demo-gov.invalid")
    make_user("head_a", "agency_officer", agency=agency, is_agency_head=True, last_name="Оспанов")
    appeal = register(direction=4)
    body = {"agency": agency.pk, "reason": "Мектеп осы басқармаға қарайды"}
    consultant = api_as("consultant")
    request_id = consultant.post(f"/api/v1/appeals/{appeal['number']}/requests", body).json()["id"]
    AgencyRequest.objects.filter(pk=request_id).update(status="delivered")
    until = (AgencyRequest.objects.get(pk=request_id).created_at + timedelta(days=30)).astimezone(
        KZ_TZ
    )
    scan = tmp_path / "sheshim.pdf"
    scan.write_bytes(b"%PDF-1.4 signed decision")

    page = browser.new_page(locale="kk-KZ")
    sign_in(page, live_server.url, "officer_a", "agency")
    page.goto(f"{live_server.url}/agency/requests/{request_id}/")
    form = page.locator("#extension-form")
    assert "басшысы немесе басшының орынбасары" in form.inner_text()
    _shoot(page, "portal-extension")
    form.locator("input[name=until]").fill(until.strftime("%Y-%m-%d"))
    form.locator("input[name=reason]").fill("Сараптама қажет")
    form.locator("select[name=decided_by]").select_option("head_a")
    form.locator("input[name=decision]").set_input_files(str(scan))
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/agency/requests/{request_id}/")
    assert "шешімді head_a қабылдады" in page.locator("ol.history").inner_text()
    assert AgencyReply.objects.get(kind="extension").decided_by.username == "head_a"

    public = browser.new_page(locale="kk-KZ")
    public.goto(f"{live_server.url}/status/")
    public.fill("input[name=number]", appeal["number"])
    public.fill("input[name=code]", appeal["code"])
    public.click("main button[type=submit]")
    result = public.locator("#status-result")
    result.wait_for()
    text = result.inner_text()
    assert f"{until.strftime('%d.%m.%Y')} дейін ұзартылды" in text
    assert "Алматы білім басқармасы" not in public.content() and "Сараптама" not in text
    _shoot(public, "public-extension")
