"""Outreach: schools, their QR forms and posters, campaign source codes (rule 6(s))."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "qorgau.outreach"
    label = "outreach"
    verbose_name = _("Outreach")
