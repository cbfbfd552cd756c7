"""The repository stands alone: every "rule N" or "rule N(x)" cited in code, tests, benchmarks
and documents resolves to an anchor in docs/rules.md, every "decision NNNN" to a record in
docs/decisions/, and nothing points at a tracker's issue numbers instead."""

import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "docs" / "rules.md"
DECISIONS = ROOT / "docs" / "decisions"
SCANNED = ("qorgau", "tests", "bench", "docs", "README.md")
SUFFIXES = (".py", ".md", ".html")

_REF = r"\d+(?:\([0-9a-z]+\))?"
_NEXT = rf"(?:, | and | or )({_REF})(?![\w(])"
CITATION = re.compile(rf"\b[Rr]ules? ({_REF})(?![\w(])((?:{_NEXT})*)")
DECISION = re.compile(r"\b[Dd]ecisions? (\d{4})((?:(?:, | and )\d{4})*)")
ISSUE_REFERENCE = re.compile(
    r"[Ii]ssues? #?[0-9]|[Ii]ssue's|\bitems? [0-9]+ of\b|\bitems [0-9]+[-–]|#[0-9]+ "
)


def _files() -> Iterator[Path]:
    """The files that may cite rules; this test's own examples are left out."""
    for name in SCANNED:
        top = ROOT / name
        paths = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in paths:
            if path.suffix in SUFFIXES and path.is_file() and path != Path(__file__).resolve():
                yield path


def _lines() -> Iterator[tuple[str, str]]:
    for path in _files():
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            yield f"{path.relative_to(ROOT)}:{number}", line


def cited_rules(text: str) -> list[str]:
    """Each rule a text cites, as "6(j)" or "14"; "rules 6(n), 6(o)" gives both."""
    found = []
    for match in CITATION.finditer(text):
        found.append(match.group(1))
        found.extend(re.findall(_NEXT, match.group(2)))
    return found


def anchor(rule: str) -> str:
    """The anchor of a rule in docs/rules.md: "6(j)" → "rule-6-j", "2(5)" → "rule-2-5"."""
    return "rule-" + rule.replace("(", "-").rstrip(")")


def _anchors() -> set[str]:
    return set(re.findall(r'<a id="([^"]+)"></a>', RULES.read_text(encoding="utf-8")))


def test_the_rules_keep_the_numbering_of_the_order() -> None:
    anchors = _anchors()
    expected = {f"rule-{n}" for n in (*range(1, 7), *range(9, 16))}
    expected |= {f"rule-2-{n}" for n in range(1, 9)}
    expected |= {f"rule-6-{letter}" for letter in "abcdefghijklmnopqrs"}
    expected |= {f"rule-10-{n}" for n in range(1, 14)}
    assert expected <= anchors
    assert {"rule-7", "rule-8", "rule-6-t", "rule-10-14"}.isdisjoint(anchors)


def test_citations_are_read_with_their_sub_items_and_lists() -> None:
    text = "Call outcomes (rules 6(n), 6(o)); rule 2(5) and rule 14, 15 apply; see rule 10 of it."
    assert cited_rules(text) == ["6(n)", "6(o)", "2(5)", "14", "15", "10"]
    assert [anchor(rule) for rule in cited_rules(text)][:3] == ["rule-6-n", "rule-6-o", "rule-2-5"]
    cited = cited_rules("rules 6(j), 12 and 6(t)")
    assert [rule for rule in cited if anchor(rule) not in _anchors()] == ["6(t)"]


def test_every_cited_rule_exists_in_docs_rules() -> None:
    anchors = _anchors()
    unresolved = [
        f"{where}: rule {rule}"
        for where, line in _lines()
        for rule in cited_rules(line)
        if anchor(rule) not in anchors
    ]
    assert unresolved == []


def test_every_cited_decision_has_a_record() -> None:
    records = {path.name[:4] for path in DECISIONS.glob("[0-9][0-9][0-9][0-9]-*.md")}
    unresolved = [
        f"{where}: decision {number}"
        for where, line in _lines()
        for match in DECISION.finditer(line)
        for number in (match.group(1), *re.findall(r"\d{4}", match.group(2)))
        if number not in records
    ]
    assert unresolved == []


def test_nothing_cites_an_issue_number() -> None:
    assert ISSUE_REFERENCE.search("Recordings (issue 5, items 4–6)")
    assert not ISSUE_REFERENCE.search("API tokens (issue, revoke) and the second factor")
    found = [f"{where}: {line.strip()}" for where, line in _lines() if ISSUE_REFERENCE.search(line)]
    assert found == []
