"""`qorgau kb import FILE.jsonl` and `qorgau kb export [FILE]`; `qorgau kb
starter` imports the starter knowledge base shipped in qorgau/knowledge/starter/; `qorgau kb
reindex` writes the search postings again from the index rows (after a change of the impact
formula in postings.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from qorgau.knowledge.actions import ImportReport, kb_export, kb_import
from qorgau.knowledge.postings import postings_rebuild

STARTER = Path(__file__).resolve().parents[2] / "starter"


class Command(BaseCommand):
    help = "Knowledge base: import FILE.jsonl | export [FILE] | starter | reindex"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["import", "export", "starter", "reindex"])
        parser.add_argument("file", nargs="?", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        what, file = options["what"], options["file"]
        if what == "reindex":
            with transaction.atomic():
                self.stdout.write(f"postings written for {postings_rebuild()} published articles")
            return
        if what == "export":
            out = open(file, "w", encoding="utf-8") if file else sys.stdout  # noqa: SIM115
            for line in kb_export():
                out.write(line + "\n")
            return
        paths = sorted(STARTER.glob("*.jsonl")) if what == "starter" else [Path(file)]
        if not all(p.is_file() for p in paths) or not paths:
            raise CommandError(f"No such file: {file}")
        for path in paths:
            self._report(path, kb_import(lines=path.read_text(encoding="utf-8").splitlines()))

    def _report(self, path: Path, report: ImportReport) -> None:
        self.stdout.write(
            f"{path.name}: created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, errors {len(report.errors)}"
        )
        for error in report.errors:
            self.stderr.write(error)
