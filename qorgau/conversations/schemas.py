"""The API's schemas for written conversations: a row of the inbox (never a message text)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from qorgau.core.schemas import StrictSchema


class ConversationOut(BaseModel):
    number: str
    status: str
    language: str
    channel: str
    urgent: bool
    region: str = Field(description="Region code, empty when not given")
    assigned: str = Field(description="Username of the consultant who has it, empty if nobody")
    created_at: datetime
    last_inbound_at: datetime
    first_reply_at: datetime | None
    first_reply_due: datetime | None = Field(
        description="When the first reply is due; null once given or closed"
    )
    outcome: str
    appeal: str = Field(description="The linked appeal's number, empty if none")


class InboxOut(BaseModel):
    counts: dict[str, int] = Field(description="Conversations in each queue and language")
    items: list[ConversationOut]


class AssignIn(StrictSchema):
    assignee: str = Field(max_length=150, description="Username of a consultant or supervisor")


class CloseIn(StrictSchema):
    outcome: str = Field(
        max_length=20,
        description="answered, transferred_1414, "
        "out_of_competence (needs competent_body), no_reply_needed",
    )
    competent_body: str = Field(default="", max_length=300)


class AttachIn(StrictSchema):
    appeal: str = Field(max_length=40, description="Registration number of an existing appeal")
