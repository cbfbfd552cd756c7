"""The audit log: written by every action, hash-chained, and `qorgau audit verify` names the
first broken link after a row is altered or deleted (decision 0002)."""

from __future__ import annotations

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from qorgau.audit.actions import audit_record
from qorgau.audit.events import AuditEvent
from qorgau.audit.models import AuditRecord
from qorgau.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


@contextmanager
def tampering():
    """An attacker with database rights: on PostgreSQL they first disable the trigger."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER audit_record_append_only")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER audit_record_append_only")


def _fill(personas, n=30):
    for i in range(n):
        audit_record(
            actor=personas["consultant"],
            action=AuditEvent.APPEAL_REGISTER,
            object_type="appeal",
            object_ref=f"111-2026-{i:06d}",
            reason="test",
        )


def _verify_output() -> str:
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("audit", "verify", stderr=err)
    return str(failure.value)


def test_intact_log_verifies(personas):
    _fill(personas)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "30 records verified" in out.getvalue()


def test_altered_row_is_named(personas):
    _fill(personas)
    victim = AuditRecord.objects.order_by("id")[10]
    with tampering():
        AuditRecord.objects.filter(pk=victim.pk).update(actor_username="someone_else")
    message = _verify_output()
    assert f"record id {victim.pk}" in message and "altered" in message


def test_deleted_row_is_named(personas):
    for _ in range(3):
        audit_record(
            actor=None,
            action=AuditEvent.APPEAL_REGISTER,
            object_type="appeal",
            object_ref="111-2026-000777",
            reason="test",
        )
    chain = AuditRecord.objects.get(seq=1, object_ref="111-2026-000777").chain
    rows = list(AuditRecord.objects.filter(chain=chain).order_by("seq"))
    with tampering():
        AuditRecord.objects.filter(pk=rows[1].pk).delete()
    message = _verify_output()
    assert f"chain {chain}, seq {rows[1].seq}" in message and "missing" in message


def test_deleted_last_row_is_noticed(personas):
    _fill(personas)
    last = AuditRecord.objects.order_by("-id").first()
    with tampering():
        AuditRecord.objects.filter(pk=last.pk).delete()
    assert "deleted" in _verify_output()


def test_first_broken_link_is_the_earliest(personas):
    _fill(personas)
    early, late = AuditRecord.objects.order_by("id")[3], AuditRecord.objects.order_by("id")[20]
    with tampering():
        AuditRecord.objects.filter(pk__in=[early.pk, late.pk]).update(reason="changed")
    _checked, broken = audit_verify()
    assert broken[0].record_id == early.pk


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete(personas):
    _fill(personas, 1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.update(reason="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditRecord.objects.all().delete()


def test_every_appeal_action_is_audited_with_who_role_what_why(api_as, register):
    number = register()["number"]
    client = api_as("supervisor")
    client.post(f"/api/v1/appeals/{number}/transitions", {"to": "in_progress"})
    client.get(f"/api/v1/appeals/{number}")
    records = AuditRecord.objects.filter(object_ref=number).order_by("seq")
    assert [r.action for r in records] == [
        "appeal.register",
        "appeal.transition",
        "appeal.view_personal",
    ]
    assert [r.actor_role for r in records] == ["consultant", "supervisor", "supervisor"]
    assert all(r.reason for r in records)
    assert len({r.chain for r in records}) == 1  # one appeal, one ordered chain


def test_appeals_spread_over_chains(register):
    for _ in range(40):
        register()
    chains = set(AuditRecord.objects.values_list("chain", flat=True))
    assert len(chains) > 10  # writers of different appeals do not queue on one head


def test_an_event_name_outside_the_enum_is_refused():
    old_name = "demand.registered"
    with pytest.raises(ValueError, match=r"demand\.registered"):
        audit_record(actor=None, action=old_name, object_type="demand", object_ref="1")  # type: ignore[arg-type]
    assert not AuditRecord.objects.exists()
