"""Workdays: the Kazakhstan working calendar and agencies' working hours (rule 14)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "qorgau.workdays"
    label = "workdays"
    verbose_name = _("Working days")
