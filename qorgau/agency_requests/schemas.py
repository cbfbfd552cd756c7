"""Schemas of the agencies and requests API (rules 6(c), 15)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Discriminator, Field

from qorgau.agencies.models import Agency
from qorgau.agency_requests.models import (
    AgencyReply,
    AgencyRequest,
    Letter,
    OutboundCall,
    ReplyAttachment,
    ReplyKind,
)
from qorgau.agency_requests.routing import Proposal
from qorgau.core.api import Shown
from qorgau.core.errors import FieldErrors
from qorgau.core.schemas import StrictSchema, by_kind, kind_of
from qorgau.staff.models import User


class AgencyOut(Schema):
    id: int
    key: str | None
    kind: str
    name: str
    region: str | None = Field(default=None, alias="region.code")
    directions: list[int]
    round_the_clock: bool
    schedule: dict[str, Any]
    channels: list[str]

    @staticmethod
    def resolve_directions(agency: Agency) -> list[int]:
        return sorted(int(d.code) for d in agency.directions.all())

    @staticmethod
    def resolve_channels(agency: Agency) -> list[str]:
        return sorted({c.channel for c in agency.contacts.all() if c.active})


class ProposalOut(Schema):
    agency: AgencyOut
    why: str

    @staticmethod
    def resolve_why(proposal: Proposal) -> str:
        return str(proposal.why)


class RequestIn(StrictSchema):
    agency: int = Field(ge=1, le=2**31 - 1)
    reason: str = Field(
        default="",
        max_length=500,
        description="Required when the agency was not proposed (rule 6(h)).",
    )


class PreviewOut(Schema):
    agency: AgencyOut
    content: dict[str, Any]
    withheld: dict[str, Any]


class DeliveryOut(Schema):
    channel: str
    status: str
    due_at: datetime
    attempts: int
    delivered_at: datetime | None
    last_error: str


class ReplyAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


def reply_kind_label(reply: AgencyReply) -> str:
    return str(ReplyKind(reply.kind).label)


class ReplyOut(Schema):
    kind: str
    kind_label: str
    text: str
    by: str = Field(alias="by.username")
    at: datetime
    extended_until: datetime | None
    decided_by: str | None = Field(default=None, alias="decided_by.username")
    attachments: list[ReplyAttachmentOut]

    resolve_kind_label = staticmethod(reply_kind_label)


class RequestReplyOut(Schema):
    """A reply as the centre's staff see it: text and files only for roles that see personal
    data (rule 5); everyone else gets what happened and when. Reads a Shown reply: `shown`
    says whether its texts may be read (access_texts decided and audited it)."""

    id: int
    kind: str
    kind_label: str
    at: datetime
    extended_until: datetime | None
    text: str | None
    attachments: list[ReplyAttachmentOut] | None
    attachment_count: int

    resolve_kind_label = staticmethod(reply_kind_label)

    @staticmethod
    def resolve_text(reply: Shown[AgencyReply]) -> str | None:
        return reply.text if reply.shown else None

    @staticmethod
    def resolve_attachments(reply: Shown[AgencyReply]) -> list[ReplyAttachment] | None:
        return list(reply.attachments.all()) if reply.shown else None

    @staticmethod
    def resolve_attachment_count(reply: Shown[AgencyReply]) -> int:
        return len(reply.attachments.all())


@dataclass(frozen=True)
class RequestShown:
    """What one viewer reads of a request: what was sent (`content`, for roles that see
    personal data) and the replies' texts (`texts`)."""

    content: dict[str, Any] | None
    texts: bool


class RequestOut(Schema):
    """Reads a Shown request whose `shown` is a RequestShown."""

    id: int
    appeal: str = Field(alias="appeal.number")
    agency: AgencyOut
    urgent: bool
    status: str
    proposed: bool
    choice_reason: str
    created_at: datetime
    delivered_at: datetime | None
    withheld: dict[str, Any]
    content: dict[str, Any] | None = Field(
        default=None, description="What was sent; only for roles that see personal data."
    )
    deliveries: list[DeliveryOut]
    replies: list[RequestReplyOut] = Field(
        default_factory=list, description="The agency's replies, oldest first."
    )

    @staticmethod
    def resolve_content(agency_request: Shown[AgencyRequest]) -> dict[str, Any] | None:
        shown: RequestShown = agency_request.shown
        return shown.content

    @staticmethod
    def resolve_replies(agency_request: Shown[AgencyRequest]) -> list[Shown[AgencyReply]]:
        shown: RequestShown = agency_request.shown
        return [Shown(r, shown.texts) for r in agency_request.replies.all()]


