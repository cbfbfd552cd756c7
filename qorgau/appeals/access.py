"""The only way views and the API fetch an appeal or its personal data (docs/style.md).

`access_appeal` answers 404 for an appeal outside the user's scope, exactly as for one that does
not exist. Personal data is decrypted only through `access_personal_data`, which checks the role
and writes an audit record of the view (rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from qorgau.appeals.auditing import audit_appeal
from qorgau.appeals.corrections import appeal_state
from qorgau.appeals.models import Appeal, Status
from qorgau.appeals.selectors import (
    appeals_visible_to,
    assignable_staff,
    earlier_appeals_by_index,
    possible_duplicates,
)
from qorgau.audit.actions import audit_record
from qorgau.audit.events import AuditEvent
from qorgau.core import crypto
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors, Forbidden, NotFound
from qorgau.core.roles import Perm, has_perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


def access_appeal(user: User | AnonymousUser, number: str, *, then: Perm | None = None) -> Appeal:
    """The appeal, if the user may see it; 404 otherwise. `then` names the right the caller is
    about to use on it: checked before the look-up, so a role without it gets the same 403
    whether or not the appeal exists ("not yours" answers as "not there", rule 5)."""
    require(user, Perm.APPEAL_VIEW)
    if then is not None:
        require(user, then)
    appeal = (
        appeals_visible_to(user)
        .select_related("channel", "region", "direction", "outcome", "assigned_consultant")
        .filter(number=number)
        .first()
    )
    if appeal is None:
        raise NotFound()
    return appeal


def check_correctable(user: User | AnonymousUser, appeal: Appeal) -> None:
    """A closed appeal is corrected only by a role that may correct closed ones (403)."""
    if appeal.status == Status.CLOSED and not has_perm(user, Perm.APPEAL_EDIT_CLOSED):
        raise Forbidden(
            _("This appeal is closed: only a supervisor may correct it."), code="appeal_closed"
        )


def access_correction(
    user: User | AnonymousUser, number: str, *, reason: str
) -> tuple[Appeal, dict[str, Any]]:
    """The appeal a user may correct and its state with personal data decrypted, to fill the
    correction form: a view of personal data, audited (rule 5)."""
    appeal = access_appeal(user, number, then=Perm.APPEAL_EDIT)
    check_correctable(user, appeal)
    require(user, Perm.APPEAL_VIEW_PERSONAL)
    audit_appeal(
        actor=user, event=AuditEvent.APPEAL_VIEW_PERSONAL, ref=appeal.number, reason=reason
    )
    return appeal, appeal_state(appeal)


@dataclass(frozen=True)
class PersonalData:
    name: str
    iin: str
    phone: str
    email: str
    address: str
    description: str
    person_names: list[str]


def access_personal_data(
    user: User | AnonymousUser, appeal: Appeal, *, reason: str
) -> PersonalData:
    """Decrypt the appeal's personal data for a user whose role allows it, and audit the view."""
    require(user, Perm.APPEAL_VIEW_PERSONAL)
    audit_appeal(
        actor=user,
        event=AuditEvent.APPEAL_VIEW_PERSONAL,
        ref=appeal.number,
        reason=reason,
    )
    return PersonalData(
        name=appeal.applicant_name,
        iin=appeal.applicant_iin,
        phone=appeal.applicant_phone,
        email=appeal.applicant_email,
        address=appeal.applicant_address,
        description=appeal.description,
        person_names=[p.name for p in appeal.persons.all()],
    )


def access_earlier_appeals(
    user: User | AnonymousUser, *, iin: str = "", phone: str = "", reason: str, limit: int = 10
) -> list[Appeal]:
    """A caller's earlier appeals by IIN or phone (already normalised), the newest `limit`; the
    look-up is audited because it tells the consultant that this person called before."""
    require(user, Perm.APPEAL_LOOKUP_CALLER)
    iin_index = crypto.blind_index("iin", iin) if iin else ""
    phone_index = crypto.blind_index("phone", phone) if phone else ""
    found = earlier_appeals_by_index(
        user, iin_index=iin_index, phone_index=phone_index, limit=limit
    )
    if found:
        audit_record(
            actor=user,
            action=AuditEvent.APPEAL_LOOKUP_CALLER,
            object_type="user",
            object_ref=str(user.pk),
            reason=reason,
            details={"appeals": [a.number for a in found]},
        )
    return found


def access_personal_text(
    user: User | AnonymousUser,
    appeal: Appeal,
    *,
    reason: str,
    details: dict[str, Any] | None = None,
) -> bool:
    """Whether the user may read free text about the appeal that can hold personal data: the
    comments of the status history, agencies' replies and their attachments, letters and
    outbound-call notes (rule 5). Reading it is a view of personal data and is audited like
    one; `details` names what was shown."""
    if not has_perm(user, Perm.APPEAL_VIEW_PERSONAL):
        return False
    audit_appeal(
        actor=user,
        event=AuditEvent.APPEAL_VIEW_PERSONAL,
        ref=appeal.number,
        reason=reason,
        details=details,
    )
    return True


def access_possible_duplicates(user: User | AnonymousUser, appeal: Appeal) -> list[Appeal]:
    """Other recent appeals of the same caller, for a supervisor deciding a merge. Like the
    caller look-up it tells that this person called before, so a look-up that finds any is
    audited."""
    require(user, Perm.APPEAL_MERGE)
    found = possible_duplicates(user, appeal)
    if found:
        audit_appeal(
            actor=user,
            event=AuditEvent.APPEAL_LOOKUP_CALLER,
            ref=appeal.number,
            reason="possible duplicates",
            details={"appeals": [a.number for a in found]},
        )
    return found


def access_duplicate(user: User | AnonymousUser, number: str) -> Appeal:
    """The appeal a merge form names as the duplicate; a number the user cannot open is a
    field error of the form, told apart from nothing else (rule 5)."""
    try:
        return access_appeal(user, number.strip().upper()[:40], then=Perm.APPEAL_MERGE)
    except NotFound:
        raise FieldErrors(fields={"duplicate": _("No appeal has this number.")}) from None


def access_assignee(username: str) -> User:
    """The consultant or supervisor a form or the API names by username, if they may be given
    an appeal; a field error otherwise."""
    consultant = assignable_staff().filter(username=username).first()
    if consultant is None:
        raise FieldErrors(fields={"consultant": _("Choose an active consultant or supervisor.")})
    return consultant
