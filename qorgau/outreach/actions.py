"""State changes of outreach (rule 6(s)): the schools' directory imported from CSV, and the
audited download of a school's poster. The audit row is written last."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from qorgau.audit.actions import AuditedKind
from qorgau.audit.events import AuditEvent
from qorgau.core.access import require
from qorgau.core.roles import Perm
from qorgau.outreach.models import School, school_token_new
from qorgau.reference.models import Region
from qorgau.reference.selectors import reference_by_code

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User

audit_school = AuditedKind("school")  # ref: the school's id, or "directory" for an import
COLUMNS = ("region", "district", "name", "bin")  # required in the header; name_ru is optional
MAX_LINES = 20000
NAME_MAX = 300
DISTRICT_MAX = 200


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def bin_is_valid(value: str) -> bool:
    """A business identification number: twelve digits (ASCII)."""
    return len(value) == 12 and value.isascii() and value.isdigit()


def _rows(data: bytes) -> tuple[list[dict[str, str]], list[str]]:
    """The CSV's rows keyed by the header's column names (UTF-8, with or without a BOM; commas,
    or semicolons as spreadsheets write them in Russian locales), or one error for the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not in UTF-8. Save it as “CSV UTF-8” and try again.")]
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        return [], [
            _("The first line must name the columns: region, district, name, bin. Missing: %(m)s.")
            % {"m": ", ".join(missing)}
        ]
    reader.fieldnames = header
    rows = []
    for row in reader:
        rows.append({k: (v or "").strip() for k, v in row.items() if isinstance(k, str)})
        if len(rows) > MAX_LINES:
            return [], [_("At most %(n)d schools in one file, please.") % {"n": MAX_LINES}]
    return rows, []


def _line_error(row: dict[str, str]) -> str:
    if reference_by_code(Region, row["region"]) is None:
        return _("unknown region code “%(code)s”") % {"code": row["region"][:40]}
    if not row["district"] or len(row["district"]) > DISTRICT_MAX:
        return _("the district is empty or too long")
    if not row["name"] or len(row["name"]) > NAME_MAX:
        return _("the name is empty or too long")
    if len(row.get("name_ru", "")) > NAME_MAX:
        return _("the name in Russian is too long")
    if row["bin"] and not bin_is_valid(row["bin"]):
        return _("the BIN must be 12 digits")
    return ""


def _save(row: dict[str, str]) -> str:
    """Create or update one school; returns "created", "updated" or "unchanged". The key is the
    BIN when the line has one, else region + district + name."""
    region = reference_by_code(Region, row["region"])
    values = {"region": region, "district": row["district"], "name": row["name"]}
    if "name_ru" in row:
        values["name_ru"] = row["name_ru"]
    if row["bin"]:
        school = School.objects.filter(bin=row["bin"]).first()
        values["bin"] = row["bin"]
    else:
        school = (
            School.objects.filter(region=region, district=row["district"], name=row["name"])
            .order_by("pk")
            .first()
        )
    if school is None:
        School.objects.create(**values)
        return "created"
    changed = [name for name, value in values.items() if getattr(school, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(school, name, values[name])
    school.save(update_fields=changed)
    return "updated"


def schools_import(*, actor: User | AnonymousUser | None, data: bytes) -> ImportReport:
    """Import schools from a CSV file (columns region, district, name, bin; optional name_ru).
    The same file again updates, never duplicates. A bad line is reported with its line number
    and skipped; the others are stored. Audited when a school was added or changed. Run from the
    command line, no one acts."""
    if actor is not None:
        require(actor, Perm.OUTREACH_MANAGE)
    report = ImportReport()
    rows, report.errors = _rows(data)
    if report.errors:
        return report
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):  # line 1 is the header
            error = _line_error(row)
            if error:
                report.errors.append(_("line %(n)d: %(error)s") % {"n": line, "error": error})
                continue
            outcome = _save(row)
            report.created += outcome == "created"
            report.updated += outcome == "updated"
            report.unchanged += outcome == "unchanged"
        if not (report.created or report.updated):
            return report  # nothing changed: nothing to audit
        audit_school(
            actor=actor,
            event=AuditEvent.SCHOOL_IMPORT,
            ref="directory",
            details={
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "errors": len(report.errors),
            },
        )
    return report


def school_token_renew(*, actor: User | AnonymousUser, school: School) -> School:
    """A new secret link for a school whose poster leaked or was misused: the old QR code then
    opens nothing (404), and the school's posters must be printed again."""
    require(actor, Perm.OUTREACH_MANAGE)
    with transaction.atomic():
        locked = School.objects.select_for_update().get(pk=school.pk)
        locked.token = school_token_new()
        locked.save(update_fields=["token"])
        audit_school(actor=actor, event=AuditEvent.SCHOOL_RENEW_TOKEN, ref=locked.pk)
    return locked


def poster_download(*, actor: User | AnonymousUser, school: School) -> bytes:
    """The school's A4 poster as a PDF; every download is audited (it carries the school's
    secret link)."""
    from qorgau.outreach.poster import poster_pdf

    require(actor, Perm.OUTREACH_MANAGE)
    pdf = poster_pdf(school)
    audit_school(actor=actor, event=AuditEvent.POSTER_DOWNLOAD, ref=school.pk)
    return pdf
