"""Data migrations carry the rows they load (decision 0017): editing product code later cannot
change what a fresh database gets, and a fresh database gets the rows it got before the freeze."""

from __future__ import annotations

import ast
import hashlib
import importlib
import json
import sys
import types
from pathlib import Path

import pytest
from django.apps import apps

import qorgau
from qorgau.agency_requests.models import DisclosureRule
from qorgau.reference.models import Channel, Direction, HelpKind, Outcome, Region

MIGRATIONS = sorted(Path(qorgau.__file__).parent.glob("*/migrations/0*.py"))
# Field and manager classes Django writes into a migration's model state.
STATE_CLASSES = {"qorgau.core.fields", "qorgau.core.i18n", "qorgau.staff.models"}
# Migrations that recompute derived rows from rows already there with today's code; a fresh
# database has nothing for them to process (decision 0017).
RECOMPUTING = {
    "knowledge/migrations/0003_postings.py": "qorgau.knowledge.postings",
    "knowledge/migrations/0004_remask_gaps.py": "qorgau.knowledge.gaps",
}
# The data migrations, and the product modules they imported their rows from before the freeze.
FROZEN = [
    ("qorgau.reference.migrations.0002_load_reference_data", "qorgau.reference.data"),
    (
        "qorgau.agency_requests.migrations.0002_disclosure_policy",
        "qorgau.agency_requests.policy_data",
    ),
]
REFERENCE_LISTS = [Direction, Region, Channel, HelpKind, Outcome]
# sha256 of the rows below as a fresh database had them before the rows were frozen.
FRESH_ROWS_SHA256 = "aed445a6fadcdc8d3db5ec36bd29bd41ffbe33403bda1ef89b351c9c79ce2f33"


def _imports(path: Path) -> set[str]:
    """Every qorgau module the file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] == "qorgau"}


def _fresh_rows() -> list[list[object]]:
    rows: list[list[object]] = []
    fields = ("code", "name_kk", "name_ru", "name_en", "position")
    for model in REFERENCE_LISTS:
        listed = model.objects.order_by("position").values_list(*fields)
        rows += [[model.__name__, *r] for r in listed]
    policy = DisclosureRule.objects.values_list("direction", "agency_kind", "fields")
    rows += [["DisclosureRule", *r] for r in sorted(policy)]  # sorted here: collations differ
    return rows


def _trap(name: str) -> types.ModuleType:
    """A stand-in for a data module that fails the test when anything is read from it."""
    module = types.ModuleType(name)

    def read(attr: str) -> None:
        if attr.startswith("__"):  # the import machinery's own look-ups
            raise AttributeError(attr)
        pytest.fail(f"a migration read {name}.{attr}")

    module.__getattr__ = read
    return module


def test_migrations_import_no_product_code():
    wrong = {}
    for path in MIGRATIONS:
        key = path.relative_to(Path(qorgau.__file__).parent).as_posix()
        allowed = STATE_CLASSES | {RECOMPUTING.get(key, "")}
        if extra := _imports(path) - allowed:
            wrong[key] = sorted(extra)
    assert wrong == {}


@pytest.mark.django_db
@pytest.mark.parametrize(("migration", "data_module"), FROZEN)
def test_a_changed_data_module_does_not_change_what_the_migration_loads(
    monkeypatch, migration, data_module
):
    before = _fresh_rows()
    monkeypatch.setitem(sys.modules, data_module, _trap(data_module))
    monkeypatch.delitem(sys.modules, migration, raising=False)
    importlib.import_module(migration).load(apps, None)
    assert _fresh_rows() == before


@pytest.mark.django_db
def test_a_fresh_database_has_the_rows_it_had_before_the_freeze():
    counts = {model.__name__: model.objects.count() for model in REFERENCE_LISTS}
    assert counts == {"Direction": 13, "Region": 20, "Channel": 7, "HelpKind": 3, "Outcome": 4}
    assert Direction.objects.get(code="2").name_en.startswith("Protection of life and health")
    assert Region.objects.get(code="shymkent").name_kk == "Шымкент қаласы"
    assert DisclosureRule.objects.count() == 10
    duty = DisclosureRule.objects.get(direction="", agency_kind="duty").fields
    assert {"applicant_name", "applicant_phone", "applicant_address"} <= set(duty)
    education = DisclosureRule.objects.get(direction="4", agency_kind="local").fields
    assert "applicant_iin" not in education
    encoded = json.dumps(_fresh_rows(), ensure_ascii=False).encode()
    assert hashlib.sha256(encoded).hexdigest() == FRESH_ROWS_SHA256
