"""The floor's only table: one row per call of POST /api/v1/bench/floor."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class FloorRow(models.Model):
    """One row per floor request (bench/intake.py, bench/cti.py) or writer transaction
    (bench/audit.py); never part of a production database."""

    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=100, blank=True)

    # Declared, so that mypy knows it: its Django plugin reads the product's settings, which do
    # not install this app.
    objects: ClassVar[models.Manager[FloorRow]] = models.Manager()
