"""Calls: the phone system's events, calls and their timeline, the screen pop (rules 3, 6(a))."""

from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "qorgau.calls"
    label = "calls"

    def ready(self) -> None:
        from qorgau.calls.recordings import files_rotated_on_signal
        from qorgau.core.signals import files_rotation

        files_rotation.connect(files_rotated_on_signal, dispatch_uid="calls.files_rotate")
