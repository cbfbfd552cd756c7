"""The administrator keeps the agency directory: names, kind, region, hours, competence and
contacts (webhook secrets are write-only here), and which of its officers are its head and
deputy heads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgau.agencies.models import Agency, AgencyContact
from qorgau.audit.admin_site import AdministratorInline, AuditedAdmin, site
from qorgau.staff.models import User


class ContactForm(forms.ModelForm):
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        label=_("secret"),
        help_text=_("Leave empty to keep the current secret."),
    )

    class Meta:
        model = AgencyContact
        fields = ["channel", "address", "secret", "active"]

    def clean_secret(self) -> str:
        return self.cleaned_data["secret"] or (self.instance.secret if self.instance.pk else "")


class ContactInline(AdministratorInline):
    model = AgencyContact
    form = ContactForm


class OfficerInline(AdministratorInline):
    """The agency's officers, to mark its head and deputy heads, who decide extensions of
    answer terms (rule 11). Officers are created elsewhere; here only the flag changes."""

    model = User
    fields = ["username", "first_name", "last_name", "is_agency_head"]
    readonly_fields = ["username", "first_name", "last_name"]
    verbose_name = _("officer")
    verbose_name_plural = _("officers (tick the head and deputy heads)")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AgencyAdmin(AuditedAdmin):
    list_display = ["name_ru", "kind", "region", "round_the_clock", "active"]
    list_filter = ["kind", "region", "round_the_clock", "active"]
    search_fields = ["name_kk", "name_ru", "name_en", "key"]
    filter_horizontal = ["directions"]
    inlines = [ContactInline, OfficerInline]


site.register(Agency, AgencyAdmin)
