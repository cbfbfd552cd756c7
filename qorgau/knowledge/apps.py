from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "qorgau.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge base"
