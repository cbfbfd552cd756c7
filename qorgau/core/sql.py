"""Small raw-SQL helpers for the few hot paths where building the ORM's query cost more CPU
than the database spent running it (CTI events: bench/cti.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def update_columns(instance: models.Model, fields: Sequence[str]) -> None:
    """UPDATE the given fields of one row with their values on the instance, prepared exactly
    as Model.save() prepares them (encryption, dates, foreign keys)."""
    meta = instance._meta
    columns: list[models.Field[object, object]] = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field), "concrete fields only"
        columns.append(field)
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in columns)
    values = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in columns]
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608 - names from _meta
            [*values, instance.pk],
        )
