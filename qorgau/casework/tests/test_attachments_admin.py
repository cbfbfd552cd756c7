"""The administrator sees the attachments' records read-only, in their language, and never a
file's name (personal data) or its bytes."""

from __future__ import annotations

import pytest

from qorgau.casework.actions import attachment_add
from qorgau.casework.tests.test_attachments import PDF, attachments_dir  # noqa: F401 - fixture
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db


def test_the_admin_lists_attachments_read_only_without_names(personas, register):
    from qorgau.appeals.models import Appeal

    appeal = Appeal.objects.get(number=register()["number"])
    attachment = attachment_add(
        actor=personas["consultant"], appeal=appeal, name="Айгүл арызы.pdf", data=PDF
    )
    admin = signed_in(personas["admin"], "ru")
    listed = admin.get("/admin/casework/attachment/").content.decode()
    assert "Вложения" in listed and "application/pdf" in listed
    detail = admin.get(f"/admin/casework/attachment/{attachment.pk}/change/")
    page = detail.content.decode()
    assert detail.status_code == 200 and attachment.sha256 in page
    assert "Айгүл" not in listed + page and "%PDF" not in page
    assert 'name="_save"' not in page  # nothing to save: read-only
    assert admin.get("/admin/casework/attachment/add/").status_code == 403
    assert signed_in(personas["supervisor"]).get("/admin/casework/attachment/").status_code in (
        302,
        403,
    )
