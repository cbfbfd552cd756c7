"""Impact-ordered postings (postings.py, decision 0010): a plain table, filled from the search
index rows already there, then indexed by (term, impact) and by article."""

from django.db import migrations

CREATE = {
    # WITHOUT ROWID: the rows are stored in (term, impact, article) order, with no second copy.
    "sqlite": "CREATE TABLE knowledge_posting (term_id integer NOT NULL, impact integer NOT NULL,"
    " article_id integer NOT NULL REFERENCES knowledge_article (id) ON DELETE CASCADE,"
    " PRIMARY KEY (term_id, impact, article_id)) WITHOUT ROWID",
    "postgresql": "CREATE TABLE knowledge_posting (term_id integer NOT NULL,"
    " impact integer NOT NULL, article_id bigint NOT NULL"
    " REFERENCES knowledge_article (id) ON DELETE CASCADE)",
}
INDEXES = {
    "sqlite": ["CREATE INDEX knowledge_posting_article ON knowledge_posting (article_id)"],
    "postgresql": [
        "CREATE INDEX knowledge_posting_best ON knowledge_posting (term_id, impact DESC, article_id)",
        "CREATE INDEX knowledge_posting_article ON knowledge_posting (article_id)",
    ],
}


def forwards(apps, schema_editor):
    from qorgau.knowledge.postings import postings_rebuild

    vendor = schema_editor.connection.vendor
    schema_editor.execute(CREATE[vendor])
    postings_rebuild(apps.get_model("knowledge", "SearchEntry"), apps.get_model("knowledge", "SearchTerm"))
    for sql in INDEXES[vendor]:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    schema_editor.execute("DROP TABLE knowledge_posting")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]

    operations = [migrations.RunPython(forwards, backwards)]
