"""One timeline of an appeal for its page (rules 6(c), 6(d), 6(i)): status steps and
corrections, requests (with their status and answer-due day) and the agencies' replies, letters,
outbound calls, phone calls linked to the appeal (marked where a recording exists), the
knowledge-base articles used, the case work (internal notes, follow-ups planned, done and
cancelled), changes of the consultant, merges of duplicates and the files attached, oldest
first. Which texts and files it carries is decided by the caller through access.py; without
them every entry is metadata only. Another source adds a `_something(appeal, ...)` returning
entries and one line in `appeal_timeline`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qorgau.agency_requests.models import (
    AgencyReply,
    AgencyRequest,
    Letter,
    LetterDirection,
    OutboundCall,
)
from qorgau.agency_requests.selectors import Correspondence
from qorgau.appeals.corrections import field_label
from qorgau.appeals.models import Appeal
from qorgau.appeals.selectors import appeal_revisions
from qorgau.calls.models import Call, Recording
from qorgau.casework.models import FollowUp, FollowUpKind
from qorgau.casework.selectors import appeal_followups, appeal_notes, attachment_events
from qorgau.conversations.models import Conversation
from qorgau.knowledge.selectors import article_uses


@dataclass(frozen=True)
class Link:
    """A file on an entry (a reply's attachment, a letter's PDF or scan), for roles that see
    texts; `size` in bytes when known."""

    label: str
    url: str
    size: int | None = None


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # status, correction, request, reply, letter, outbound, call, article, note,
    # followup, assignment, merge, file, conversation
    title: str
    meta: str = ""
    text: str = ""
    recording: bool = False
    anchor: str = ""  # an id other pages link to, e.g. the deadline board's request-<pk>
    links: tuple[Link, ...] = ()


def _day(value: datetime) -> str:
    return date_format(localtime(value), "d.m.Y")


def _status_steps(appeal: Appeal, comments: bool) -> list[Entry]:
    return [
        Entry(
            c.at,
            "status",
            " → ".join(filter(None, [c.get_from_status_display(), c.get_to_status_display()])),
            c.by.username if c.by else "",
            c.comment if comments else "",
        )
        for c in appeal.status_changes.select_related("by")
    ]


def _request(r: AgencyRequest) -> Entry:
    """The request with its status, urgency and the day its answer is due."""
    due = _("Answer due %(date)s") % {"date": _day(r.answer_due_at)} if r.answer_due_at else ""
    meta = " · ".join(filter(None, [r.get_status_display(), _("Urgent") if r.urgent else "", due]))
    title = _("Request to %(agency)s") % {"agency": r.agency.name}
    return Entry(r.created_at, "request", title, meta, anchor=f"request-{r.pk}")


def _reply(r: AgencyRequest, reply: AgencyReply, texts: bool) -> Entry:
    """An agency's reply; its text and files only with `texts`, else how many files came."""
    files = reply.attachments.all()
    meta = [str(reply.get_kind_display())]
    if reply.extended_until:
        meta.append(_("until %(date)s") % {"date": _day(reply.extended_until)})
    if files and not texts:
        count = len(files)
        meta.append(
            ngettext("%(counter)s file attached", "%(counter)s files attached", count)
            % {"counter": count}
        )
    links = tuple(
        Link(a.name, f"/api/v1/requests/{r.pk}/attachments/{a.pk}", a.size) for a in files
    )
    title = _("Reply from %(agency)s") % {"agency": r.agency.name}
    return Entry(
        reply.at,
        "reply",
        title,
        " · ".join(meta),
        reply.text if texts else "",
        links=links if texts else (),
    )


def _letter(letter: Letter, texts: bool) -> Entry:
    if letter.direction == LetterDirection.OUTGOING:
        title = _("Outgoing letter to %(agency)s") % {"agency": letter.agency.name}
        link = Link("PDF", f"/api/v1/letters/{letter.pk}/pdf")
    else:
        title = _("Incoming letter from %(agency)s") % {"agency": letter.agency.name}
        link = Link(_("Scan of the letter"), f"/api/v1/letters/{letter.pk}/scan")
    has_file = letter.direction == LetterDirection.OUTGOING or bool(letter.scan)
    return Entry(
        letter.at,
        "letter",
        title,
        f"{letter.subject} · {letter.by.username}",
        letter.body if texts else "",
        links=(link,) if texts and has_file else (),
    )


