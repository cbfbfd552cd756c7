"""Every state change of an appeal: registration, corrections and status transitions
(docs/style.md: one action per change, in one transaction, with its audit record written
last)."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from pydantic import ValidationError

from qorgau.appeals.access import check_correctable
from qorgau.appeals.auditing import audit_appeal
from qorgau.appeals.corrections import (
    appeal_state,
    changed_fields,
    corrected_body,
    display,
    field_value,
)
from qorgau.appeals.lifecycle import allowed_targets, is_reopen
from qorgau.appeals.models import (
    RISK_FLAGS,
    Appeal,
    AppealRevision,
    AssignmentChange,
    IdempotentRequest,
    PersonConcerned,
    Status,
    StatusChange,
    Urgency,
    YearCounter,
    appeal_version,
)
from qorgau.appeals.schemas import AppealIn, AppealPatch
from qorgau.audit.events import AuditEvent
from qorgau.core import crypto
from qorgau.core.access import require
from qorgau.core.errors import ApplicationError, Conflict, FieldErrors, Forbidden
from qorgau.core.kztime import kz_year
from qorgau.core.roles import Perm, Role, has_perm
from qorgau.core.signals import appeal_merge_blockers
from qorgau.core.sql import counter_next
from qorgau.core.validation import field_errors
from qorgau.reference.models import Channel, Direction, HelpKind, Outcome, Region
from qorgau.reference.selectors import reference_by_code, references_by_codes
from qorgau.staff.models import User

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out over the phone
CODE_LENGTH = 12  # 31**12 ≈ 7.9e17: guessing arithmetic in docs/architecture/appeals.md
CODE_GROUP = 4  # read out in groups: ABCD-EFGH-JKMN
CODE_PURPOSE = "status-code"


@dataclass(frozen=True)
class Registration:
    appeal: Appeal
    code: str
    replayed: bool = False


def status_code_new() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def status_code_digest(code: str) -> str:
    normalised = "".join(code.split()).replace("-", "").upper()
    return crypto.secret_digest(CODE_PURPOSE, normalised)


@dataclass(frozen=True)
class References:
    """The reference rows an appeal's codes name; None where a code is unknown."""

    channel: Channel | None
    region: Region | None
    direction: Direction | None
    outcome: Outcome | None
    help_given: list[HelpKind]


def _references(data: AppealIn) -> tuple[References, dict[str, str]]:
    """Resolve reference codes; unknown ones become field errors."""
    help_given = references_by_codes(HelpKind, data.help_given)
    refs = References(
        channel=reference_by_code(Channel, data.channel),
        region=reference_by_code(Region, data.region),
        direction=reference_by_code(Direction, str(data.direction)),
        outcome=reference_by_code(Outcome, data.outcome) if data.outcome else None,
        help_given=help_given or [],
    )
    unknown = {
        "channel": refs.channel is None,
        "region": refs.region is None,
        "direction": refs.direction is None,
        "outcome": bool(data.outcome) and refs.outcome is None,
        "help_given": help_given is None,
    }
    return refs, {field: _("Unknown value.") for field, bad in unknown.items() if bad}


def with_risk_urgency(data: AppealIn) -> AppealIn:
    """Any risk flag makes the appeal urgent (rule 6(j)). Without a reason typed, the flags are
    the reason, worded in the applicant's language: a consultant with a frightened caller on the
    line is never stopped by a form error."""
    if not data.risk_flags:
        return data
    reason = data.urgency_reason
    if not reason:
        with translation.override(data.language):
            labels = [str(label) for flag, label in RISK_FLAGS if flag in data.risk_flags]
            reason = _("Risk: %(risks)s") % {"risks": ", ".join(labels)}
    return data.model_copy(update={"urgency": Urgency.URGENT, "urgency_reason": reason[:300]})


def _consistency_errors(data: AppealIn) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.applicant.kind != "anonymous" and not data.applicant.name:
        errors["applicant.name"] = _("A name is required unless the applicant is anonymous.")
    if data.urgency == "urgent" and not data.urgency_reason:
        errors["urgency_reason"] = _("Say why the appeal is urgent.")
    if data.outcome == "out_of_competence" and not data.competent_body:
        errors["competent_body"] = _(
            "Name the competent body the applicant was told of (rule 6(o))."
        )
    if data.received_at and data.received_at > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = _("Cannot be in the future.")
    return errors


