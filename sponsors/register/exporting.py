"""Exporting the register in its CSV format (the import's columns, formula-safe)."""

import csv

from django.db.models import F

from sponsors.register.csvformat import COLUMNS, agreement_row, neutralise
from sponsors.register.models import Agreement, with_lists

CHUNK = 2000


def export_rows(queryset=None):
    """The header, then one list of cells per agreement (oldest signature first), every cell a
    spreadsheet would run as a formula neutralised."""
    if queryset is None:
        queryset = Agreement.objects.all()
    queryset = with_lists(queryset).order_by(F("signed_on").asc(nulls_last=True), "reference")
    yield list(COLUMNS)
    for agreement in queryset.iterator(chunk_size=CHUNK):
        row = agreement_row(agreement)
        yield [neutralise(row[column]) for column in COLUMNS]


def export_agreements(stream, queryset=None) -> int:
    """Write the register to a text stream; returns the number of agreements written.
    Importing the output into an empty register gives back the same agreements."""
    writer = csv.writer(stream)
    count = -1
    for row in export_rows(queryset):
        writer.writerow(row)
        count += 1
    return count
