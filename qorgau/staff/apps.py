"""Staff: users with one role each, bound to an agency or region where the role needs it."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "qorgau.staff"
    label = "staff"
    verbose_name = _("Staff")