# PostgreSQL takes the number and writes it into the appeal in one round trip, which shortens
# the time the year's counter row stays locked (bench/intake.py); SQLite has one writer anyway.
NUMBER_SQL_POSTGRESQL = """
WITH counter AS (
    UPDATE appeals_yearcounter SET last = last + 1 WHERE year = %(year)s RETURNING last
)
UPDATE appeals_appeal
SET seq = counter.last, number = '111-' || %(year)s::text || '-' || lpad(counter.last::text, 6, '0')
FROM counter WHERE appeals_appeal.id = %(id)s
RETURNING counter.last
"""
NUMBER_SQL_OTHER = (
    "UPDATE appeals_yearcounter SET last = last + 1 WHERE year = %(year)s RETURNING last"
)


def _take_number(appeal: Appeal) -> None:
    """Give the appeal the next number of its year. The counter row stays locked until the
    registration commits, so numbers are unique and gapless with any number of processes."""
    postgres = connection.vendor == "postgresql"
    sql = NUMBER_SQL_POSTGRESQL if postgres else NUMBER_SQL_OTHER
    appeal.seq = counter_next(YearCounter, appeal.year, sql, {"year": appeal.year, "id": appeal.pk})
    appeal.number = f"111-{appeal.year}-{appeal.seq:06d}"
    if not postgres:
        Appeal.objects.filter(pk=appeal.pk).update(seq=appeal.seq, number=appeal.number)


def _fingerprint(data: AppealIn) -> str:
    return hashlib.sha256(data.model_dump_json().encode()).hexdigest()


def _replay(actor: User, key: str, data: AppealIn) -> Registration | None:
    previous = (
        IdempotentRequest.objects.select_related("appeal").filter(user=actor, key=key).first()
    )
    if previous is None:
        return None
    if previous.fingerprint != _fingerprint(data):
        raise Conflict(
            _("This Idempotency-Key was already used for a different appeal."),
            code="idempotency_key_reused",
        )
    return Registration(appeal=previous.appeal, code=previous.code, replayed=True)


def _blind_index(purpose: str, value: str) -> str:
    """The blind index that finds a caller's appeals by IIN or phone (never decrypting)."""
    return crypto.blind_index(purpose, value) if value else ""


def _concerns_child(data: AppealIn) -> bool:
    """Direction 4 or a child among the persons concerned: what a commissioner sees (6(e))."""
    return data.direction == 4 or any(p.kind == "child" for p in data.persons)


def _build_appeal(actor: User, data: AppealIn, refs: References, code: str) -> Appeal:
    applicant = data.applicant
    received_at = data.received_at or timezone.now()
    return Appeal(
        year=kz_year(received_at),
        channel=refs.channel,
        received_at=received_at,
        language=data.language,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name,
        applicant_iin=applicant.iin,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        iin_index=_blind_index("iin", applicant.iin),
        phone_index=_blind_index("phone", applicant.phone),
        region=refs.region,
        direction=refs.direction,
        summary=data.summary,
        description=data.description,
        urgency=data.urgency,
        urgency_reason=data.urgency_reason,
        outcome=refs.outcome,
        competent_body=data.competent_body,
        concerns_child=_concerns_child(data),
        assigned_consultant=actor if actor.role == Role.CONSULTANT else None,
        created_by=actor,
        status=Status.REGISTERED,
        status_code_digest=status_code_digest(code),
        **{f"risk_{flag}": True for flag in data.risk_flags},
    )


def appeal_register(*, actor: User, data: AppealIn, idempotency_key: str = "") -> Registration:
    """Register an appeal (rule 6(k)): number, code, first status step and audit record.

    With an idempotency key, a retry of the same request returns the first registration.
    """
    require(actor, Perm.APPEAL_CREATE)
    if idempotency_key and (replayed := _replay(actor, idempotency_key, data)):
        return replayed
    refs, errors = _references(data)
    effective = with_risk_urgency(data)
    errors.update(_consistency_errors(effective))
    if errors:
        raise FieldErrors(fields=errors)
    code = status_code_new()
    appeal = _build_appeal(actor, effective, refs, code)
    try:
        with transaction.atomic():
            _save_registration(actor, data, appeal, refs, code, idempotency_key)
    except IntegrityError:
        if idempotency_key and (replayed := _replay(actor, idempotency_key, data)):
            return replayed  # a concurrent retry with the same key won the race
        raise
    return Registration(appeal=appeal, code=code)


