"""The whole written journey in Debian's Chromium, in Kazakh (rules 6(f), 6(s)): a child on a
phone (390 px) scans a school's QR code, writes without a name and reads the number and code
off the page; a consultant (1280 px) finds the conversation in the inbox, takes it and replies;
the child, on a fresh page, opens /conversation/ with the number and code and reads the reply,
signed by the centre with no staff name. Only what a person sees is used: labels and button
texts."""

from __future__ import annotations

from django.test import override_settings

from qorgau.conversations.models import Conversation
from qorgau.outreach.models import School
from qorgau.reference.models import Region
from qorgau.triage.risk import risk_assess
from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
TEXT = "Сыныптастарым мені мазақ етеді, күлкі қылады. Мектепке барғым келмейді."
REPLY = "Жазғаның үшін рақмет. Бұл сенің кінәң емес. Сынып жетекшіңмен бірге сөйлесейік."
PHONE = {"width": 390, "height": 900}


@override_settings(WRITE_PROOF_BITS=12)
def test_child_writes_from_a_qr_code_consultant_replies_child_reads_the_reply(
    live_server, browser, personas
):
    assert not risk_assess(TEXT)  # an ordinary message: the queue, not the urgent banner
    school = School.objects.create(
        region=Region.objects.get(code="almaty"), district="Әуезов ауданы", name="№ 12 мектеп"
    )

    child = browser.new_page(locale="kk-KZ", viewport=PHONE)
    child.goto(f"{live_server.url}/s/{school.token}/")
    child.get_by_text("Сенің мектебің: № 12 мектеп").wait_for()
    child.get_by_label("Не болды?").fill(TEXT)
    assert child.get_by_label("Жасырын, атымсыз").is_checked()  # anonymous unless chosen
    assert child.get_by_label("Атыңыз немесе ұйымның атауы", exact=False).input_value() == ""
    child.get_by_role("button", name="Жіберу").click()
    number = child.locator("#written-number").inner_text().strip()
    code = child.locator("#written-code").inner_text().strip()
    assert number.startswith("W-") and len(code) == 14
    assert child.evaluate("document.documentElement.scrollWidth") <= 390
    child.close()
    saved = Conversation.objects.get(number=number)
    assert saved.name == "" and saved.school_id == school.pk and not saved.urgent

    staff = browser.new_page(locale="kk-KZ", viewport={"width": 1280, "height": 900})
    sign_in(staff, live_server.url, "consultant", "appeals")
    staff.goto(f"{live_server.url}/inbox/")
    staff.get_by_role("link", name=number).click()
    staff.wait_for_url(f"**/inbox/{number}/")
    staff.get_by_text(TEXT).wait_for()
    staff.get_by_role("button", name="Бұл хат алмасуды алу").click()
    staff.get_by_text("consultant алды").wait_for()
    staff.get_by_label("Сіздің жауабыңыз").fill(REPLY)
    staff.get_by_role("button", name="Жауапты жіберу").click()
    staff.get_by_text(REPLY).wait_for()
    staff.close()

    again = browser.new_page(locale="kk-KZ", viewport=PHONE)
    again.goto(f"{live_server.url}/conversation/")
    again.get_by_label("Нөмірі").fill(number)
    again.get_by_label("Код").fill(code)
    again.get_by_role("button", name="Хаттарды көрсету").click()
    answer = again.locator("li.message.from-centre")
    answer.get_by_text(REPLY).wait_for()
    assert answer.locator(".who").inner_text().startswith("111 орталығы")
    page = again.content()
    assert TEXT in page and "consultant" not in page  # the child's own words; no staff name
    assert number not in again.url and code not in again.url
    assert again.evaluate("document.documentElement.scrollWidth") <= 390
