"""Agencies: the directory of central and local bodies and commissioners (chapter 3)."""

from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "qorgau.agencies"
    label = "agencies"
