"""Measuring the assistant on labelled texts (`qorgau triage eval`), beside a keyword baseline.

Figures: direction per class (precision, recall, F1), macro-F1 and the confusion matrix;
urgency recall and precision; route macro-F1; personal data as characters: the share of marked
characters that are masked (recall, overall and per type) and the share of the other
non-space characters that are masked too (over-masking).

The baseline is what a hand-written rule does: the direction with most keyword hits
(data/direction_keywords.txt), urgency from the danger words alone (risk.py), route "agency",
and masking without the detector (IINs, phones, e-mails only, as before the assistant).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from qorgau.triage.dataset import DATA_DIR, SPAN_TYPES, Example
from qorgau.triage.masking import personal_data
from qorgau.triage.model import TriageModel
from qorgau.triage.risk import risk_assess
from qorgau.triage.text import fold

DIRECTIONS = list(range(1, 14))


@dataclass(frozen=True)
class Guess:
    direction: int
    urgent: bool
    route: str
    spans: tuple[tuple[int, int], ...]


@dataclass
class Figures:
    """Every figure of one reader on one set of texts."""

    name: str
    direction_macro_f1: float
    direction_per_class: dict[int, tuple[float, float, float, int]]
    confusion: list[list[int]]
    urgent_recall: float
    urgent_precision: float
    route_macro_f1: float
    span_recall: float
    over_masking: float
    span_recall_by_type: dict[str, float] = field(default_factory=dict)


@cache
def _keywords() -> dict[int, tuple[str, ...]]:
    sections: dict[int, list[str]] = {}
    current = 0
    for raw in (DATA_DIR / "direction_keywords.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = int(line.strip("[]"))
            sections[current] = []
        else:
            sections[current].append(line)
    return {number: tuple(words) for number, words in sections.items()}


def baseline_guess(text: str) -> Guess:
    """The keyword rules' reading of one text."""
    words = fold(text).split()
    hits = Counter(
        {n: sum(w.startswith(k) for w in words for k in keys) for n, keys in _keywords().items()}
    )
    direction = hits.most_common(1)[0][0] if hits and hits.most_common(1)[0][1] else 4
    spans = tuple((r.start, r.end) for r in personal_data(text, detect=False))
    return Guess(direction, bool(risk_assess(text)), "agency", spans)


def model_guesses(model: TriageModel, texts: list[str]) -> list[Guess]:
    """The trained models' reading of the texts, with the full detector for personal data."""
    return [
        Guess(r.direction, r.urgent, r.route, tuple((p.start, p.end) for p in personal_data(t)))
        for t, r in zip(texts, model.read_many(texts), strict=True)
    ]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def _span_figures(
    examples: list[Example], guesses: list[Guess]
) -> tuple[float, float, dict[str, float]]:
    covered: Counter[str] = Counter()
    marked: Counter[str] = Counter()
    over = other = 0
    for example, guess in zip(examples, guesses, strict=True):
        masked = {i for start, end in guess.spans for i in range(start, end)}
        gold: set[int] = set()
        for span in example.spans:
            chars = set(range(span.start, span.end))
            gold |= chars
            marked[span.type] += len(chars)
            covered[span.type] += len(chars & masked)
        visible = {i for i, ch in enumerate(example.text) if not ch.isspace()} - gold
        over += len(masked & visible)
        other += len(visible)
    by_type = {t: round(_ratio(covered[t], marked[t]), 3) for t in SPAN_TYPES if marked[t]}
    return _ratio(sum(covered.values()), sum(marked.values())), _ratio(over, other), by_type


def figures(name: str, examples: list[Example], guesses: list[Guess]) -> Figures:
    """Score guesses against the labels."""
    truth = [e.direction for e in examples]
    said = [g.direction for g in guesses]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, said, labels=DIRECTIONS, zero_division=0
    )
    urgent_true = [e.urgent for e in examples]
    urgent_said = [g.urgent for g in guesses]
    hits = sum(t and s for t, s in zip(urgent_true, urgent_said, strict=True))
    span_recall, over_masking, by_type = _span_figures(examples, guesses)
    return Figures(
        name=name,
        direction_macro_f1=float(
            f1_score(truth, said, labels=DIRECTIONS, average="macro", zero_division=0)
        ),
        direction_per_class={
            d: (float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
            for i, d in enumerate(DIRECTIONS)
        },
        confusion=confusion_matrix(truth, said, labels=DIRECTIONS).tolist(),
        urgent_recall=_ratio(hits, sum(urgent_true)),
        urgent_precision=_ratio(hits, sum(urgent_said)),
        route_macro_f1=float(
            f1_score(
                [e.route for e in examples],
                [g.route for g in guesses],
                average="macro",
                zero_division=0,
            )
        ),
        span_recall=span_recall,
        over_masking=over_masking,
        span_recall_by_type=by_type,
    )


def evaluate(model: TriageModel, examples: list[Example]) -> tuple[Figures, Figures]:
    """The model's figures and the baseline's, on the same texts."""
    texts = [e.text for e in examples]
    return (
        figures("model", examples, model_guesses(model, texts)),
        figures("keyword baseline", examples, [baseline_guess(t) for t in texts]),
    )


def report(model_figures: Figures, baseline: Figures) -> str:
    """The figures as the command prints them."""
    lines = [f"{'':22}{'model':>10}{'baseline':>10}"]
    for label, attr in (
        ("direction macro-F1", "direction_macro_f1"),
        ("urgent recall", "urgent_recall"),
        ("urgent precision", "urgent_precision"),
        ("route macro-F1", "route_macro_f1"),
        ("span recall (chars)", "span_recall"),
        ("over-masking", "over_masking"),
    ):
        lines.append(
            f"{label:22}{getattr(model_figures, attr):10.3f}{getattr(baseline, attr):10.3f}"
        )
    lines.append(
        "span recall by type: "
        + ", ".join(f"{t} {v:.3f}" for t, v in model_figures.span_recall_by_type.items())
    )
    lines.append("\ndirection   precision  recall  F1     texts")
    for d, (p, r, f, n) in model_figures.direction_per_class.items():
        lines.append(f"{d:>9}   {p:9.2f}  {r:6.2f}  {f:5.2f}  {n:5}")
    lines.append("\nconfusion (rows: labelled direction 1-13, columns: suggested)")
    lines += [" ".join(f"{c:3}" for c in row) for row in model_figures.confusion]
    return "\n".join(lines)
