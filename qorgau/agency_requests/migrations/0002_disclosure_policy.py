"""Load the starting disclosure policy (rule 15); administrators edit the DisclosureRule table
afterwards. The rows are frozen here (decision 0017): a change to the starting policy is a new
data migration, never an edit of this one. Each row: (direction or "" for any, agency kind or ""
for any, fields that may go). Everything not listed stays in the centre."""

from django.db import migrations

BASE = ["summary", "description", "urgency_reason", "risk_flags", "persons"]
TO_REACH_THE_PERSON = ["applicant_name", "applicant_phone", "applicant_address"]

RULES = [
    ("", "", BASE),
    # Duty services and police act on danger now: they must find the place and the person.
    ("", "duty", BASE + TO_REACH_THE_PERSON),
    ("2", "central", BASE + TO_REACH_THE_PERSON),
    ("2", "local", [*BASE, "applicant_address"]),
    # Commissioners contact the family.
    ("", "commissioner", [*BASE, "applicant_name", "applicant_phone"]),
    # Education: the child's age and the facts; never the caller's IIN or contacts.
    ("4", "local", BASE),
    # Social protection checks entitlements by IIN and answers the applicant.
    ("5", "local", [*BASE, "applicant_name", "applicant_iin", "applicant_phone"]),
    ("5", "central", [*BASE, "applicant_name", "applicant_iin", "applicant_phone"]),
    # Legal aid and health care reach the applicant to help them.
    ("3", "", [*BASE, "applicant_name", "applicant_phone"]),
    ("6", "local", [*BASE, "applicant_name", "applicant_phone"]),
]


def load(apps, schema_editor):
    rule = apps.get_model("interaction", "DisclosureRule")
    for direction, kind, fields in RULES:
        rule.objects.update_or_create(
            direction=direction, agency_kind=kind, defaults={"fields": fields}
        )


class Migration(migrations.Migration):
    dependencies = [("interaction", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