def _save_registration(
    actor: User, data: AppealIn, appeal: Appeal, refs: References, code: str, key: str
) -> None:
    """Insert everything first under a provisional number, then take the real number as late
    as possible: the year's counter row stays locked only for the last statements and the
    commit (docs/decisions/0003-registration-numbers.md)."""
    appeal.number = f"pending-{secrets.token_hex(6)}"
    appeal.save(force_insert=True)
    PersonConcerned.objects.bulk_create(
        PersonConcerned(appeal=appeal, kind=p.kind, age=p.age, name=p.name) for p in data.persons
    )
    through = Appeal.help_given.through
    through.objects.bulk_create(through(appeal=appeal, helpkind=h) for h in refs.help_given)
    StatusChange.objects.create(
        appeal=appeal, from_status="", to_status=Status.REGISTERED, by=actor, at=appeal.received_at
    )
    if key:
        IdempotentRequest.objects.create(
            user=actor, key=key, fingerprint=_fingerprint(data), appeal=appeal, code=code
        )
    _take_number(appeal)
    audit_appeal(
        actor=actor,
        event=AuditEvent.APPEAL_REGISTER,
        ref=appeal.number,
        reason="registration",
        details={"channel": data.channel, "urgency": appeal.urgency, "risks": appeal.risk_flags},
    )


def _label(status: str) -> str:
    return str(dict(Status.choices).get(status, status))


def appeal_transition(
    *, actor: User, appeal: Appeal, to_status: str, comment: str = "", at: datetime | None = None
) -> Appeal:
    """Move an appeal along its lifecycle, or refuse with a clear error. `at` is for importing
    history (demo data, migrations from paper registers); by default the step is dated now."""
    require(actor, Perm.APPEAL_TRANSITION)
    return _move(actor, appeal, to_status, comment, at, check_reopen=True)


def appeal_follow(*, actor: User, appeal: Appeal, to_status: str) -> Appeal:
    """Move the appeal because of work on its requests (a request sent, an agency's reply): the
    move follows from that action's own permission. Where the lifecycle does not allow it from
    the status found under the row lock, nothing changes (the consultant decides)."""
    return _move(actor, appeal, to_status, "", None, check_reopen=False, quiet=True)


def _move(
    actor: User,
    appeal: Appeal,
    to_status: str,
    comment: str,
    at: datetime | None,
    *,
    check_reopen: bool,
    quiet: bool = False,
) -> Appeal:
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        from_status = locked.status
        if quiet and (to_status not in allowed_targets(from_status) or locked.merged_into_id):
            return locked
        _refuse_if_merged(locked)
        if to_status not in allowed_targets(from_status):
            raise Conflict(
                _("An appeal cannot go from “%(from)s” to “%(to)s”.")
                % {"from": _label(from_status), "to": _label(to_status)},
                code="transition_not_allowed",
            )
        if check_reopen and is_reopen(from_status, to_status):
            require(actor, Perm.APPEAL_REOPEN)
        locked.status = to_status
        locked.save(update_fields=["status", "updated_at"])
        StatusChange.objects.create(
            appeal=locked,
            from_status=from_status,
            to_status=to_status,
            by=actor,
            at=at or timezone.now(),
            comment=comment,
        )
        audit_appeal(
            actor=actor,
            event=AuditEvent.APPEAL_TRANSITION,
            ref=locked.number,
            reason="status change",
            details={"from": from_status, "to": to_status},
        )
    return locked


