"""Writing many rows at once: PostgreSQL's COPY (ids taken from the sequence first), Django's
bulk_create elsewhere. Used by the import, where 100,000 agreements come with four times as
many partner, region, area and audit rows."""

from django.db import connection

BATCH = 2000


def _copy(model, objects) -> None:
    fields = [field for field in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row(
                    [
                        field.get_db_prep_save(field.pre_save(obj, True), connection)
                        for field in fields
                    ]
                )


def _allocate_ids(model, count: int) -> list[int]:
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def create(model, objects: list) -> list:
    """Insert unsaved instances (no save() or signals, like bulk_create) and give each its
    primary key."""
    if not objects:
        return objects
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objects, batch_size=BATCH)
    missing = [obj for obj in objects if obj.pk is None]
    for obj, pk in zip(missing, _allocate_ids(model, len(missing)), strict=True):
        obj.pk = pk
    _copy(model, objects)
    return objects
