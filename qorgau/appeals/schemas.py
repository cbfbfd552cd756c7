"""Input and output schemas of the appeals API, one per endpoint (HackSoft styleguide).

Format checks live here (IIN control digit, phone, e-mail) so the API and the page's form share
them: the page builds an AppealIn from the posted form.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BaseModel, Field, field_validator

from qorgau.appeals.models import Appeal, Status, StatusChange, appeal_version
from qorgau.core.api import Shown
from qorgau.core.identifiers import iin_is_valid, normalise_iin, normalise_phone
from qorgau.core.schemas import StrictSchema, TextSchema

EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
RiskFlag = Literal["violence_now", "threat_to_life", "suicide", "child_without_care"]


class ApplicantIn(StrictSchema):
    kind: Literal["individual", "legal_entity", "anonymous"] = "anonymous"
    name: str = Field(default="", max_length=200)
    iin: str = Field(default="", max_length=20, description="IIN (or BIN for a legal entity)")
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    address: str = Field(default="", max_length=500)

    @field_validator("iin")
    @classmethod
    def _iin(cls, value: str) -> str:
        value = normalise_iin(value)
        if value and not iin_is_valid(value):
            raise ValueError(_("Not a valid IIN: 12 digits with a correct control digit."))
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not value:
            return value
        phone = normalise_phone(value)
        if phone is None:
            raise ValueError(_("Not a valid phone number."))
        return phone

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError(_("Not a valid e-mail address.")) from None
        return value


class PersonIn(StrictSchema):
    kind: Literal["child", "woman", "other"]
    age: int | None = Field(default=None, ge=0, le=120)
    name: str = Field(default="", max_length=200)


class AppealIn(StrictSchema):
    channel: str = Field(max_length=40, examples=["phone"])
    received_at: datetime | None = Field(default=None, description="Defaults to now.")
    language: Literal["kk", "ru"]
    applicant: ApplicantIn = Field(default_factory=ApplicantIn)
    persons: list[PersonIn] = Field(default_factory=list, max_length=20)
    region: str = Field(max_length=40, examples=["astana"])
    direction: int = Field(ge=1, le=13, description="Direction of rule 10, 1 to 13")
    summary: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20000)
    urgency: Literal["normal", "urgent"] = "normal"
    urgency_reason: str = Field(default="", max_length=300)
    risk_flags: list[RiskFlag] = Field(default_factory=list, max_length=4)
    help_given: list[str] = Field(default_factory=list, max_length=3)
    outcome: str = Field(default="", max_length=40)
    competent_body: str = Field(default="", max_length=300)

    @field_validator("received_at")
    @classmethod
    def _plausible_year(cls, value: datetime | None) -> datetime | None:
        if value is not None and not EARLIEST.year <= value.year <= LATEST.year:
            raise ValueError(_("The date must be between 2000 and 2100."))
        return value


class ApplicantPatch(StrictSchema):
    """The applicant's fields a correction changes; a field left out stays as it is."""

    kind: Literal["individual", "legal_entity", "anonymous"] | None = None
    name: str | None = None
    iin: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


class AppealPatch(StrictSchema):
    """The fields of a correction: only those given change (null: unchanged; "" clears a text).
    The corrected appeal is validated whole, with AppealIn, as at registration."""

    channel: str | None = None
    language: Literal["kk", "ru"] | None = None
    applicant: ApplicantPatch | None = None
    persons: list[PersonIn] | None = None
    region: str | None = None
    direction: int | None = None
    summary: str | None = None
    description: str | None = None
    urgency: Literal["normal", "urgent"] | None = Field(
        default=None, description="Only raising: lowering is POST …/lower-urgency (rule 6(j))."
    )
    urgency_reason: str | None = None
    risk_flags: list[RiskFlag] | None = Field(default=None, description="Flags are only added.")
    help_given: list[str] | None = None
    outcome: str | None = None
    competent_body: str | None = None


class AppealCorrectionIn(AppealPatch):
    """PATCH /api/v1/appeals/{number}. `expected_version` is the `version` the client read
    (GET /api/v1/appeals/{number}): if the appeal changed since, the answer is 409."""

    expected_version: str = Field(max_length=40, description="The appeal's `version` read.")
    reason: str = Field(default="", max_length=300, description="What was corrected and why.")


class CorrectedOut(BaseModel):
    number: str
    version: str = Field(description="The appeal's version after the correction.")
    changed: list[str] = Field(description="The names of the fields that changed.")


class RegisteredOut(BaseModel):
    number: str
    code: str = Field(description="Secret code for the public status page; shown only now.")
    status: str


class PersonOut(Schema):
    kind: str
    age: int | None
    name: str | None = None


