"""Files attached to appeals (casework/models.py: Attachment); the bytes live encrypted in the
`attachments` storage."""

import django.db.models.deletion
import qorgau.core.fields
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0007_saved_filters"),
        ("casework", "0002_notes_followups"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", qorgau.core.fields.EncryptedTextField(verbose_name="file name")),
                ("content_type", models.CharField(max_length=100, verbose_name="file type")),
                ("size", models.PositiveBigIntegerField(verbose_name="size in bytes")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256 checksum")),
                (
                    "storage_key",
                    models.CharField(max_length=200, unique=True, verbose_name="storage key"),
                ),
                ("uploaded_at", models.DateTimeField(verbose_name="attached at")),
                (
                    "removed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="removed at"),
                ),
                (
                    "removed_reason",
                    qorgau.core.fields.EncryptedTextField(
                        blank=True, verbose_name="reason for removal"
                    ),
                ),
                (
                    "appeal",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="appeals.appeal",
                        verbose_name="appeal",
                    ),
                ),
                (
                    "removed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="removed by",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="attached by",
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
                "ordering": ["uploaded_at", "pk"],
                "indexes": [
                    models.Index(fields=["appeal", "removed_at"], name="attachment_appeal_shown")
                ],
            },
        ),
    ]
