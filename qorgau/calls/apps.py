"""Calls: the phone system's events, calls and their timeline, the screen pop (rules 3, 6(a))."""

from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "qorgau.calls"
    label = "calls"
