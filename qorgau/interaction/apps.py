"""Interaction: requests to agencies, their delivery, replies and deadlines (chapter 3)."""

from django.apps import AppConfig


class InteractionConfig(AppConfig):
    name = "qorgau.interaction"
    label = "interaction"