def appeal_lower_urgency(*, actor: User, appeal: Appeal, reason: str) -> Appeal:
    """Make an urgent appeal normal (rule 6(j)): a supervisor only, with a reason kept on the
    appeal and in the audit log. The risk flags stay: they record what the caller said."""
    require(actor, Perm.APPEAL_LOWER_URGENCY)
    reason = reason.strip()
    if not reason:
        raise FieldErrors(fields={"reason": _("Say why the urgency is lowered.")})
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.urgency != Urgency.URGENT:
            raise Conflict(_("This appeal is not urgent."), code="appeal_not_urgent")
        locked.urgency = Urgency.NORMAL
        locked.urgency_lowered_at = timezone.now()
        locked.urgency_lowered_by = actor
        locked.urgency_lowered_reason = reason[:300]
        locked.save(
            update_fields=[
                "urgency",
                "urgency_lowered_at",
                "urgency_lowered_by",
                "urgency_lowered_reason",
                "updated_at",
            ]
        )
        audit_appeal(
            actor=actor,
            event=AuditEvent.APPEAL_LOWER_URGENCY,
            ref=locked.number,
            reason=reason[:300],
            details={"from": Urgency.URGENT, "to": Urgency.NORMAL, "risks": locked.risk_flags},
        )
    return locked


ASSIGNABLE_ROLES = (Role.CONSULTANT, Role.SUPERVISOR)


def _check_assignee(consultant: User) -> None:
    if not consultant.is_active or consultant.role not in ASSIGNABLE_ROLES:
        raise FieldErrors(fields={"consultant": _("Choose an active consultant or supervisor.")})


def _check_may_assign(actor: User, locked: Appeal, consultant: User) -> None:
    """A supervisor assigns anyone (Perm.APPEAL_ASSIGN); a consultant only takes an appeal
    that has no consultant yet (Perm.APPEAL_TAKE), never a colleague's."""
    if has_perm(actor, Perm.APPEAL_ASSIGN):
        return
    if consultant.pk != actor.pk:
        raise Forbidden(_("You may only take an appeal yourself."))
    if locked.assigned_consultant_id not in (None, actor.pk):
        raise Conflict(
            _("This appeal is already assigned to a colleague; ask a supervisor to reassign it."),
            code="appeal_already_assigned",
        )


def _refuse_if_merged(appeal: Appeal) -> None:
    if appeal.merged_into_id is not None:
        raise Conflict(
            _("Appeal %(number)s was merged into another appeal and no longer changes.")
            % {"number": appeal.number},
            code="appeal_merged",
        )


def appeal_assign(*, actor: User, appeal: Appeal, consultant: User, reason: str = "") -> Appeal:
    """Give the appeal to a consultant (or supervisor), with an optional reason kept in its
    assignment history; the audit record names both consultants, never the reason (free text)."""
    if not has_perm(actor, Perm.APPEAL_ASSIGN):
        require(actor, Perm.APPEAL_TAKE)
    _check_assignee(consultant)
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        _refuse_if_merged(locked)
        _check_may_assign(actor, locked, consultant)
        if locked.assigned_consultant_id == consultant.pk:
            return locked
        previous = locked.assigned_consultant
        locked.assigned_consultant = consultant
        locked.save(update_fields=["assigned_consultant", "updated_at"])
        AssignmentChange.objects.create(
            appeal=locked,
            from_consultant=previous,
            to_consultant=consultant,
            by=actor,
            at=timezone.now(),
            reason=reason.strip()[:300],
        )
        audit_appeal(
            actor=actor,
            event=AuditEvent.APPEAL_ASSIGN,
            ref=locked.number,
            reason="assignment",
            details={"from": previous.username if previous else "", "to": consultant.username},
        )
    return locked


def merge_blockers(duplicate: Appeal) -> list[str]:
    """What would be left waiting on the duplicate if it were merged now: the apps above answer
    core's `appeal_merge_blockers` hook (agency_requests: requests still waiting for an
    agency's answer). Any answer refuses the merge."""
    return [
        message
        for _receiver, messages in appeal_merge_blockers.send(sender=Appeal, appeal=duplicate)
        for message in messages or []
    ]


