"""Core models: only the benchmark floor's row (see bench/intake.py and core/bench_api.py)."""

from django.db import models


class FloorRow(models.Model):
    """One row per call of the benchmark floor endpoint; never used by the product."""

    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=100, blank=True)
