"""`qorgau schools import FILE.csv`: the schools' directory (columns region, district, name,
bin; optional name_ru; a header row; UTF-8 with or without a BOM). Importing the same file again
updates the schools, never duplicates them; each bad line is named with its number."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.outreach.actions import schools_import


class Command(BaseCommand):
    help = "Schools: import FILE.csv (columns region, district, name, bin; optional name_ru)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["import"])
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        report = schools_import(actor=None, data=path.read_bytes())
        self.stdout.write(
            f"{path.name}: created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, errors {len(report.errors)}"
        )
        for error in report.errors:
            self.stderr.write(error)
        if report.errors and not (report.created or report.updated or report.unchanged):
            raise CommandError("Nothing imported.")
