"""Load the starting disclosure policy (rule 15)."""

from django.db import migrations

from qorgau.agency_requests.policy_data import load


class Migration(migrations.Migration):
    dependencies = [("interaction", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
