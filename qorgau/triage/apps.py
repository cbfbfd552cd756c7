"""The triage assistant: direction, urgency, route and personal data read from an appeal's text
(rules 5, 6(j), 10, 15). It suggests; people decide."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "qorgau.triage"
    label = "triage"
    verbose_name = _("Triage assistant")
