"""The page forms: registering a written demand (the API takes the same fields; on the page
the calls can also be ticked in the call search's results) and the call search itself."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qorgau.calls.models import Line
from qorgau.calls.release import DemandIn

CALL_NUMBER = re.compile(r"^\d{1,18}$")


class DemandPageForm(forms.Form):
    number = forms.CharField(label=_("Demand number"), max_length=60)
    dated = forms.DateField(label=_("Dated"), widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.CharField(label=_("Signed by"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    calls = forms.RegexField(
        label=_("Calls (numbers, comma-separated)"),
        regex=re.compile(r"^\s*\d{1,18}(\s*[,; ]\s*\d{1,18})*\s*$"),
        max_length=2000,
        required=False,
        error_messages={"invalid": _("Give call numbers separated by commas.")},
    )
    recipient = forms.CharField(
        label=_("Recipient's login (empty: yourself)"), max_length=150, required=False
    )
    scan = forms.FileField(label=_("Scan of the signed demand"))

    def clean_scan(self) -> forms.Field:
        scan = self.cleaned_data["scan"]
        if scan.size > settings.SCAN_MAX_BYTES:
            raise forms.ValidationError(_("The scan is larger than 10 MB."))
        return scan  # type: ignore[no-any-return]

    def _picked(self) -> list[int]:
        """The calls ticked in the search results (their boxes belong to this form)."""
        picked = self.data.getlist("picked") if hasattr(self.data, "getlist") else []
        return [int(n) for n in picked if CALL_NUMBER.match(n)]

    def demand(self) -> DemandIn:
        data = self.cleaned_data
        typed = [int(n) for n in re.findall(r"\d+", data["calls"])]
        return DemandIn(
            number=data["number"],
            dated=data["dated"],
            signer=data["signer"],
            deadline=data["deadline"],
            call_ids=sorted(set(typed + self._picked())),
            recipient=data["recipient"],
            scan=data["scan"].read(),
            scan_name=data["scan"].name,
        )


class UnechoedInput(forms.TextInput):
    """A text box that never writes its value back into the page (a caller's phone)."""

    def format_value(self, value: object) -> None:
        return None


class CallSearchForm(forms.Form):
    """Posted, never sent as a query string: it may carry a caller's phone."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    line = forms.ChoiceField(
        label=_("Line"), required=False, choices=[("", _("Both lines")), *Line.choices]
    )
    phone = forms.CharField(
        label=_("Caller's phone"),
        max_length=40,
        required=False,
        widget=UnechoedInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    appeal = forms.CharField(label=_("Appeal number"), max_length=20, required=False)
