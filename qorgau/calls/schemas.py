"""The CTI event a phone system posts (shaped after helpdesks' generic CTI APIs, e.g. Zammad's:
newCall / answer / hangup / transfer, here snake_case, plus hold and resume)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from qorgau.appeals.schemas import StrictSchema


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
