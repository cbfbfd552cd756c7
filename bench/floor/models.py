"""The floor's only table: one row per call of POST /api/v1/bench/floor."""

from django.db import models


class FloorRow(models.Model):
    """One row per floor request (bench/intake.py, bench/cti.py) or writer transaction
    (bench/audit.py); never part of a production database."""

    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=100, blank=True)
