"""Staff pages of outreach (rule 6(s)): /schools/ with counts per school, district and region,
a CSV upload, each school's poster (a PDF in Kazakh and Russian whose QR code holds the school's
link; every download audited); /sources/ with counts and QR codes. Only `outreach.manage`
(supervisor, administrator); other roles 403, nobody signed in goes to the sign-in page."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qorgau.audit.models import AuditRecord
from qorgau.conversations.actions import ConversationData, conversation_open
from qorgau.outreach import selectors
from qorgau.outreach.models import School, SourceCode
from qorgau.outreach.poster import qr_code, school_url
from qorgau.reference.models import Region
from qorgau.testing import PERSONA_NAMES, signed_in

pytestmark = pytest.mark.django_db
ALLOWED = {"supervisor", "admin"}


@pytest.fixture
def schools() -> list[School]:
    almaty, astana = Region.objects.get(code="almaty"), Region.objects.get(code="astana")
    return [
        School.objects.create(
            region=almaty, district="Алмалы", name="№ 1 мектеп", bin="990140000011"
        ),
        School.objects.create(region=almaty, district="Алмалы", name="№ 2 мектеп"),
        School.objects.create(
            region=almaty, district="Медеу", name="№ 3 мектеп", name_ru="Школа № 3"
        ),
        School.objects.create(region=astana, district="Есіл", name="№ 4 мектеп"),
    ]


def _write(school: School | None = None, source: SourceCode | None = None) -> None:
    conversation_open(
        data=ConversationData(text="Көмектесіңіз", school=school, source=source), language="kk"
    )


def test_counts_per_school_district_and_region(schools):
    for school, n in zip(schools, (3, 1, 0, 2), strict=True):
        for _ in range(n):
            _write(school)
    _write()  # the plain web form counts for no school
    assert {s.name: s.n for s in selectors.schools_with_counts()} == {
        "№ 1 мектеп": 3,
        "№ 2 мектеп": 1,
        "№ 3 мектеп": 0,
        "№ 4 мектеп": 2,
    }
    # regions in the reference list's order (Astana before Almaty), districts by name
    districts = selectors.counts_by_district()
    assert [(r["region__code"], r["district"], r["schools"], r["n"]) for r in districts] == [
        ("astana", "Есіл", 1, 2),
        ("almaty", "Алмалы", 2, 4),
        ("almaty", "Медеу", 1, 0),
    ]
    regions = selectors.counts_by_region()
    assert [(r["region__code"], r["schools"], r["n"]) for r in regions] == [
        ("astana", 1, 2),
        ("almaty", 3, 4),
    ]


def test_the_schools_page_shows_the_counts_in_kazakh_and_russian(schools, personas):
    _write(schools[0])
    html = signed_in(personas["supervisor"], "kk").get("/schools/").content.decode()
    assert "Мектептер бойынша" in html and "Алматы қаласы" in html
    row = re.search(f'<tr id="school-{schools[0].pk}">(.*?)</tr>', html, re.S).group(1)
    assert "<td>1</td>" in row and f"/schools/{schools[0].pk}/poster.pdf" in row
    assert schools[0].token not in html  # the secret link is only on the poster
    astana = signed_in(personas["supervisor"]).get("/schools/?region=astana").content.decode()
    by_school = astana.split('id="by-school"')[1]
    assert "№ 4 мектеп" in by_school and "№ 1 мектеп" not in by_school
    ru = signed_in(personas["supervisor"], "ru").get("/schools/").content.decode()
    assert "По школам" in ru and "Школа № 3" in ru and "город Алматы" in ru


def test_the_schools_page_has_constant_queries(schools, personas, django_assert_max_num_queries):
    client = signed_in(personas["supervisor"])
    client.get("/schools/")
    with django_assert_max_num_queries(12):
        assert client.get("/schools/").status_code == 200


def test_the_poster_is_a_pdf_in_kazakh_and_russian_with_the_school_link(
    schools, personas, tmp_path, settings
):
    settings.QORGAU_PUBLIC_URL = "https://111.gov4c.kz"
    school = schools[2]
    response = signed_in(personas["supervisor"]).get(f"/schools/{school.pk}/poster.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "111-ге жаз" in text and "Напиши в 111 — анонимно" in text
    assert "Атыңды айтудың қажеті жоқ" in text and "Имя называть не нужно" in text
    assert "№ 3 мектеп" in text and "Школа № 3" in text
    url = f"https://111.gov4c.kz/s/{school.token}/"
    assert school_url(school) == url and url in text
    assert qr_code(url).matrix == qr_code(school_url(school)).matrix
    assert qr_code(url).matrix != qr_code(school_url(schools[0])).matrix
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Pages:\s+1\b", pages) and "595.28 x 841.89" in pages  # one A4 page


def test_a_poster_download_is_audited(schools, personas):
    supervisor = personas["supervisor"]
    signed_in(supervisor).get(f"/schools/{schools[1].pk}/poster.pdf")
    record = AuditRecord.objects.get(action="poster.download")
    assert (record.object_type, record.object_ref, record.actor_id) == (
        "school",
        str(schools[1].pk),
        supervisor.pk,
    )


@pytest.mark.parametrize("name", PERSONA_NAMES)
def test_only_supervisors_and_administrators_manage_outreach(schools, personas, name):
    SourceCode.objects.create(code="tv", name="TV")
    client = signed_in(personas[name])
    urls = ["/schools/", f"/schools/{schools[0].pk}/poster.pdf", "/sources/", "/sources/tv/qr.svg"]
    expected = 200 if name in ALLOWED else 403
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, expected)
    assert client.get("/schools/999999/poster.pdf").status_code == (404 if name in ALLOWED else 403)
    downloads = AuditRecord.objects.filter(action="poster.download").count()
    assert downloads == (1 if name in ALLOWED else 0)


def test_nobody_signed_in_is_sent_to_sign_in(schools):
    for url in [
        "/schools/",
        f"/schools/{schools[0].pk}/poster.pdf",
        "/sources/",
        "/sources/x/qr.png",
    ]:
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not AuditRecord.objects.filter(action="poster.download").exists()


def test_uploading_a_csv_on_the_schools_page(personas):
    client = signed_in(personas["supervisor"], "ru")
    data = "region,district,name,bin\nalmaty,Алмалы,№ 5 мектеп,\natlantis,X,Y,\n".encode()
    page = client.post("/schools/", {"file": SimpleUploadedFile("s.csv", data, "text/csv")})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Добавлено: 1" in html and "строка 3" in html and "atlantis" in html
    assert School.objects.filter(name="№ 5 мектеп").exists()
    consultant = signed_in(personas["consultant"])
    refused = consultant.post("/schools/", {"file": SimpleUploadedFile("s.csv", data, "text/csv")})
    assert refused.status_code == 403 and School.objects.count() == 1


def test_sources_page_counts_and_qr_codes(personas, settings):
    settings.QORGAU_PUBLIC_URL = "https://111.gov4c.kz/"
    tv = SourceCode.objects.create(code="tv-2026", name="Телеролик")
    SourceCode.objects.create(code="radio", name="Радио")
    _write(source=tv)
    _write(source=tv)
    assert {s.code: s.n for s in selectors.sources_with_counts()} == {"tv-2026": 2, "radio": 0}
    client = signed_in(personas["supervisor"])
    html = client.get("/sources/").content.decode()
    row = re.search(r'<tr id="source-tv-2026">(.*?)</tr>', html, re.S).group(1)
    assert "<td>2</td>" in row and "https://111.gov4c.kz/c/tv-2026/" in row
    svg = client.get("/sources/tv-2026/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get("/sources/tv-2026/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert client.get("/sources/nothing/qr.svg").status_code == 404


def test_the_administrator_gives_a_school_a_new_link_and_the_old_one_stops(schools, personas):
    school = schools[0]
    old = school.token
    client = signed_in(personas["admin"])
    page = client.get("/admin/outreach/school/")
    assert page.status_code == 200 and "delete_selected" not in page.content.decode()
    client.post(
        "/admin/outreach/school/",
        {"action": "renew_tokens", "_selected_action": [school.pk]},
    )
    school.refresh_from_db()
    assert school.token != old and len(school.token) >= 22
    assert Client().get(f"/s/{old}/").status_code == 404
    assert Client().get(f"/s/{school.token}/").status_code == 200
    record = AuditRecord.objects.get(action="school.renew_token")
    assert (record.object_ref, record.actor_id) == (str(school.pk), personas["admin"].pk)


def test_the_administrator_adds_a_source_code_audited(personas):
    client = signed_in(personas["admin"])
    added = client.post(
        "/admin/outreach/sourcecode/add/", {"code": "radio-2026", "name": "Радио", "active": "on"}
    )
    assert added.status_code == 302
    source = SourceCode.objects.get(code="radio-2026")
    assert AuditRecord.objects.filter(action="admin.add", object_ref=str(source.pk)).exists()
