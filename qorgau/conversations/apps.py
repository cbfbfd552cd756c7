"""Written conversations: what applicants write to the centre and what the centre answers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "qorgau.conversations"
    label = "conversations"
    verbose_name = _("Written appeals")
