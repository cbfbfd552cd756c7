"""The administrator sets up the messengers and the SMS gateway (ChannelSettings). Secrets are
write-only: the form shows whether each is set, never its value; an empty field keeps the
stored secret, and "clear" removes it. Every change is audited (AuditedAdmin), naming the
fields changed, never their values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qorgau.audit.admin_site import AdministratorOnly, AuditedAdmin, site
from qorgau.audit.events import AuditEvent
from qorgau.conversations.models import ChannelSettings, Outgoing


class SecretInput(forms.PasswordInput):
    """A password field that never renders a value."""

    def __init__(self) -> None:
        super().__init__(render_value=False, attrs={"autocomplete": "new-password"})


class ChannelSettingsForm(forms.ModelForm):
    base_url = forms.URLField(required=False, assume_scheme="https", label=_("base URL"))
    clear_secrets = forms.MultipleChoiceField(
        required=False,
        label=_("Remove these secrets"),
        choices=[(name, name) for name in ChannelSettings.SECRETS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ChannelSettings
        fields = [
            "channel",
            "enabled",
            "base_url",
            "phone_number_id",
            "sms_fields",
            *ChannelSettings.SECRETS,
        ]
        widgets = {name: SecretInput() for name in ChannelSettings.SECRETS}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance if self.instance.pk else None
        for name in ChannelSettings.SECRETS:
            field = self.fields[name]
            field.required = False
            field.initial = ""
            is_set = bool(stored and getattr(stored, name))
            state = _("set") if is_set else _("not set")
            field.help_text = f"{field.help_text} — {state}. " + str(
                _("Leave empty to keep it as it is.")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        stored = ChannelSettings.objects.filter(pk=self.instance.pk).first()
        cleared = set(data.get("clear_secrets") or [])
        for name in ChannelSettings.SECRETS:
            if name in cleared:
                data[name] = ""
            elif not data.get(name):
                data[name] = getattr(stored, name) if stored else ""
        return data

    @property
    def changed_data(self) -> list[str]:
        """A secret counts as changed only when a new one was typed or it was cleared."""
        names = [n for n in super().changed_data if n not in ChannelSettings.SECRETS]
        cleared = set(self.cleaned_data.get("clear_secrets") or []) if self.is_bound else set()
        for name in ChannelSettings.SECRETS:
            if self.is_bound and (self.data.get(name) or name in cleared):
                names.append(name)
        return [n for n in names if n != "clear_secrets"]


class ChannelSettingsAdmin(AuditedAdmin):
    form = ChannelSettingsForm
    list_display = ["channel", "enabled", "base_url"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.save()
        self._audit(
            request,
            obj,
            AuditEvent.ADMIN_CHANGE if change else AuditEvent.ADMIN_ADD,
            list(form.changed_data),
        )


class OutgoingAdmin(AdministratorOnly, admin.ModelAdmin):
    """The outbox's health at a glance: what waits, what failed and why. Never a text or an
    address (personal data): those fields are not shown, and nothing here can be changed."""

    list_display = ["pk", "number", "channel", "kind", "status", "attempts", "due_at", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    shown = ("number", "channel", "kind", "status", "attempts", "due_at", "sent_at", "last_error")
    fields = shown
    readonly_fields = shown
    list_select_related = ["conversation"]

    @admin.display(description=_("number"))
    def number(self, obj: Outgoing) -> str:
        return obj.conversation.number

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(ChannelSettings, ChannelSettingsAdmin)
site.register(Outgoing, OutgoingAdmin)
