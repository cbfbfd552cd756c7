from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "qorgau.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        from qorgau.core.signals import reply_article_search, reply_article_text
        from qorgau.knowledge import hooks

        reply_article_search.connect(hooks.search_answer, dispatch_uid="kb_reply_search")
        reply_article_text.connect(hooks.text_answer, dispatch_uid="kb_reply_text")
