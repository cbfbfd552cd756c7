"""Schemas of the public API: the status look-up by number and code, and its answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from qorgau.core.schemas import StrictSchema


class StatusQueryIn(StrictSchema):
    number: str = Field(max_length=40)
    code: str = Field(max_length=40)


class StatusStep(BaseModel):
    status: str
    label: str
    at: datetime


class StatusOut(BaseModel):
    number: str
    status: str
    status_label: str
    registered_at: datetime
    updated_at: datetime
    steps: list[StatusStep]
    merged: bool = Field(
        default=False,
        description="Joined with another appeal on the same matter: the steps after the merge"
        " are that appeal's progress.",
    )
