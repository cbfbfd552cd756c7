from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "qorgau.casework"
    label = "casework"
    verbose_name = "Case work"
