"""Written conversations: what applicants write to the centre and what the centre answers."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "qorgau.conversations"
    label = "conversations"
    verbose_name = _("Written appeals")

    def ready(self) -> None:
        from qorgau.conversations.attachments import attachment_files_rotated_on_signal
        from qorgau.core.signals import files_rotation

        files_rotation.connect(
            attachment_files_rotated_on_signal, dispatch_uid="conversations.files_rotate"
        )
