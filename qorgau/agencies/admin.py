"""The administrator keeps the agency directory: names, kind, region, hours, competence and
contacts (webhook secrets are write-only here)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.agencies.models import Agency, AgencyContact
from qorgau.core.admin_site import AdministratorInline, AuditedAdmin, site


class ContactForm(forms.ModelForm):
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
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


class AgencyAdmin(AuditedAdmin):
    list_display = ["name_ru", "kind", "region", "round_the_clock", "active"]
    list_filter = ["kind", "region", "round_the_clock", "active"]
    search_fields = ["name_kk", "name_ru", "name_en", "key"]
    filter_horizontal = ["directions"]
    inlines = [ContactInline]


site.register(Agency, AgencyAdmin)