def merge_refusal(duplicate: Appeal, into: Appeal, reason: str) -> ApplicationError | None:
    """Why these two appeals cannot be merged, if they cannot: asked first by the confirmation
    page, and again by appeal_merge under the row locks."""
    numbers = {"duplicate": duplicate.number, "into": into.number}
    if not reason.strip():
        return FieldErrors(fields={"reason": _("Say why these appeals are duplicates.")})
    if duplicate.pk == into.pk:
        return Conflict(_("An appeal cannot be merged into itself."), code="merge_same_appeal")
    if duplicate.merged_into_id is not None:
        return Conflict(
            _("Appeal %(duplicate)s has already been merged into another appeal.") % numbers,
            code="merge_already_merged",
        )
    if into.merged_into_id is not None:
        return Conflict(
            _(
                "Appeal %(into)s was itself merged into another appeal: merge %(duplicate)s"
                " into that one."
            )
            % numbers,
            code="merge_into_merged",
        )
    if duplicate.merged_appeals.exists():
        return Conflict(
            _(
                "Other appeals were merged into %(duplicate)s: merge %(into)s into it instead,"
                " so that no merge leads to a merged appeal."
            )
            % numbers,
            code="merge_would_chain",
        )
    if into.status == Status.CLOSED:
        return Conflict(
            _("Appeal %(into)s is closed: reopen it first, then merge into it.") % numbers,
            code="merge_into_closed",
        )
    return None


def appeal_merge(*, actor: User, duplicate: Appeal, into: Appeal, reason: str) -> Appeal:
    """Merge a duplicate into the appeal that carries on (a supervisor, with a reason). The
    duplicate is closed with a status step saying so and points to the survivor; nothing is
    deleted, and each appeal keeps its own number, data and records. Both rows are locked in id
    order, so two merges of the same duplicate cannot both win (the second gets 409)."""
    require(actor, Perm.APPEAL_MERGE)
    reason = reason.strip()[:300]
    with transaction.atomic():
        rows = Appeal.objects.select_for_update().filter(pk__in={duplicate.pk, into.pk})
        locked = {a.pk: a for a in rows.order_by("pk")}
        dup, survivor = locked[duplicate.pk], locked[into.pk]
        refusal = merge_refusal(dup, survivor, reason)
        if refusal is not None:
            raise refusal
        if blockers := merge_blockers(dup):
            raise Conflict(" ".join(blockers), code="merge_blocked")
        _close_merged(actor, dup, survivor, reason)
        for ref in (dup.number, survivor.number):
            audit_appeal(
                actor=actor,
                event=AuditEvent.APPEAL_MERGE,
                ref=ref,
                reason="merge of a duplicate",
                details={"duplicate": dup.number, "into": survivor.number},
            )
    return dup


def _close_merged(actor: User, dup: Appeal, survivor: Appeal, reason: str) -> None:
    """Close the duplicate and point it to the survivor. The lifecycle reaches "closed" only
    from "answered"; a merge closes from any status because the survivor's answer is the
    duplicate's answer, so the step is written here, with a comment that says why. A duplicate
    already closed gets no new step, only the link."""
    now = timezone.now()
    from_status = dup.status
    dup.status = Status.CLOSED
    dup.merged_into = survivor
    dup.merged_at = now
    dup.merged_by = actor
    dup.save(update_fields=["status", "merged_into", "merged_at", "merged_by", "updated_at"])
    if from_status != Status.CLOSED:
        with translation.override(dup.language):
            comment = _("Merged into appeal %(into)s: %(reason)s") % {
                "into": survivor.number,
                "reason": reason,
            }
        StatusChange.objects.create(
            appeal=dup,
            from_status=from_status,
            to_status=Status.CLOSED,
            by=actor,
            at=now,
            comment=comment,
        )


@dataclass(frozen=True)
class Correction:
    appeal: Appeal
    changed: list[str]  # the names of the fields that changed; empty: nothing was saved


# The fields of the appeal row a corrected field is saved in (persons and help given are rows
# of their own; the references are saved by their foreign keys).
COLUMNS = {
    "language": "language",
    "applicant.kind": "applicant_kind",
    "applicant.name": "applicant_name",
    "applicant.iin": "applicant_iin",
    "applicant.phone": "applicant_phone",
    "applicant.email": "applicant_email",
    "applicant.address": "applicant_address",
    "summary": "summary",
    "description": "description",
    "urgency": "urgency",
    "urgency_reason": "urgency_reason",
    "competent_body": "competent_body",
}


