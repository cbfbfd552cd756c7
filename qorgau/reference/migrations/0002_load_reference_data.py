"""Load the reference lists (directions of rule 10, regions, channels, kinds of help, outcomes)."""

from django.db import migrations

from qorgau.reference.data import load


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
