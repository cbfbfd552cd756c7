"""Browser journey in Debian's Chromium, in Kazakh (rules 6(f), 6(s)): a child scans the QR code
on the school's poster, opens /s/<token>/ on a phone (390 px), sees the school, writes without a
name and gets a number and code; the conversation is the school's and anonymous. Screenshots go
to var/screenshots/written/."""

from __future__ import annotations

from pathlib import Path

from qorgau.conversations.models import ApplicantKind, Channel, Conversation
from qorgau.outreach.models import School
from qorgau.reference.models import Region
from tests.chromium import BROWSER_MARKS

pytestmark = BROWSER_MARKS
SHOTS = Path("var/screenshots/written")
TEXT = "Жоғары сынып оқушылары үзілісте менен ақша алады. Ата-аныма айтуға қорқамын."


def test_child_writes_from_the_school_qr_form_without_a_name(live_server, browser):
    school = School.objects.create(
        region=Region.objects.get(code="turkistan"),
        district="Сайрам ауданы",
        name="№ 905 «Ақбота» мектебі",
    )
    child = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 900})
    child.goto(f"{live_server.url}/s/{school.token}/")
    child.get_by_text("Сенің мектебің: № 905 «Ақбота» мектебі").wait_for()
    assert child.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    SHOTS.mkdir(parents=True, exist_ok=True)
    child.screenshot(path=str(SHOTS / "school-form-390.png"), full_page=True)
    child.fill("textarea[name=text]", TEXT)
    child.select_option("select[name=heard_from]", "school")
    child.get_by_role("button", name="Жіберу").click()
    number = child.locator("#written-number").inner_text().strip()
    code = child.locator("#written-code").inner_text().strip()
    assert number.startswith("W-") and len(code) == 14
    assert code not in child.url and TEXT not in child.content()
    child.screenshot(path=str(SHOTS / "school-number-and-code-390.png"), full_page=True)

    conversation = Conversation.objects.get(number=number)
    assert conversation.school_id == school.pk and conversation.channel == Channel.SCHOOL
    assert conversation.applicant_kind == ApplicantKind.ANONYMOUS and conversation.name == ""
    assert conversation.heard_from == "school" and conversation.region.code == "turkistan"
