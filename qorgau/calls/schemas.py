"""The CTI event a phone system posts (shaped after helpdesks' generic CTI APIs, e.g. Zammad's:
newCall / answer / hangup / transfer, here snake_case, plus hold and resume)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import BaseModel, Field

from qorgau.calls.models import Call, CallOutcomeRecord, RecordingDemand
from qorgau.calls.release import demand_is_overdue, demand_is_urgent
from qorgau.calls.selectors import Period, call_timeline
from qorgau.core.schemas import StrictSchema


class CtiEventIn(StrictSchema):
    event_id: str = Field(min_length=1, max_length=100, description="Unique per phone system.")
    call_id: str = Field(min_length=1, max_length=100)
    event: Literal["new_call", "answer", "hold", "resume", "transfer", "hangup"]
    at: datetime
    direction: Literal["inbound", "outbound"] = "inbound"
    caller: str = Field(default="", max_length=40, description="Empty or 'anonymous': withheld.")
    called: str = Field(default="", max_length=30)
    line: Literal["kk", "ru", ""] = ""
    extension: str = Field(default="", max_length=20, description="The consultant's extension.")
    cause: str = Field(default="", max_length=40, description="Hang-up cause.")
    target: str = Field(default="", max_length=40, description="Transfer target, e.g. 1414.")


class CtiEventOut(BaseModel):
    call: str
    state: str
    duplicate: bool


class RecordingOut(BaseModel):
    call: str
    size: int
    sha256: str
    created: bool


class OutcomeIn(StrictSchema):
    kind: Literal["transfer_1414", "referral"]
    note: str = Field(min_length=1, max_length=2000, description="What the caller was told.")
    referral_body: int | None = Field(default=None, description="From GET /referral-bodies.")


class OutcomeOut(Schema):
    kind: str
    note: str
    referral_body: int | None = Field(alias="referral_body_id")
    referral_body_name: str
    by: str = Field(alias="by.username")
    at: datetime

    @staticmethod
    def resolve_referral_body_name(outcome: CallOutcomeRecord) -> str:
        return outcome.referral_body.name if outcome.referral_body else ""


class PeriodOut(Schema):
    kind: str
    start: datetime
    end: datetime | None
    detail: str


class CallOut(Schema):
    id: int
    call_id: str
    line: str
    state: str
    extension: str
    started_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime | None
    hangup_cause: str
    transferred_to: str
    appeal: str | None = Field(default=None, alias="appeal.number")
    has_recording: bool
    timeline: list[PeriodOut]
    outcome: OutcomeOut | None

    @staticmethod
    def resolve_has_recording(call: Call) -> bool:
        return hasattr(call, "recording") and call.recording.deleted_at is None

    @staticmethod
    def resolve_timeline(call: Call) -> list[Period]:
        return call_timeline(call)

    @staticmethod
    def resolve_outcome(call: Call) -> CallOutcomeRecord | None:
        return getattr(call, "outcome", None)


class ReferralBodyOut(Schema):
    id: int
    name: str
    handles: str
    contacts: str


class DemandForm(StrictSchema):
    number: str = Field(min_length=1, max_length=60)
    dated: date
    signer: str = Field(min_length=1, max_length=200)
    deadline: date
    calls: str = Field(min_length=1, max_length=2000, description="Call ids, comma-separated.")
    recipient: str = Field(default="", max_length=150, description="Login; empty: yourself.")


class DemandOut(Schema):
    id: int
    number: str
    dated: date
    signer: str
    deadline: date
    calls: list[int]
    recipient: str = Field(alias="recipient.username")
    status: str
    access_until: datetime | None
    near_deadline: bool
    overdue: bool = Field(description="Not decided and its deadline has passed (escalated).")

    @staticmethod
    def resolve_calls(demand: RecordingDemand) -> list[int]:
        return sorted(c.pk for c in demand.calls.all())

    @staticmethod
    def resolve_near_deadline(demand: RecordingDemand) -> bool:
        return demand_is_urgent(demand)

    @staticmethod
    def resolve_overdue(demand: RecordingDemand) -> bool:
        return demand_is_overdue(demand)


class DecisionIn(StrictSchema):
    approve: bool


class ReviewTaskIn(StrictSchema):
    call: int
    assignee: str = Field(min_length=1, max_length=150)


class ReviewTaskOut(Schema):
    id: int
    call: int = Field(alias="call_id")
    assignee: str = Field(alias="assignee.username")
    assigned_at: datetime
    closed_at: datetime | None


class CallSearchIn(StrictSchema):
    """Posted, never a query string: it may carry a caller's phone (rule 6(p))."""

    date_from: date | None = Field(default=None, description="Kazakhstan date, included.")
    date_to: date | None = Field(default=None, description="Kazakhstan date, included.")
    line: Literal["kk", "ru", ""] = ""
    phone: str = Field(default="", max_length=40, description="Matched by its blind index.")
    appeal: str = Field(default="", max_length=20, description="A linked appeal's number.")


class FoundCallOut(Schema):
    """A call found (read from the search's results), without the caller's phone."""

    id: int = Field(description="The centre's call id: name it in a written demand.")
    started_at: datetime | None
    line: str
    duration_seconds: int | None
    has_recording: bool
    appeal: str | None


class CallSearchOut(BaseModel):
    calls: list[FoundCallOut]
    more: bool = Field(description="More calls match than are listed: narrow the search.")