class ApplicantOut(Schema):
    kind: str
    name: str | None = None
    iin: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


class AppealListItem(Schema):
    number: str
    status: str
    status_label: str
    channel: str = Field(alias="channel.code")
    received_at: datetime
    language: str
    region: str = Field(alias="region.code")
    direction: int = Field(alias="direction.code")
    summary: str
    urgency: str

    @staticmethod
    def resolve_status_label(appeal: Appeal) -> str:
        return str(Status(appeal.status).label)


class AppealOut(AppealListItem):
    """Reads a Shown appeal: `shown` is its personal data (decrypted and audited by
    access_personal_data) for roles that see it, else None."""

    urgency_reason: str
    urgency_lowered_reason: str = Field(description="Why a supervisor made it normal, if so.")
    risk_flags: list[str]
    help_given: list[str]
    outcome: str
    competent_body: str
    assigned_consultant: str | None = Field(default=None, alias="assigned_consultant.username")
    merged_into: str | None = Field(
        default=None, alias="merged_into.number", description="The appeal this one was merged into."
    )
    merged: list[str] = Field(description="Numbers of the duplicates merged into this appeal.")
    persons: list[PersonOut]
    applicant: ApplicantOut
    description: str | None = Field(
        default=None, description="Only for roles that may see personal data (audited)."
    )
    personal_data_shown: bool
    version: str = Field(description="Send it back as `expected_version` to correct the appeal.")

    @staticmethod
    def resolve_help_given(appeal: Shown[Appeal]) -> list[str]:
        return [h.code for h in appeal.help_given.all()]

    @staticmethod
    def resolve_outcome(appeal: Shown[Appeal]) -> str:
        return appeal.outcome.code if appeal.outcome else ""

    @staticmethod
    def resolve_persons(appeal: Shown[Appeal]) -> list[dict[str, object]]:
        return [
            {"kind": p.kind, "age": p.age, "name": p.name if appeal.shown else None}
            for p in appeal.persons.all()
        ]

    @staticmethod
    def resolve_applicant(appeal: Shown[Appeal]) -> dict[str, object]:
        personal = appeal.shown
        fields = ("name", "iin", "phone", "email", "address") if personal else ()
        return {"kind": appeal.applicant_kind, **{f: getattr(personal, f) for f in fields}}

    @staticmethod
    def resolve_merged(appeal: Shown[Appeal]) -> list[str]:
        return [a.number for a in appeal.merged_duplicates()]

    @staticmethod
    def resolve_description(appeal: Shown[Appeal]) -> str | None:
        return appeal.shown.description if appeal.shown else None

    @staticmethod
    def resolve_version(appeal: Shown[Appeal]) -> str:
        return appeal_version(appeal.item)

    @staticmethod
    def resolve_personal_data_shown(appeal: Shown[Appeal]) -> bool:
        return appeal.shown is not None


class AppealFilters(TextSchema):
    status: str | None = None
    direction: int | None = Field(default=None, ge=1, le=13)
    region: str | None = Field(default=None, max_length=40)
    channel: str | None = Field(default=None, max_length=40)
    urgency: Literal["normal", "urgent"] | None = None
    received_from: date | None = Field(default=None, ge=EARLIEST, le=LATEST)
    received_to: date | None = Field(default=None, ge=EARLIEST, le=LATEST)
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class AppealPage(Schema):
    items: list[AppealListItem]
    count: int


class TransitionIn(StrictSchema):
    to: Literal["registered", "in_progress", "waiting_agency", "answered", "closed"]
    comment: str = Field(default="", max_length=2000)


class UrgencyLowerIn(StrictSchema):
    reason: str = Field(default="", max_length=300, description="Required: why it is not urgent.")


class HistoryItem(Schema):
    """Reads a Shown status change: `shown` says whether its comment may be read."""

    from_status: str
    to_status: str
    to_label: str
    by: str | None = Field(default=None, alias="by.username")
    at: datetime
    comment: str | None = Field(description="Only for roles that may see personal data.")

    @staticmethod
    def resolve_to_label(change: Shown[StatusChange]) -> str:
        return str(Status(change.to_status).label)

    @staticmethod
    def resolve_comment(change: Shown[StatusChange]) -> str | None:
        return change.comment if change.shown else None


class AssignIn(StrictSchema):
    consultant: str = Field(max_length=150, description="Username of a consultant or supervisor.")
    reason: str = Field(default="", max_length=300)


class MergeIn(StrictSchema):
    duplicate: str = Field(max_length=40, description="The appeal to merge into this one.")
    reason: str = Field(default="", max_length=300, description="Required: why they are one.")
