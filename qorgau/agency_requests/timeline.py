"""One timeline of an appeal for its page (rules 6(c), 6(d), 6(i)): status steps, requests and
the agencies' replies, letters, outbound calls, phone calls linked to the appeal (marked where a
recording exists), the knowledge-base articles used and the files attached, oldest first. Which
texts it carries is decided by the caller through access.py; without them every entry is
metadata only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from qorgau.agency_requests.selectors import Correspondence
from qorgau.appeals.models import Appeal
from qorgau.calls.models import Call, Recording
from qorgau.casework.selectors import attachment_events
from qorgau.knowledge.selectors import article_uses


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # status, request, reply, letter, outbound, call, article, file
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


def appeal_timeline(
    appeal: Appeal, found: Correspondence, *, texts: bool, comments: bool
) -> list[Entry]:
    """Everything that happened on the appeal, oldest first; texts of correspondence only with
    `texts`, status comments only with `comments`."""
    entries = [
        *_status_steps(appeal, comments),
        *_correspondence(found, texts),
        *_phone_calls(appeal),
        *_articles(appeal),
        *_attachments(appeal, texts),
    ]
    return sorted(entries, key=lambda e: e.at)
