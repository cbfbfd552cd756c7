"""The API kit's schemas, shared by every app: inputs that refuse NUL characters and unknown
fields, and the one error body every endpoint answers with."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator


def _no_nul(value: Any) -> Any:
    """PostgreSQL cannot store NUL characters in text: refuse them as invalid input."""
    items = value if isinstance(value, list) else [value]
    if any(isinstance(v, str) and "\x00" in v for v in items):
        raise ValueError(_("Text must not contain NUL characters."))
    return value


class TextSchema(BaseModel):
    """Every text field of every input refuses NUL characters."""

    model_config = ConfigDict(str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _text_without_nul(cls, value: Any) -> Any:
        return _no_nul(value)


class StrictSchema(TextSchema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ErrorOut(BaseModel):
    """Every error answer: `code` is stable and machine-readable (docs/api-errors.md), `detail`
    is translated for people, `fields` maps a field to its translated problem."""

    code: str = Field(description="Stable and machine-readable; see docs/api-errors.md.")
    detail: str
    fields: dict[str, str] = Field(default_factory=dict)
