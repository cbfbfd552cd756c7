"""One timeline of an appeal for its page (rules 6(c), 6(d), 6(i)): status steps, requests and
the agencies' replies, letters, outbound calls, phone calls linked to the appeal (marked where a
recording exists), the knowledge-base articles used, and the case work (internal notes,
follow-ups planned, done and cancelled), oldest first. Which texts it carries is
decided by the caller through access.py; without them every entry is metadata only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.agency_requests.selectors import Correspondence
from qorgau.appeals.models import Appeal
from qorgau.calls.models import Call, Recording
from qorgau.casework.models import FollowUp, FollowUpKind
from qorgau.casework.selectors import appeal_followups, appeal_notes
from qorgau.knowledge.selectors import article_uses


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # status, request, reply, letter, outbound, call, article, note, followup
    title: str
    meta: str = ""
    text: str = ""
    recording: bool = False


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


def _correspondence(found: Correspondence, texts: bool) -> list[Entry]:
    entries = []
    for r in found.requests:
        urgent = f" · {_('Urgent')}" if r.urgent else ""
        title = f"{_('Request')}: {r.agency.name}"
        entries.append(Entry(r.created_at, "request", title, f"{r.get_status_display()}{urgent}"))
        for reply in r.replies.all():
            text = reply.text if texts else ""
            title = f"{_('Reply')}: {r.agency.name}"
            entries.append(Entry(reply.at, "reply", title, reply.get_kind_display(), text))
    for letter in found.letters:
        title = f"{letter.get_direction_display()}: {letter.agency.name}"
        meta = f"{letter.subject} · {letter.by.username}"
        entries.append(Entry(letter.at, "letter", title, meta, letter.body if texts else ""))
    for call in found.calls:
        title = f"{_('Outbound call')}: {call.agency.name} ({call.number})"
        meta = f"{call.get_result_display()} · {call.by.username}"
        entries.append(Entry(call.at, "outbound", title, meta, call.summary if texts else ""))
    return entries


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
            u.at, "article", f"{_('Knowledge-base article used')}: {u.article.title}", u.by.username
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


def appeal_timeline(
    appeal: Appeal, found: Correspondence, *, texts: bool, comments: bool, casework: bool = False
) -> list[Entry]:
    """Everything that happened on the appeal, oldest first; texts of correspondence only with
    `texts`, status comments only with `comments`, notes and follow-up texts only with
    `casework`."""
    entries = [
        *_status_steps(appeal, comments),
        *_correspondence(found, texts),
        *_phone_calls(appeal),
        *_articles(appeal),
        *_casework(appeal, casework),
    ]
    return sorted(entries, key=lambda e: e.at)
