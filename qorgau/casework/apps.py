"""Case work on a registered appeal: internal notes and follow-ups."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "qorgau.casework"
    label = "casework"
    verbose_name = _("Case work")
