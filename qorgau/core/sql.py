"""Small raw-SQL helpers for the few hot paths where building the ORM's query cost more CPU
than the database spent running it (CTI events: bench/cti.py), and the yearly counters that
number appeals and conversations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import IntegrityError, connection, models, transaction


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


def counter_next(
    counter: type[models.Model], year: int, sql: str, params: Mapping[str, int]
) -> int:
    """The next value of a yearly counter: `sql` adds one to the year's row and RETURNs the new
    value first; the row is created when the year has none (by whoever gets there first). The
    row stays locked until the caller commits, so values are unique and gapless with any number
    of processes (docs/decisions/0003)."""
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        try:
            with transaction.atomic():
                counter._default_manager.create(year=year, last=0)
        except IntegrityError:
            pass  # another transaction created it first
