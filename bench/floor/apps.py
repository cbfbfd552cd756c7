"""The floor's app configuration: label bench_floor, so its table is bench_floor_floorrow."""

from django.apps import AppConfig


class FloorConfig(AppConfig):
    name = "bench.floor"
    label = "bench_floor"
    default_auto_field = "django.db.models.BigAutoField"
