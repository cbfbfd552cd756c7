"""Saved list filters per staff member, and the index that finds words of an appeal's summary
(decision 0018): an FTS5 trigram table kept by triggers on SQLite, a pg_trgm GIN index on
PostgreSQL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE appeals_summary_fts USING fts5(summary, content='appeals_appeal', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER appeals_summary_fts_ai AFTER INSERT ON appeals_appeal BEGIN "
    "INSERT INTO appeals_summary_fts(rowid, summary) VALUES (new.id, new.summary); END",
    "CREATE TRIGGER appeals_summary_fts_ad AFTER DELETE ON appeals_appeal BEGIN "
    "INSERT INTO appeals_summary_fts(appeals_summary_fts, rowid, summary) "
    "VALUES ('delete', old.id, old.summary); END",
    "CREATE TRIGGER appeals_summary_fts_au AFTER UPDATE OF summary ON appeals_appeal BEGIN "
    "INSERT INTO appeals_summary_fts(appeals_summary_fts, rowid, summary) "
    "VALUES ('delete', old.id, old.summary); "
    "INSERT INTO appeals_summary_fts(rowid, summary) VALUES (new.id, new.summary); END",
    "INSERT INTO appeals_summary_fts(appeals_summary_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER appeals_summary_fts_ai",
    "DROP TRIGGER appeals_summary_fts_ad",
    "DROP TRIGGER appeals_summary_fts_au",
    "DROP TABLE appeals_summary_fts",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX appeals_summary_trgm ON appeals_appeal "
    "USING gin ((UPPER(summary::text)) gin_trgm_ops)",
]
POSTGRES_DOWN = ["DROP INDEX appeals_summary_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0006_status_lookup_counters"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SavedFilter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60)),
                ("query", models.CharField(max_length=500)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("owner", "name"), name="saved_filter_owner_name"
                    )
                ],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
