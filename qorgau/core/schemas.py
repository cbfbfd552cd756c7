"""The API kit's schemas, shared by every app: inputs that refuse NUL characters and unknown
fields, and the one error body every endpoint answers with."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, Tag, field_validator


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


KIND_TAG = "kind="  # the tags of a union by kind, as they appear in an error's location


def by_kind(kind: str) -> Tag:
    """The tag of one schema of a union told apart by `kind`: Annotated[AnswerIn,
    by_kind("answer")] | …, with Discriminator(kind_of)."""
    return Tag(KIND_TAG + kind)


def kind_of(value: Any) -> str | None:
    """The tag of an input of a union by kind (a field name cannot be the discriminator:
    TextSchema validates every field). core/validation drops the tag from errors' field names."""
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return KIND_TAG + kind if isinstance(kind, str) else None


class ErrorOut(BaseModel):
    """Every error answer: `code` is stable and machine-readable (docs/api-errors.md), `detail`
    is translated for people, `fields` maps a field to its translated problem."""

    code: str = Field(description="Stable and machine-readable; see docs/api-errors.md.")
    detail: str
    fields: dict[str, str] = Field(default_factory=dict)
