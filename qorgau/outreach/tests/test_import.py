"""The schools' directory from CSV (rule 6(s)): good lines stored, bad lines named by number and
skipped, the same file again updates instead of duplicating (key: the BIN, else region +
district + name), with or without a BOM, and by the command `qorgau schools import`."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from qorgau.audit.models import AuditRecord
from qorgau.outreach.actions import schools_import
from qorgau.outreach.models import School

pytestmark = pytest.mark.django_db

GOOD = (
    "region,district,name,bin\n"
    "almaty,Алмалы ауданы,№ 1 мектеп,990140000011\n"
    "astana,Есіл ауданы,№ 2 мектеп,\n"
)
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "schools-sample.csv"


def test_good_lines_are_stored_and_the_import_is_audited():
    report = schools_import(actor=None, data=GOOD.encode())
    assert (report.created, report.updated, report.unchanged, report.errors) == (2, 0, 0, [])
    first = School.objects.get(bin="990140000011")
    assert (first.region.code, first.district, first.name) == (
        "almaty",
        "Алмалы ауданы",
        "№ 1 мектеп",
    )
    assert len(first.token) >= 22  # 128 bits of token_urlsafe
    record = AuditRecord.objects.get(action="school.import")
    assert record.details["created"] == 2


def test_the_same_file_again_updates_instead_of_duplicating():
    schools_import(actor=None, data=GOOD.encode())
    tokens = set(School.objects.values_list("token", flat=True))
    again = schools_import(actor=None, data=("\ufeff" + GOOD).encode())  # now with a BOM
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    renamed = GOOD.replace("№ 1 мектеп", "№ 1 мектеп-гимназия")
    third = schools_import(actor=None, data=renamed.encode())
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert School.objects.count() == 2
    assert School.objects.get(bin="990140000011").name == "№ 1 мектеп-гимназия"
    assert set(School.objects.values_list("token", flat=True)) == tokens  # posters stay valid


def test_bad_lines_are_named_and_skipped_the_good_ones_stored():
    data = (
        "region,district,name,bin\n"
        "almaty,Алмалы ауданы,Жақсы мектеп,\n"
        "atlantis,Аудан,Мектеп,\n"
        "almaty,,Мектеп,\n"
        "almaty,Аудан,Мектеп,12345\n"
        "almaty,Аудан,,\n"
    )
    with translation.override("en"):
        report = schools_import(actor=None, data=data.encode())
    assert report.created == 1
    assert [e.split(":")[0] for e in report.errors] == ["line 3", "line 4", "line 5", "line 6"]
    assert "atlantis" in report.errors[0] and "12" in report.errors[2]
    assert list(School.objects.values_list("name", flat=True)) == ["Жақсы мектеп"]


@translation.override("ru")
def test_a_file_that_is_not_utf8_or_lacks_columns_stores_nothing():
    assert "UTF-8" in schools_import(actor=None, data=GOOD.encode("cp1251")).errors[0]
    report = schools_import(actor=None, data=b"region,name\nalmaty,X\n")
    assert "district" in report.errors[0] and "bin" in report.errors[0]
    assert not School.objects.exists()


def test_semicolons_as_spreadsheets_write_them():
    report = schools_import(actor=None, data=GOOD.replace(",", ";").encode())
    assert report.created == 2 and not report.errors


def test_the_command_imports_the_sample_and_twice_changes_nothing(capsys):
    call_command("schools", "import", str(SAMPLE))
    assert "created 6" in capsys.readouterr().out
    call_command("schools", "import", str(SAMPLE))
    assert "unchanged 6" in capsys.readouterr().out
    assert School.objects.count() == 6
    assert School.objects.filter(name_ru__startswith="Школа-гимназия № 901").exists()


def test_the_command_names_a_missing_file():
    with pytest.raises(CommandError, match="No such file"):
        call_command("schools", "import", "/nonexistent/schools.csv")
