"""Browser test in Debian's Chromium, in Kazakh: the administrator signs in with the password
and the authenticator's code, creates a consultant with an extension in the admin, and the new
consultant signs in and lands on the appeals."""

from __future__ import annotations

from base64 import b32encode
from pathlib import Path

from django_otp.plugins.otp_totp.models import TOTPDevice

from qorgau.staff.models import User
from qorgau.testing import totp_code
from tests.chromium import BROWSER_MARKS

pytestmark = BROWSER_MARKS

SHOTS = Path("var/screenshots")
PASSWORD = "Samal-Tau-2026!"


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_administrator_creates_a_consultant_who_then_signs_in(live_server, browser, make_user):
    boss = make_user("boss", "admin")
    device = TOTPDevice.objects.create(user=boss, name="phone", confirmed=True)
    page = browser.new_page(locale="kk-KZ")
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "boss")
    page.fill("input[name=password]", "pw-boss")
    page.keyboard.press("Enter")
    page.wait_for_url("**/login/code/**")
    page.fill("input[name=code]", totp_code(b32encode(bytes.fromhex(device.key)).decode()))
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/")
    assert "Соңғы әрекеттер" in page.content() and "Recent actions" not in page.content()
    _shoot(page, "admin-index")

    page.goto(f"{live_server.url}/admin/staff/user/add/")
    page.fill("input[name=username]", "aru")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.select_option("select[name=role]", "consultant")
    page.fill("input[name=extension]", "207")
    _shoot(page, "admin-add-consultant")
    page.click("input[name=_save]")
    page.wait_for_url("**/change/")
    aru = User.objects.get(username="aru")
    assert (aru.role, aru.extension, aru.check_password(PASSWORD)) == ("consultant", "207", True)

    consultant = browser.new_page(locale="kk-KZ")
    consultant.goto(f"{live_server.url}/login/")
    consultant.fill("input[name=username]", "aru")
    consultant.fill("input[name=password]", PASSWORD)  # the one the administrator typed
    consultant.keyboard.press("Enter")
    consultant.wait_for_url("**/appeals/")
    assert consultant.locator("nav a[href='/appeals/new/']").count() == 1
    assert consultant.locator("nav a[href='/admin/']").count() == 0
    _shoot(consultant, "consultant-lands")
