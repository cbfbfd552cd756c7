"""The audit rows about an appeal, named by its number, so its whole history is one chain:
its registration and moves, views of its personal data, and everything exchanged with
agencies about it."""

from __future__ import annotations

from qorgau.audit.actions import AuditedKind

audit_appeal = AuditedKind("appeal")  # ref: the appeal's number
