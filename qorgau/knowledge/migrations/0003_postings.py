"""Impact-ordered postings (postings.py, decision 0010) replace the databases' own full-text
indexes: a plain table, the same on SQLite and PostgreSQL, filled from the search index rows
already there, then indexed by (term, impact) and by article; each term counts its articles.
The FTS5 table (SQLite) and the tsvector column (PostgreSQL) of migration 0002 are dropped."""

import django.db.models.deletion
from django.db import migrations, models

CREATE = {
    # WITHOUT ROWID: the rows are stored in (term, impact, article) order, with no second copy.
    "sqlite": "CREATE TABLE knowledge_posting (term_id integer NOT NULL, impact integer NOT NULL,"
    " article_id integer NOT NULL REFERENCES knowledge_article (id) ON DELETE CASCADE,"
    " facets integer NOT NULL, PRIMARY KEY (term_id, impact, article_id)) WITHOUT ROWID",
    "postgresql": "CREATE TABLE knowledge_posting (term_id integer NOT NULL,"
    " impact integer NOT NULL, article_id bigint NOT NULL"
    " REFERENCES knowledge_article (id) ON DELETE CASCADE, facets integer NOT NULL)",
}
INDEXES = {
    # On a WITHOUT ROWID table the index holds the rest of the primary key too (impact).
    "sqlite": [
        "CREATE INDEX knowledge_posting_article ON knowledge_posting (article_id, term_id, facets)"
    ],
    "postgresql": [
        "CREATE INDEX knowledge_posting_best ON knowledge_posting"
        " (term_id, impact DESC, article_id) INCLUDE (facets)",
        # The search's look-up of its candidates' terms reads this index alone.
        "CREATE INDEX knowledge_posting_article ON knowledge_posting"
        " (article_id, term_id, impact) INCLUDE (facets)",
        # Room on each page, so that the article counters are updated in place (HOT) instead of
        # leaving dead index entries for the search's term look-ups to step over.
        "ALTER TABLE knowledge_searchterm SET (fillfactor = 50)",
    ],
}
FULL_TEXT_DROP = {
    "sqlite": ["DROP TABLE IF EXISTS knowledge_fts"],
    "postgresql": ["ALTER TABLE knowledge_searchentry DROP COLUMN IF EXISTS vector"],
}
FULL_TEXT_BACK = {
    "sqlite": [
        "CREATE VIRTUAL TABLE knowledge_fts USING fts5(title_terms, body_terms, "
        "tokenize='unicode61 remove_diacritics 0')",
        "INSERT INTO knowledge_fts (rowid, title_terms, body_terms)"
        " SELECT article_id, title_terms, body_terms FROM knowledge_searchentry",
    ],
    "postgresql": [
        "ALTER TABLE knowledge_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('simple', title_terms), 'A') || "
        "setweight(to_tsvector('simple', body_terms), 'B')) STORED",
        "CREATE INDEX knowledge_searchentry_vector ON knowledge_searchentry USING gin (vector)",
    ],
}


def forwards(apps, schema_editor):
    from qorgau.knowledge.postings import postings_rebuild

    vendor = schema_editor.connection.vendor
    for sql in [*FULL_TEXT_DROP[vendor], CREATE[vendor]]:
        schema_editor.execute(sql)
    postings_rebuild(
        apps.get_model("knowledge", "SearchEntry"), apps.get_model("knowledge", "SearchTerm")
    )
    for sql in INDEXES[vendor]:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in ["DROP TABLE knowledge_posting", *FULL_TEXT_BACK[vendor]]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]

    operations = [
        migrations.AddField(
            model_name="searchterm",
            name="articles",
            field=models.PositiveIntegerField(default=0),
        ),
        # Django knows the table (models.Posting) but does not make it: its layout is SQL above.
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.CreateModel(
                    name="Posting",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "term_id",
                                "impact",
                                "article",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("term_id", models.IntegerField()),
                        ("impact", models.IntegerField()),
                        ("facets", models.IntegerField()),
                        (
                            "article",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="knowledge.article",
                            ),
                        ),
                    ],
                    options={"db_table": "knowledge_posting"},
                )
            ],
        ),
    ]
