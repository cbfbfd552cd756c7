"""The audit rows about a call (its recording stored, heard or deleted, its outcome, its quality
review) and about a written demand, each named the same way every time."""

from __future__ import annotations

from qorgau.audit.actions import AuditedKind

audit_call = AuditedKind("call")  # ref: the call's id
audit_demand = AuditedKind("demand")  # ref: the demand's id
