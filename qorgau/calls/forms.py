"""The page form for registering a written demand (the API takes the same fields)."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qorgau.calls.release import DemandIn


class DemandPageForm(forms.Form):
    number = forms.CharField(label=_("Demand number"), max_length=60)
    dated = forms.DateField(label=_("Dated"), widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.CharField(label=_("Signed by"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    calls = forms.RegexField(
        label=_("Calls (numbers, comma-separated)"),
        regex=re.compile(r"^\s*\d{1,18}(\s*[,; ]\s*\d{1,18})*\s*$"),
        max_length=2000,
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

    def demand(self) -> DemandIn:
        data = self.cleaned_data
        return DemandIn(
            number=data["number"],
            dated=data["dated"],
            signer=data["signer"],
            deadline=data["deadline"],
            call_ids=[int(n) for n in re.findall(r"\d+", data["calls"])],
            recipient=data["recipient"],
            scan=data["scan"].read(),
            scan_name=data["scan"].name,
        )
