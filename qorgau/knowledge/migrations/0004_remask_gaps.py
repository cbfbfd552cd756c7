"""Searches logged before names were masked (knowledge/gaps.py): masked again, names included,
so the log quality officers read holds none (rule 5). Masking is idempotent: placeholders stay."""

from django.db import migrations


def remask(apps, schema_editor):
    from qorgau.knowledge.gaps import mask_query

    search_gap = apps.get_model("knowledge", "SearchGap")
    for gap in search_gap.objects.iterator():
        masked = mask_query(gap.query)[:300]
        if masked != gap.query:
            search_gap.objects.filter(pk=gap.pk).update(query=masked)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_postings")]

    operations = [migrations.RunPython(remask, migrations.RunPython.noop)]
