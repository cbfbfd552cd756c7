"""Schemas of the agencies and requests API (issue 3, item 8)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BaseModel, Discriminator, Field

from qorgau.agency_requests.models import AgencyReply, AgencyRequest, ReplyKind
from qorgau.core.api import Shown
from qorgau.core.errors import FieldErrors
from qorgau.core.schemas import StrictSchema, by_kind, kind_of
from qorgau.staff.models import User


class AgencyOut(BaseModel):
    id: int
    key: str | None
    kind: str
    name: str
    region: str | None
    directions: list[int]
    round_the_clock: bool
    schedule: dict[str, Any]
    channels: list[str]


class ProposalOut(BaseModel):
    agency: AgencyOut
    why: str


class RequestIn(StrictSchema):
    agency: int = Field(ge=1, le=2**31 - 1)
    reason: str = Field(
        default="",
        max_length=500,
        description="Required when the agency was not proposed (rule 6(h)).",
    )


class PreviewOut(BaseModel):
    agency: AgencyOut
    content: dict[str, Any]
    withheld: dict[str, Any]


class DeliveryOut(BaseModel):
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


class ReplyOut(Schema):
    kind: str
    kind_label: str
    text: str
    by: str = Field(alias="by.username")
    at: datetime
    extended_until: datetime | None
    decided_by: str | None = Field(default=None, alias="decided_by.username")
    attachments: list[ReplyAttachmentOut]

    @staticmethod
    def resolve_kind_label(reply: AgencyReply) -> str:
        return str(ReplyKind(reply.kind).label)


class RequestReplyOut(BaseModel):
    """A reply as the centre's staff see it: text and files only for roles that see personal
    data (rule 5); everyone else gets what happened and when."""

    id: int
    kind: str
    kind_label: str
    at: datetime
    extended_until: datetime | None
    text: str | None
    attachments: list[ReplyAttachmentOut] | None
    attachment_count: int


class RequestOut(BaseModel):
    id: int
    appeal: str
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


class CorrespondenceOut(BaseModel):
    kind: str
    id: int
    at: datetime
    agency: str
    by: str
    subject: str
    text: str | None
    result: str | None = None
    has_scan: bool = False


def decoded_base64(value: str, field: str) -> bytes:
    """The bytes of a base64 field of a request body, or a per-field error."""
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise FieldErrors(fields={field: _("Attachments must be base64.")}) from None
