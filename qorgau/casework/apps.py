"""Case work on a registered appeal: internal notes, follow-ups and attachments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "qorgau.casework"
    label = "casework"
    verbose_name = _("Case work")

    def ready(self) -> None:
        from qorgau.casework.actions import attachment_files_rotated_on_signal
        from qorgau.core.signals import files_rotation

        files_rotation.connect(
            attachment_files_rotated_on_signal, dispatch_uid="casework.attachment_files_rotate"
        )
