"""Audit records in CHAINS independent hash chains (docs/architecture/audit.md).

Each chain has a head row that a writer locks for the few statements that append to it, so
writers on different chains never wait for each other; a record's chain follows from what it is
about, so the history of one appeal is one ordered chain.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from django.db import models

CHAINS = 32
GENESIS = "0" * 64


class AuditChainHead(models.Model):
    chain = models.PositiveSmallIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)


class AuditRecord(models.Model):
    """Who (id, username, role) did what to which object, when and why. Never updated."""

    chain = models.PositiveSmallIntegerField()
    seq = models.BigIntegerField()
    at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_ref = models.CharField(max_length=60, db_index=True)
    reason = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_chain_seq_unique")
        ]
        indexes = [models.Index(fields=["actor_id", "at"])]

    def compute_hash(self) -> str:
        body = [
            self.chain,
            self.seq,
            self.at.astimezone(UTC).isoformat(),
            self.actor_id,
            self.actor_username,
            self.actor_role,
            self.action,
            self.object_type,
            self.object_ref,
            self.reason,
            self.details,
            self.prev_hash,
        ]
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
