"""Create the chain heads, and on PostgreSQL a trigger that refuses UPDATE and DELETE of audit
records (append-only). On SQLite, the embedded development default, the hash chain alone
makes tampering visible: Django's test flush deletes rows there, which a trigger would block."""

from django.db import migrations

CHAINS = 32

PG_FORWARD = """
CREATE OR REPLACE FUNCTION audit_record_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_record_append_only BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION audit_record_append_only();
"""
PG_BACKWARD = """
DROP TRIGGER IF EXISTS audit_record_append_only ON audit_auditrecord;
DROP FUNCTION IF EXISTS audit_record_append_only();
"""


def forward(apps, schema_editor):
    head = apps.get_model("audit", "AuditChainHead")
    head.objects.bulk_create([head(chain=c) for c in range(CHAINS)], ignore_conflicts=True)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
