"""Workdays: the Kazakhstan working calendar (holidays, moved days) and agencies' hours (rule 14)."""

from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "qorgau.workdays"
    label = "workdays"
