"""Demo: demo users and believable demo appeals, and the commands that start the product."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "qorgau.demo"
    label = "demo"
