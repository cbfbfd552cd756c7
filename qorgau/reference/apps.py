"""Reference data: directions (rule 10), regions, channels, kinds of help, outcomes."""

from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "qorgau.reference"
    label = "reference"
