"""Appeals: the registry of appeals (rule 2(7)), their lifecycle and the public status."""

from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "qorgau.appeals"
    label = "appeals"
