"""Checking the audit chains: recompute every hash and follow every link."""

from __future__ import annotations

from dataclasses import dataclass

from qorgau.audit.models import CHAINS, GENESIS, AuditChainHead, AuditRecord


@dataclass(frozen=True)
class BrokenLink:
    chain: int
    seq: int
    record_id: int | None
    problem: str

    def describe(self) -> str:
        where = f"record id {self.record_id}" if self.record_id else "no record"
        return f"chain {self.chain}, seq {self.seq} ({where}): {self.problem}"


def _verify_chain(chain: int, head: AuditChainHead | None) -> BrokenLink | None:
    expected_seq, prev_hash = 1, GENESIS
    rows = AuditRecord.objects.filter(chain=chain).order_by("seq").iterator(chunk_size=2000)
    for row in rows:
        if row.seq != expected_seq:
            return BrokenLink(
                chain,
                expected_seq,
                None,
                f"record missing (next present is seq {row.seq}, id {row.pk})",
            )
        if row.prev_hash != prev_hash:
            return BrokenLink(chain, row.seq, row.pk, "does not link to the record before it")
        if row.compute_hash() != row.hash:
            return BrokenLink(chain, row.seq, row.pk, "content altered (hash mismatch)")
        expected_seq, prev_hash = row.seq + 1, row.hash
    last_seq = expected_seq - 1
    if head is None:
        return BrokenLink(chain, last_seq, None, "chain head missing")
    if head.seq != last_seq or head.hash != prev_hash:
        return BrokenLink(
            chain,
            last_seq + 1,
            None,
            f"records after seq {last_seq} deleted (head says seq {head.seq})",
        )
    return None


def audit_verify() -> tuple[int, list[BrokenLink]]:
    """Return (records checked, first broken link of each broken chain, earliest first)."""
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    broken = [b for c in range(CHAINS) if (b := _verify_chain(c, heads.get(c)))]
    broken.sort(key=lambda b: (b.record_id is None, b.record_id or 0, b.chain))
    return AuditRecord.objects.count(), broken
