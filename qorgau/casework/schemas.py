"""The API's inputs and outputs of case work; the pages' forms produce the same inputs
(forms.py), so both are checked by the same actions."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from qorgau.core.kztime import KZ_TZ
from qorgau.core.schemas import StrictSchema


class NoteIn(StrictSchema):
    text: str = Field(max_length=5000)


class FollowUpIn(StrictSchema):
    kind: str = Field(description="task or callback (call the applicant back)")
    what: str = Field(max_length=1000)
    due_at: datetime = Field(
        description="When it is due; without an offset, Kazakhstan time (UTC+5)."
    )
    assignee: int | None = Field(
        default=None, description="A staff user's id; by default the caller (others: supervisor)."
    )

    @field_validator("due_at")
    @classmethod
    def kazakhstan_time(cls, value: datetime) -> datetime:
        return value if value.tzinfo else value.replace(tzinfo=KZ_TZ)


class CompleteIn(StrictSchema):
    result: str = Field(default="", max_length=2000)


class CancelIn(StrictSchema):
    reason: str = Field(max_length=2000)


class ReassignIn(StrictSchema):
    assignee: int


class NoteOut(BaseModel):
    id: int
    at: datetime
    by: str
    text: str


class FollowUpOut(BaseModel):
    id: int
    appeal: str
    kind: str
    what: str
    due_at: datetime
    overdue: bool
    assignee: str
    created_by: str
    created_at: datetime
    done_at: datetime | None
    result: str
    cancelled_at: datetime | None
    cancel_reason: str