def _outbound(call: OutboundCall, texts: bool) -> Entry:
    title = _("Outbound call to %(agency)s (%(number)s)") % {
        "agency": call.agency.name,
        "number": call.number,
    }
    meta = f"{call.get_result_display()} · {call.by.username}"
    return Entry(call.at, "outbound", title, meta, call.summary if texts else "")


def _corrections(appeal: Appeal, texts: bool) -> list[Entry]:
    """Each correction: which fields, who and when; with `texts` (roles that see personal data,
    their view audited by the caller) also each field's old and new value and the reason."""
    entries = []
    for revision in appeal_revisions(appeal):
        changes = revision.change_list
        fields = ", ".join(field_label(c["field"]) for c in changes)
        lines = [
            _("%(field)s: %(old)s → %(new)s")
            % {"field": field_label(c["field"]), "old": c["old"], "new": c["new"]}
            for c in changes
        ]
        if revision.reason:
            lines.insert(0, _("Reason: %(reason)s") % {"reason": revision.reason})
        title = _("Appeal corrected: %(fields)s") % {"fields": fields}
        text = "\n".join(lines) if texts else ""
        entries.append(Entry(revision.at, "correction", title, revision.by.username, text))
    return entries


def _correspondence(found: Correspondence, texts: bool) -> list[Entry]:
    return [
        *(_request(r) for r in found.requests),
        *(_reply(r, reply, texts) for r in found.requests for reply in r.replies.all()),
        *(_letter(letter, texts) for letter in found.letters),
        *(_outbound(call, texts) for call in found.calls),
    ]


def _phone_calls(appeal: Appeal) -> list[Entry]:
    """Calls linked to the appeal: time, state and consultant only (never the caller's number)."""
    recorded = Recording.objects.filter(call=OuterRef("pk"), deleted_at__isnull=True)
    calls = (
        Call.objects.filter(appeal=appeal, started_at__isnull=False)
        .annotate(recorded=Exists(recorded))
        .select_related("consultant")
    )
    return [
        Entry(
            c.started_at,
            "call",
            _("Phone call"),
            " · ".join(
                filter(None, [c.get_state_display(), getattr(c.consultant, "username", "")])
            ),
            recording=c.recorded,
        )
        for c in calls
        if c.started_at
    ]


def _articles(appeal: Appeal) -> list[Entry]:
    return [
        Entry(
            u.at,
            "article",
            _("Knowledge-base article used: %(title)s") % {"title": u.article.title},
            u.by.username,
        )
        for u in article_uses(appeal).select_related("by")
    ]


def _followup_steps(f: FollowUp, texts: bool) -> list[Entry]:
    """A follow-up's planning, and its completion or cancelling, each a whole sentence."""
    callback = f.kind == FollowUpKind.CALLBACK
    due = timezone.localtime(f.due_at).strftime("%d.%m.%Y %H:%M")
    planned = _("Callback planned, due %(due)s") if callback else _("Task planned, due %(due)s")
    meta = _("planned by %(by)s for %(assignee)s") % {
        "by": f.created_by.username,
        "assignee": f.assignee.username,
    }
    steps = [Entry(f.created_at, "followup", planned % {"due": due}, meta, f.what if texts else "")]
    if f.done_at and f.done_by:
        done = _("Callback done") if callback else _("Task done")
        steps.append(
            Entry(f.done_at, "followup", done, f.done_by.username, f.result if texts else "")
        )
    if f.cancelled_at and f.cancelled_by:
        cancelled = _("Callback cancelled") if callback else _("Task cancelled")
        text = f.cancel_reason if texts else ""
        steps.append(Entry(f.cancelled_at, "followup", cancelled, f.cancelled_by.username, text))
    return steps


