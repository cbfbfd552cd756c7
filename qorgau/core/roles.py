"""Roles and the permission matrix, as data (deny by default; docs/permissions.md).

A permission is granted only by an explicit row here; a role that is not listed has no right.
What a role may see of a list (its scope) is decided in each app's selectors.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User


class Role(models.TextChoices):
    CONSULTANT = "consultant", _("Consultant")
    SUPERVISOR = "supervisor", _("Supervisor")
    QUALITY = "quality", _("Quality and training officer")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    COMMISSIONER = "commissioner", _("Children's rights commissioner")
    AUDITOR = "auditor", _("Ministry auditor")
    ADMIN = "admin", _("Administrator")


class Perm(StrEnum):
    APPEAL_CREATE = "appeal.create"
    APPEAL_VIEW = "appeal.view"  # the appeal without personal data
    APPEAL_VIEW_PERSONAL = "appeal.view_personal"  # names, IIN, phone, e-mail, address, description
    APPEAL_LOOKUP_CALLER = "appeal.lookup_caller"  # earlier appeals by IIN or phone
    APPEAL_TRANSITION = "appeal.transition"
    APPEAL_REOPEN = "appeal.reopen"
    APPEAL_LOWER_URGENCY = "appeal.lower_urgency"  # make an urgent appeal normal, with a reason
    APPEAL_ASSIGN = "appeal.assign"  # assign or reassign an appeal to any active consultant
    APPEAL_TAKE = "appeal.take"  # take an appeal that has no consultant (never a colleague's)
    APPEAL_MERGE = "appeal.merge"  # merge a duplicate appeal into another one
    APPEAL_EDIT = "appeal.edit"  # correct an appeal after registration
    APPEAL_EDIT_CLOSED = "appeal.edit_closed"  # and correct it once it is closed
    URGENT_ALERT = "urgent.alert"  # the alert of urgent appeals still waiting for a request
    AUDIT_VIEW = "audit.view"
    REQUEST_SEND = "request.send"  # compose, preview and send requests to agencies (rule 15)
    AGENCY_PORTAL = "agency.portal"  # an officer's own agency's requests: read and reply
    DEADLINE_BOARD = "deadline.board"  # overdue and soon-due requests of every agency
    CALL_OUTCOME = "call.outcome"  # record a transfer to 1414 or a referral (rules 6(n), 6(o))
    CALL_ANY = "call.any"  # see and act on any call, not only those answered at one's extension
    CALL_BOARD = "call.board"  # the live board of lines and consultants
    DEMAND_REGISTER = "demand.register"  # register a written demand for recordings (rule 6(p))
    DEMAND_DECIDE = "demand.decide"  # approve or reject a written demand
    DEMAND_VIEW = "demand.view"  # the list of written demands and their deadlines
    CALL_SEARCH = "call.search"  # find calls by date, line, caller's phone, appeal (rule 6(p))
    REVIEW_ASSIGN = "review.assign"  # assign a call's quality review to a quality officer
    REVIEW_TASKS = "review.tasks"  # one's own review tasks
    KB_READ = "kb.read"  # search and read the knowledge base; attach articles to appeals
    KB_EDIT = "kb.edit"  # write articles and send them to review; see searches that found nothing
    KB_PUBLISH = "kb.publish"  # publish and archive articles
    ADMIN_SITE = "admin.site"  # the administrator's pages /admin/ (with a verified second factor)
    CASE_NOTES = "case.notes"  # read (audited) and write an appeal's internal notes
    CASE_TASKS = "case.tasks"  # follow-ups and callbacks on appeals; one's own task list
    CASE_TASKS_ANY = "case.tasks_any"  # everyone's follow-ups: reassign, close, list
    CASE_ATTACH = "case.attach"  # attach files to an appeal, see their names, download them
    CASE_ATTACH_REMOVE = "case.attach_remove"  # remove anyone's attachment (with a reason)
    CONVERSATION_HANDLE = "conversation.handle"  # written appeals: inbox, read (audited), reply
    SITE_EDIT = "site.edit"  # the public site's information pages, in kk and ru
    CONVERSATION_BLOCK = "conversation.block"  # block and unblock a written appeal's sender
    CONVERSATION_ASSIGN = "conversation.assign"  # (re)assign any, breach list, close as no reply
    OUTREACH_MANAGE = "outreach.manage"  # schools, their posters (audited), source codes, counts
    # No permission lets a role listen to or download recordings: access comes only from an
    # approved written demand (its recipient) or an open review task (its assignee): access.py.


R = Role
MATRIX: dict[Perm, frozenset[Role]] = {
    Perm.APPEAL_CREATE: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.APPEAL_VIEW: frozenset({R.CONSULTANT, R.SUPERVISOR, R.QUALITY, R.COMMISSIONER, R.AUDITOR}),
    Perm.APPEAL_VIEW_PERSONAL: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.APPEAL_LOOKUP_CALLER: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.APPEAL_TRANSITION: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.APPEAL_REOPEN: frozenset({R.SUPERVISOR}),
    Perm.APPEAL_LOWER_URGENCY: frozenset({R.SUPERVISOR}),
    Perm.APPEAL_ASSIGN: frozenset({R.SUPERVISOR}),
    Perm.APPEAL_TAKE: frozenset({R.CONSULTANT}),
    Perm.APPEAL_MERGE: frozenset({R.SUPERVISOR}),
    Perm.APPEAL_EDIT: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.APPEAL_EDIT_CLOSED: frozenset({R.SUPERVISOR}),
    Perm.URGENT_ALERT: frozenset({R.SUPERVISOR}),
    Perm.AUDIT_VIEW: frozenset({R.AUDITOR}),
    Perm.REQUEST_SEND: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.AGENCY_PORTAL: frozenset({R.AGENCY_OFFICER}),
    Perm.DEADLINE_BOARD: frozenset({R.SUPERVISOR}),
    Perm.CALL_OUTCOME: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.CALL_ANY: frozenset({R.SUPERVISOR}),
    Perm.CALL_BOARD: frozenset({R.SUPERVISOR}),
    Perm.DEMAND_REGISTER: frozenset({R.AUDITOR}),
    Perm.DEMAND_DECIDE: frozenset({R.SUPERVISOR}),
    Perm.DEMAND_VIEW: frozenset({R.AUDITOR, R.SUPERVISOR}),
    Perm.CALL_SEARCH: frozenset({R.AUDITOR, R.SUPERVISOR}),
    Perm.REVIEW_ASSIGN: frozenset({R.SUPERVISOR}),
    Perm.REVIEW_TASKS: frozenset({R.QUALITY}),
    Perm.KB_READ: frozenset({R.CONSULTANT, R.SUPERVISOR, R.QUALITY}),
    Perm.KB_EDIT: frozenset({R.SUPERVISOR, R.QUALITY}),
    Perm.KB_PUBLISH: frozenset({R.SUPERVISOR}),
    Perm.ADMIN_SITE: frozenset({R.ADMIN}),
    Perm.CASE_NOTES: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.CASE_TASKS: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.CASE_TASKS_ANY: frozenset({R.SUPERVISOR}),
    Perm.CASE_ATTACH: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.CASE_ATTACH_REMOVE: frozenset({R.SUPERVISOR}),
    Perm.CONVERSATION_HANDLE: frozenset({R.CONSULTANT, R.SUPERVISOR}),
    Perm.SITE_EDIT: frozenset({R.SUPERVISOR, R.ADMIN}),
    Perm.CONVERSATION_BLOCK: frozenset({R.SUPERVISOR}),
    Perm.CONVERSATION_ASSIGN: frozenset({R.SUPERVISOR}),
    Perm.OUTREACH_MANAGE: frozenset({R.SUPERVISOR, R.ADMIN}),
}


def has_perm(user: User | AnonymousUser, perm: Perm) -> bool:
    """True only if the user is active and the matrix grants `perm` to their role."""
    if not user.is_authenticated or not user.is_active:
        return False
    role = getattr(user, "role", "")
    return role in MATRIX.get(perm, frozenset())
