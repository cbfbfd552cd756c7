"""`qorgau rotate_keys`: re-encrypt every encrypted column under the first key of
QORGAU_FIELD_KEYS. Rotation: put the new key first, keep the old one after it, run this, then
remove the old key (docs/architecture/confidentiality.md)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from qorgau.core.fields import EncryptedTextField
from qorgau.core.signals import files_rotation


def rotate_all(batch: int = 500) -> int:
    """Rewrite every encrypted value; returns the number of rows rewritten."""
    rows = 0
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if not names:
            continue
        pks = list(model._default_manager.values_list("pk", flat=True))
        for start in range(0, len(pks), batch):
            with transaction.atomic():
                chunk = model._default_manager.filter(pk__in=pks[start : start + batch])
                for values in chunk.values("pk", *names):
                    pk = values.pop("pk")
                    model._default_manager.filter(pk=pk).update(**values)
                    rows += 1
    return rows


class Command(BaseCommand):
    help = "Re-encrypt personal data under the first key of QORGAU_FIELD_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Re-encrypted {rotate_all()} rows under the current key.")
        for _receiver, files in files_rotation.send(sender=self.__class__):
            self.stdout.write(f"Re-encrypted {files}.")