def appeal_correct(
    *, actor: User, appeal: Appeal, data: AppealPatch, expected_version: str, reason: str = ""
) -> Correction:
    """Correct an appeal after registration, validated whole as at registration. Refused when
    it changed since the client read `expected_version` (409, nothing written), and for a
    closed appeal unless the actor may correct closed ones (403). Lowering the urgency and
    taking a risk flag back are not corrections (rule 6(j)). The blind indexes, "concerns a
    child" and the summary's search index follow; a revision keeps the old and new values
    (encrypted), the audit record names the fields only."""
    require(actor, Perm.APPEAL_EDIT)
    with transaction.atomic():
        locked = (
            Appeal.objects.select_for_update(of=("self",))
            .select_related("channel", "region", "direction", "outcome")
            .get(pk=appeal.pk)
        )
        check_correctable(actor, locked)
        _refuse_if_merged(locked)
        if appeal_version(locked) != expected_version:
            raise Conflict(
                _("Someone else changed this appeal after you opened it."), code="appeal_changed"
            )
        old = appeal_state(locked)
        new, refs = _validated(old, data)
        changed = changed_fields(old, new.model_dump())
        if not changed:
            return Correction(locked, [])
        _save_correction(locked, new, refs, changed)
        changes = [
            {"field": f, "old": display(old, f), "new": display(new.model_dump(), f)}
            for f in changed
        ]
        AppealRevision.objects.create(
            appeal=locked,
            by=actor,
            at=locked.updated_at,
            reason=reason.strip()[:300],
            changes=json.dumps(changes, ensure_ascii=False),
        )
        audit_appeal(
            actor=actor,
            event=AuditEvent.APPEAL_CORRECT,
            ref=locked.number,
            reason="correction",
            details={"fields": changed},
        )
    return Correction(locked, changed)


def _validated(old: dict[str, object], data: AppealPatch) -> tuple[AppealIn, References]:
    """The corrected appeal, checked with registration's rules and the correction's own."""
    try:
        parsed = AppealIn.model_validate(corrected_body(old, data))
    except ValidationError as exc:
        raise FieldErrors(fields=field_errors(exc.errors())) from None
    refs, errors = _references(parsed)
    new = with_risk_urgency(parsed)
    errors.update(_consistency_errors(new))
    if old["urgency"] == Urgency.URGENT and parsed.urgency != Urgency.URGENT:
        errors["urgency"] = _(
            "A correction does not lower the urgency: a supervisor does that on the appeal"
            " page, with a reason (rule 6(j))."
        )
    if set(field_value(old, "risk_flags")) - set(new.risk_flags):
        errors["risk_flags"] = _("A recorded risk stays on the appeal: it cannot be taken back.")
    if errors:
        raise FieldErrors(fields=errors)
    return new, refs


def _save_correction(locked: Appeal, new: AppealIn, refs: References, changed: list[str]) -> None:
    """Write the changed fields and what follows from them, with update_fields."""
    body = new.model_dump()
    columns = [COLUMNS[f] for f in changed if f in COLUMNS]
    for field in changed:
        if field in COLUMNS:
            setattr(locked, COLUMNS[field], field_value(body, field))
    for field in ("channel", "region", "direction", "outcome"):
        if field in changed:
            setattr(locked, field, getattr(refs, field))
            columns.append(field)
    if "risk_flags" in changed:
        for flag in new.risk_flags:
            setattr(locked, f"risk_{flag}", True)
        columns += [f"risk_{flag}" for flag in new.risk_flags]
    if "applicant.iin" in changed:
        locked.iin_index = _blind_index("iin", new.applicant.iin)
        columns.append("iin_index")
    if "applicant.phone" in changed:
        locked.phone_index = _blind_index("phone", new.applicant.phone)
        columns.append("phone_index")
    locked.concerns_child = _concerns_child(new)
    locked.save(update_fields=[*dict.fromkeys(columns), "concerns_child", "updated_at"])
    if "persons" in changed:
        locked.persons.all().delete()
        PersonConcerned.objects.bulk_create(
            PersonConcerned(appeal=locked, kind=p.kind, age=p.age, name=p.name) for p in new.persons
        )
    if "help_given" in changed:
        locked.help_given.set(refs.help_given)
