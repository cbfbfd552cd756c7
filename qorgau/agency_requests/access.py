"""Fetching requests and agencies for the centre's staff (deny by default), and deciding who
reads what agencies and the centre wrote about an appeal (rule 5)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from qorgau.agencies.models import Agency
from qorgau.agency_requests.disclosure import Composition, compose_request
from qorgau.agency_requests.models import AgencyRequest, Letter, LetterDirection, ReplyAttachment
from qorgau.appeals.access import access_appeal, access_personal_text
from qorgau.appeals.auditing import audit_appeal
from qorgau.audit.events import AuditEvent
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors, NotFound
from qorgau.core.roles import Perm, Role, has_perm
from qorgau.staff.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.appeals.models import Appeal


def access_request(user: User | AnonymousUser, request_id: int) -> AgencyRequest:
    """A request whose appeal the user may see; 404 otherwise, as for one that does not exist
    (the right is checked first, so a role without it gets 403 either way)."""
    require(user, Perm.APPEAL_VIEW)
    request = (
        AgencyRequest.objects.select_related("appeal", "agency__region")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound()
    access_appeal(user, request.appeal.number)  # same scope as the appeal itself
    return request


def chosen_agency(agency_id: int) -> Agency:
    """The active agency a consultant picked, or a field error."""
    agency = Agency.objects.filter(pk=agency_id, active=True).select_related("region").first()
    if agency is None:
        raise FieldErrors(fields={"agency": str(NotFound().message)})
    return agency


def agency_requests(user: User | AnonymousUser) -> QuerySet[AgencyRequest]:
    """The requests addressed to the officer's own agency, newest first; none for anyone else."""
    require(user, Perm.AGENCY_PORTAL)
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return AgencyRequest.objects.none()
    return AgencyRequest.objects.filter(agency_id=agency_id).select_related("appeal", "agency")


def access_agency_request(user: User | AnonymousUser, request_id: int) -> AgencyRequest:
    """A request of the officer's own agency; 404 for another agency's, as if it did not exist."""
    request = agency_requests(user).filter(pk=request_id).first()
    if request is None:
        raise NotFound()
    return request


def access_portal_attachment(
    user: User | AnonymousUser, request_id: int, attachment_id: int
) -> ReplyAttachment:
    """A file the officer's own agency sent with its answer; 404 for any other, as if it did
    not exist. Downloading it is audited (it may hold personal data, rule 5)."""
    request = access_agency_request(user, request_id)
    attachment = ReplyAttachment.objects.filter(pk=attachment_id, reply__request=request).first()
    if attachment is None:
        raise NotFound()
    audit_appeal(
        actor=user,
        event=AuditEvent.REQUEST_VIEW,
        ref=request.appeal.number,
        reason="agency portal file",
        details={"attachments": [attachment.pk]},
    )
    return attachment


def agency_request_content(
    user: User | AnonymousUser, agency_request: AgencyRequest, *, reason: str = "agency portal"
) -> dict[str, Any]:
    """What was sent to the agency, for its officer (or, through `access_request_content`, the
    centre's staff); reading it is audited (rule 5)."""
    audit_appeal(
        actor=user,
        event=AuditEvent.REQUEST_VIEW,
        ref=agency_request.appeal.number,
        reason=reason,
    )
    return dict(json.loads(agency_request.content))


def access_request_content(
    user: User | AnonymousUser, agency_request: AgencyRequest, *, reason: str
) -> dict[str, Any] | None:
    """What was sent to the agency, for a role of the centre that sees personal data (the view
    is audited); None for every other role."""
    if not has_perm(user, Perm.APPEAL_VIEW_PERSONAL):
        return None
    return agency_request_content(user, agency_request, reason=reason)


def access_request_preview(
    user: User | AnonymousUser, appeal: Appeal, agency: Agency
) -> Composition:
    """Exactly what a request about an appeal the user may send requests on would carry, and
    what would be withheld; showing it is audited (it holds personal data)."""
    require(user, Perm.REQUEST_SEND)
    composition = compose_request(appeal, agency)
    audit_appeal(
        actor=user,
        event=AuditEvent.REQUEST_PREVIEW,
        ref=appeal.number,
        reason="preview before sending",
    )
    return composition


def agency_heads(user: User | AnonymousUser) -> QuerySet[User]:
    """The heads and deputy heads of the officer's own agency (the administrator marks them),
    who decide extensions of answer terms (rule 11)."""
    require(user, Perm.AGENCY_PORTAL)
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        return User.objects.none()
    return User.objects.filter(
        agency_id=agency_id,
        role=Role.AGENCY_OFFICER,
        is_agency_head=True,
        is_active=True,
    ).order_by("last_name", "first_name", "username")


def chosen_head(user: User | AnonymousUser, username: str) -> User | None:
    """The head or deputy head of the officer's agency named by username; None when empty."""
    if not username:
        return None
    head = agency_heads(user).filter(username=username).first()
    if head is None:
        message = _("Choose the head or deputy head of your agency who decided the extension.")
        raise FieldErrors(fields={"decided_by": message})
    return head


def access_texts(
    user: User | AnonymousUser, appeal: Appeal, shown: dict[str, list[int]], *, reason: str
) -> bool:
    """Whether the texts named in `shown` (reply text and attachments, letter bodies and scans,
    call notes: ids by kind) may be shown to the user. Only roles that see personal data may,
    and each such view is audited naming the items (rule 5). Nothing to show: nothing audited."""
    if not any(shown.values()):
        return False
    return access_personal_text(user, appeal, reason=reason, details=shown)


def access_reply_attachment(
    user: User | AnonymousUser, request_id: int, attachment_id: int
) -> ReplyAttachment:
    """A file an agency sent with its answer, for a role that sees personal data; the view is
    audited. 404 for everyone else, as if it did not exist."""
    request = access_request(user, request_id)
    attachment = ReplyAttachment.objects.filter(pk=attachment_id, reply__request=request).first()
    shown = {"attachments": [attachment.pk] if attachment else []}
    if attachment is None or not access_texts(user, request.appeal, shown, reason="reply file"):
        raise NotFound()
    return attachment


LETTER_PARTS = {
    "pdf": (Q(direction=LetterDirection.OUTGOING), "letter PDF"),
    "scan": (~Q(scan=""), "letter scan"),
}


def access_letter(user: User | AnonymousUser, letter_id: int, *, part: str) -> Letter:
    """A letter for its `part` (an outgoing letter's PDF, an incoming letter's scan), for a role
    that sees personal data; the view is audited. 404 for everyone else who may see the appeal,
    and for a letter without that part."""
    require(user, Perm.APPEAL_VIEW)  # first: a role without it gets 403 whether or not it exists
    condition, reason = LETTER_PARTS[part]
    letter = (
        Letter.objects.select_related("appeal", "agency", "by")
        .filter(condition, pk=letter_id)
        .first()
    )
    if letter is None:
        raise NotFound()
    appeal = access_appeal(user, letter.appeal.number)
    if not access_texts(user, appeal, {"letters": [letter.pk]}, reason=reason):
        raise NotFound()
    return letter
