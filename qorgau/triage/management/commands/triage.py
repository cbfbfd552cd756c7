"""`qorgau triage train | eval | predict FILE.jsonl`: the triage assistant from the command line.

- train: train the models from data/train*.jsonl and save the versioned artefact.
- eval: the figures on the held-out test set (data/test.jsonl), beside the keyword baseline.
- predict FILE.jsonl: read lines {"id", "text", "lang"}, write one line per input to standard
  output: {"id", "direction", "urgent", "route", "spans": [{"start", "end", "type"}]}, so anyone
  can evaluate the assistant on their own labelled texts. A bad line gets an "error" instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.triage.artefact import current_model, train
from qorgau.triage.dataset import held_out_file, load
from qorgau.triage.evaluation import evaluate, report
from qorgau.triage.masking import personal_data


class Command(BaseCommand):
    help = "Triage assistant: train, eval (test set and baseline), predict FILE.jsonl"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["train", "eval", "predict"])
        parser.add_argument("file", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "train":
            version, path = train()
            self.stdout.write(f"trained version {version}: {path}")
        elif what == "eval":
            version, model = current_model()
            model_figures, baseline = evaluate(model, load(held_out_file()))
            self.stdout.write(f"model version {version}, test set {held_out_file().name}")
            self.stdout.write(report(model_figures, baseline))
        else:
            self._predict(options["file"])

    def _predict(self, file: str | None) -> None:
        if not file or not Path(file).is_file():
            raise CommandError(f"No such file: {file}")
        _, model = current_model()
        for number, line in enumerate(Path(file).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                self.stdout.write(
                    json.dumps(_predict_line(model, line, number), ensure_ascii=False)
                )


def _predict_line(model: Any, line: str, number: int) -> dict[str, Any]:
    try:
        row = json.loads(line)
        text = row["text"]
        if not isinstance(text, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return {"id": None, "line": number, "error": 'expected {"id", "text", "lang"}'}
    reading = model.read(text)
    return {
        "id": row.get("id"),
        "direction": reading.direction,
        "urgent": reading.urgent,
        "route": reading.route,
        "spans": [{"start": r.start, "end": r.end, "type": r.kind} for r in personal_data(text)],
    }