def _casework(appeal: Appeal, texts: bool) -> list[Entry]:
    """Internal notes only with `texts` (otherwise not even their existence, rule 5), and the
    follow-ups' steps, with what they were about and their results only with `texts`."""
    notes = [
        Entry(n.at, "note", _("Internal note"), n.by.username, n.text)
        for n in (appeal_notes(appeal) if texts else [])
    ]
    return notes + [step for f in appeal_followups(appeal) for step in _followup_steps(f, texts)]


def _assignments(appeal: Appeal, comments: bool) -> list[Entry]:
    """Each change of the consultant; its reason (free text) only with `comments`."""
    changes = appeal.assignments.select_related("to_consultant", "by")
    return [
        Entry(
            c.at,
            "assignment",
            _("Assigned to %(consultant)s by %(by)s")
            % {"consultant": c.to_consultant.username, "by": c.by.username},
            text=c.reason if comments else "",
        )
        for c in changes
    ]


def _merges(appeal: Appeal) -> list[Entry]:
    """The merge of this appeal into another, and those of duplicates into this one."""
    entries = []
    if appeal.merged_into_id and appeal.merged_at:
        title = _("Merged into appeal %(number)s by %(by)s") % {
            "number": getattr(appeal.merged_into, "number", ""),
            "by": getattr(appeal.merged_by, "username", ""),
        }
        entries.append(Entry(appeal.merged_at, "merge", title))
    for duplicate in appeal.merged_duplicates().select_related("merged_by"):
        title = _("Appeal %(number)s merged into this appeal by %(by)s") % {
            "number": duplicate.number,
            "by": getattr(duplicate.merged_by, "username", ""),
        }
        entries.append(Entry(duplicate.merged_at or duplicate.updated_at, "merge", title))
    return entries


def _attachments(appeal: Appeal, texts: bool) -> list[Entry]:
    """Files attached to the appeal and removed from it; their names only with `texts` (a file
    name may hold a person's name)."""
    entries = []
    for a in attachment_events(appeal):
        named = {"name": a.name}
        title = _("File attached: %(name)s") % named if texts else _("A file was attached")
        entries.append(Entry(a.uploaded_at, "file", title, a.uploaded_by.username))
        if a.removed_at and a.removed_by:
            title = _("File removed: %(name)s") % named if texts else _("A file was removed")
            entries.append(Entry(a.removed_at, "file", title, a.removed_by.username))
    return entries


def _conversations(appeal: Appeal) -> list[Entry]:
    """Written conversations registered as this appeal or attached to it (rule 6(f)): the
    number and a link to the thread, never a text (the thread checks its reader's right and
    audits the view)."""
    rows = Conversation.objects.filter(appeal=appeal).only(
        "number", "created_at", "appeal_registered_here"
    )
    return [
        Entry(
            c.created_at,
            "conversation",
            _("Written appeal %(number)s") % {"number": c.number},
            _("registered from it") if c.appeal_registered_here else _("attached"),
            links=(
                Link(_("Open the conversation"), reverse("conversations:thread", args=[c.number])),
            ),
        )
        for c in rows
    ]


def appeal_timeline(
    appeal: Appeal, found: Correspondence, *, texts: bool, comments: bool, casework: bool = False
) -> list[Entry]:
    """Everything that happened on the appeal, oldest first; texts of correspondence and the
    values of corrections only with `texts`, status comments only with `comments`, notes and
    follow-up texts only with `casework`."""
    entries = [
        *_status_steps(appeal, comments),
        *_corrections(appeal, texts),
        *_correspondence(found, texts),
        *_phone_calls(appeal),
        *_articles(appeal),
        *_casework(appeal, casework),
        *_assignments(appeal, comments),
        *_merges(appeal),
        *_attachments(appeal, texts),
        *_conversations(appeal),
    ]
    return sorted(entries, key=lambda e: e.at)


def fingerprint(entries: list[Entry]) -> str:
    """Changes whenever an entry is added or its metadata changes (a request's status, its due
    day, files): the refresh compares it to answer 204 when nothing is new. Built from a
    timeline without texts, so it carries no personal data."""
    parts = [f"{e.at.isoformat()}|{e.kind}|{e.title}|{e.meta}|{len(e.links)}" for e in entries]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
