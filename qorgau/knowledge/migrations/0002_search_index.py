"""The database side of the search index: an FTS5 table on SQLite, a generated, GIN-indexed
tsvector on PostgreSQL ('simple' configuration: the terms are already analysed in Python)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE knowledge_fts USING fts5(title_terms, body_terms, "
    "tokenize='unicode61 remove_diacritics 0')",
]
SQLITE_DOWN = ["DROP TABLE knowledge_fts"]
POSTGRES = [
    "ALTER TABLE knowledge_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_terms), 'A') || "
    "setweight(to_tsvector('simple', body_terms), 'B')) STORED",
    "CREATE INDEX knowledge_searchentry_vector ON knowledge_searchentry USING gin (vector)",
]
POSTGRES_DOWN = ["ALTER TABLE knowledge_searchentry DROP COLUMN vector"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
