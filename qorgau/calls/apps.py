"""Calls: the phone system's events, calls and their timeline, the screen pop (rules 3, 6(a))."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "qorgau.calls"
    label = "calls"
    verbose_name = _("Calls")

    def ready(self) -> None:
        from qorgau.calls.recordings import files_rotated_on_signal
        from qorgau.core.signals import files_rotation

        files_rotation.connect(files_rotated_on_signal, dispatch_uid="calls.files_rotate")
