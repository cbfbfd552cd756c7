"""One timeline of an appeal for its page (rules 6(c), 6(d), 6(i)): status steps, requests (with
their status and answer-due day) and the agencies' replies, letters, outbound calls, phone calls
linked to the appeal (marked where a recording exists) and the knowledge-base articles used,
oldest first. Which texts and files it carries is decided by the caller through access.py;
without them every entry is metadata only. Another source adds a `_something(appeal, ...)`
returning entries and one line in `appeal_timeline`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef
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
from qorgau.appeals.models import Appeal
from qorgau.calls.models import Call, Recording
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
    kind: str  # status, request, reply, letter, outbound, call, article
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
    ]
    return sorted(entries, key=lambda e: e.at)


def fingerprint(entries: list[Entry]) -> str:
    """Changes whenever an entry is added or its metadata changes (a request's status, its due
    day, files): the refresh compares it to answer 204 when nothing is new. Built from a
    timeline without texts, so it carries no personal data."""
    parts = [f"{e.at.isoformat()}|{e.kind}|{e.title}|{e.meta}|{len(e.links)}" for e in entries]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
