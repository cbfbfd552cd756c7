"""Browser test in Debian's Chromium, in Kazakh: on the appeal page the consultant attaches a PDF
to the appeal, sees it in the files panel and on the timeline, and downloads it back unchanged;
axe finds nothing serious in the panel with a file and its removal form open. Screenshots at
390 px and 1280 px go to var/screenshots/."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tests.chromium import BROWSER_MARKS, sign_in

pytestmark = BROWSER_MARKS
SHOTS = Path("var/screenshots")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _shot(page: Any, name: str, width: int) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def test_consultant_attaches_a_pdf_and_downloads_it(
    live_server, browser, register, tmp_path, settings
):
    from axe_playwright_python.sync_playwright import Axe

    from qorgau.casework.models import Attachment

    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "attachments")},
        },
    }

    number = register()["number"]
    page = browser.new_page(locale="kk-KZ", viewport={"width": 390, "height": 900})
    sign_in(page, live_server.url, "consultant", "appeals")
    page.goto(f"{live_server.url}/appeals/{number}/")
    page.locator("#attachment-form").wait_for()
    assert "Бұл өтінішке файл тіркелмеген." in page.locator("#attachments").inner_text()
    page.set_input_files(
        "#attachment-form input[name=file]",
        files=[{"name": "Мектеп анықтамасы.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("#attachment-form button[type=submit]")
    page.locator("#attachments .done").wait_for()
    assert "Тіркелді: Мектеп анықтамасы.pdf" in page.locator("#attachments .done").inner_text()
    page.locator("#timeline .tl-file").wait_for()  # the timeline reloaded on qorgau-changed
    assert "Файл тіркелді: Мектеп анықтамасы.pdf" in page.locator("#timeline").inner_text()
    meta = page.locator("#attachments .attachment-meta").inner_text()
    assert "PDF" in meta and "consultant" in meta

    with page.expect_download() as info:
        page.click("#attachments a.attachment-name")
    download = info.value
    assert download.suggested_filename == "Мектеп анықтамасы.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == Attachment.objects.get().sha256
    assert saved.read_bytes() == PDF

    page.click("#attachments .attachment-remove summary")  # the removal form, opened
    page.locator("#attachments input[name=reason]").wait_for()
    found = Axe().run(page).response["violations"]
    assert not [v["id"] for v in found if v["impact"] in ("serious", "critical")]
    page.locator("#attachments").scroll_into_view_if_needed()
    _shot(page, "test_attachments_panel", 390)
    _shot(page, "test_attachments_panel", 1280)
