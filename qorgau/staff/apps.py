"""Staff: users with one role each, bound to an agency or region where the role needs it."""

from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "qorgau.staff"
    label = "staff"
