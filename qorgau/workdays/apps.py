"""Workdays: the Kazakhstan working calendar and agencies' working hours (rule 14)."""

from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "qorgau.workdays"
    label = "workdays"