class AgencyRequestOut(Schema):
    """Reads a Shown request: `shown` is what was sent, for its agency's officer (read
    through agency_request_content, audited), or None in lists."""

    id: int
    appeal: str = Field(alias="appeal.number")
    urgent: bool
    status: str
    received_at: datetime | None = Field(alias="delivered_at")
    acknowledged_at: datetime | None
    confirm_due_at: datetime | None
    answer_due_at: datetime | None
    pass_on_due_at: datetime | None
    content: dict[str, Any] | None
    replies: list[ReplyOut]

    @staticmethod
    def resolve_content(agency_request: Shown[AgencyRequest]) -> dict[str, Any] | None:
        content: dict[str, Any] | None = agency_request.shown
        return content

    @staticmethod
    def resolve_replies(agency_request: Shown[AgencyRequest]) -> list[AgencyReply]:
        replies = agency_request.replies.select_related("by", "decided_by")
        return list(replies.prefetch_related("attachments"))


class AcknowledgeIn(StrictSchema):
    """Receipt acknowledged; repeating it changes nothing."""

    kind: Literal["acknowledge"]


class ConfirmIn(StrictSchema):
    """Confirmed or not, with the initial measures (rule 13)."""

    kind: Literal["confirmation"]
    confirmed: bool
    measures: str = Field(default="", max_length=5000)


class AttachmentIn(StrictSchema):
    name: str = Field(min_length=1, max_length=200)
    content_type: str = Field(default="application/octet-stream", max_length=100)
    data_base64: str = Field(max_length=950_000)


class AnswerIn(StrictSchema):
    """The final answer, with attachments."""

    kind: Literal["answer"]
    text: str = Field(min_length=1, max_length=20000)
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=3)


class ClarificationIn(StrictSchema):
    """The agency needs more facts: the appeal goes back to the consultant."""

    kind: Literal["clarification"]
    question: str = Field(min_length=1, max_length=5000)


class PassOnIn(StrictSchema):
    """Pass the request on to the competent body."""

    kind: Literal["pass_on"]
    agency: int = Field(ge=1, le=2**31 - 1)
    reason: str = Field(min_length=1, max_length=500)


class ExtensionIn(StrictSchema):
    """Rule 11: the head or a deputy head of the agency decides. `decided_by` is their
    username (empty: the officer recording it, who must then be a head); when it names someone
    else, `decision` carries the signed decision (PDF, JPEG or PNG)."""

    kind: Literal["extension"]
    until: datetime
    reason: str = Field(min_length=1, max_length=1000)
    decided_by: str = Field(default="", max_length=150)
    decision: AttachmentIn | None = None


# One reply of an agency officer, told apart by `kind`.
ReplyIn = Annotated[
    Annotated[AcknowledgeIn, by_kind("acknowledge")]
    | Annotated[ConfirmIn, by_kind("confirmation")]
    | Annotated[ClarificationIn, by_kind("clarification")]
    | Annotated[ExtensionIn, by_kind("extension")]
    | Annotated[PassOnIn, by_kind("pass_on")]
    | Annotated[AnswerIn, by_kind("answer")],
    Discriminator(kind_of),
]


class AgencyHeadOut(Schema):
    username: str
    name: str

    @staticmethod
    def resolve_name(head: User) -> str:
        return head.get_full_name() or head.username


class LetterIn(StrictSchema):
    agency: int = Field(ge=1, le=2**31 - 1)
    language: Literal["kk", "ru"]
    subject: str = Field(min_length=1, max_length=300)
    body: str = Field(min_length=1, max_length=20000)


class IncomingLetterIn(StrictSchema):
    agency: int = Field(ge=1, le=2**31 - 1)
    subject: str = Field(min_length=1, max_length=300)
    note: str = Field(default="", max_length=5000)
    scan_name: str = Field(default="", max_length=200)
    scan_base64: str = Field(default="", max_length=950_000)


class CallIn(StrictSchema):
    agency: int = Field(ge=1, le=2**31 - 1)
    number: str = Field(min_length=1, max_length=30)
    summary: str = Field(min_length=1, max_length=5000)
    result: Literal["reached", "no_answer", "busy", "wrong_number"]


class CorrespondenceOut(Schema):
    """Reads a Shown letter or outbound call: `shown` says whether its text may be read."""

    kind: str
    id: int
    at: datetime
    agency: str = Field(alias="agency.name")
    by: str = Field(alias="by.username")
    subject: str
    text: str | None
    result: str | None = None
    has_scan: bool = False

    @staticmethod
    def resolve_kind(item: Shown[Letter | OutboundCall]) -> str:
        return item.direction if isinstance(item.item, Letter) else "call"

    @staticmethod
    def resolve_subject(item: Shown[Letter | OutboundCall]) -> str:
        return item.subject if isinstance(item.item, Letter) else item.number

    @staticmethod
    def resolve_text(item: Shown[Letter | OutboundCall]) -> str | None:
        if not item.shown:
            return None
        return item.body if isinstance(item.item, Letter) else item.summary

    @staticmethod
    def resolve_result(item: Shown[Letter | OutboundCall]) -> str | None:
        return None if isinstance(item.item, Letter) else item.result

    @staticmethod
    def resolve_has_scan(item: Shown[Letter | OutboundCall]) -> bool:
        return isinstance(item.item, Letter) and bool(item.scan_name)


def decoded_base64(value: str, field: str) -> bytes:
    """The bytes of a base64 field of a request body, or a per-field error."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise FieldErrors(fields={field: _("Attachments must be base64.")}) from None
