"""Writing many rows at once: PostgreSQL's COPY (ids taken from the sequence first), Django's
bulk_create elsewhere. Used by the import, where 100,000 agreements come with four times as
many partner, region, area and audit rows."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

BATCH = 2000
# Fields whose Python value psycopg writes as it is.
PLAIN = {
    models.AutoField,
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.DateField,
    models.DateTimeField,
    models.DecimalField,
    models.BooleanField,
}


def _converter(field, now):
    """How one field's attribute becomes a COPY value (cheaper than get_db_prep_save, which
    showed as most of the import's time)."""
    attname = field.attname
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, attname), cls=DjangoJSONEncoder)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: getattr(obj, attname) or now
    if field.has_default() and not callable(field.default):
        default = field.default
        return lambda obj: default if getattr(obj, attname) is None else getattr(obj, attname)
    if type(field) in PLAIN or field.is_relation:
        return lambda obj: getattr(obj, attname)
    return lambda obj: field.get_prep_value(getattr(obj, attname))


def _copy(model, objects) -> None:
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    converters = [_converter(field, now) for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([convert(obj) for convert in converters])


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
