"""Core: shared building blocks (errors, encryption, roles and permissions, middleware)."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "qorgau.core"
    label = "core"
