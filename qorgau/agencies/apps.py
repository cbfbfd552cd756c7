"""Agencies: the directory of central and local bodies and commissioners (chapter 3)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "qorgau.agencies"
    label = "agencies"
    verbose_name = _("Agencies")
