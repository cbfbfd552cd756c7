"""Pages and API handlers never write the audit log themselves: they fetch through access
helpers and change through actions, and those write the audit row (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import qorgau

ROOT = Path(qorgau.__file__).parent


def _handler_modules() -> list[Path]:
    """Every views and API module: views.py, api.py, *_api.py and the modules of an api/ package."""
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts
        and (
            path.name in ("views.py", "api.py")
            or path.stem.endswith("_api")
            or path.parent.name == "api"
        )
    )


def _audit_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module == "qorgau.audit.actions":
            found.append(f"line {node.lineno}: imports from qorgau.audit.actions")
        elif isinstance(node, ast.Import) and any(
            a.name == "qorgau.audit.actions" for a in node.names
        ):
            found.append(f"line {node.lineno}: imports qorgau.audit.actions")
        elif isinstance(node, ast.Name | ast.Attribute) and "audit_record" in (
            getattr(node, "id", ""),
            getattr(node, "attr", ""),
        ):
            found.append(f"line {node.lineno}: uses audit_record")
    return found


def test_the_walk_finds_the_handler_modules():
    names = {str(p.relative_to(ROOT)) for p in _handler_modules()}
    assert {"api.py", "appeals/api.py", "appeals/views.py", "agency_requests/api/staff.py"} <= names


def test_no_view_or_api_module_writes_the_audit_log():
    offenders = {
        str(path.relative_to(ROOT)): uses
        for path in _handler_modules()
        if (uses := _audit_uses(path))
    }
    assert offenders == {}


def test_the_check_sees_a_direct_call(tmp_path):
    handler = tmp_path / "views.py"
    handler.write_text("import qorgau.audit.actions as a\n\ndef v(r):\n    a.audit_record()\n")
    assert _audit_uses(handler) == [
        "line 1: imports qorgau.audit.actions",
        "line 4: uses audit_record",
    ]
