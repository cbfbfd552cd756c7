# The benchmark floor's table left the product: it lives in the bench-only app bench.floor
# (installed by bench/settings.py alone), so production databases drop core_floorrow.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(
            name="FloorRow",
        ),
    ]
