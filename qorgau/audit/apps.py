"""Audit: the append-only, hash-chained security log (rule 5)."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "qorgau.audit"
    label = "audit"
