"""Exporting the register in its CSV format (the import's columns, formula-safe)."""

import csv

from django.db.models import F

from sponsors.register.csvformat import COLUMNS, agreement_row, neutralise
from sponsors.register.models import Agreement, with_lists

CHUNK = 2000


def export_agreements(stream, queryset=None) -> int:
    """Write the header and one row per agreement (oldest signature first) to a text stream;
    every cell a spreadsheet would run as a formula is neutralised. Returns the row count.
    Importing the output into an empty register gives back the same agreements."""
    if queryset is None:
        queryset = Agreement.objects.all()
    queryset = with_lists(queryset).order_by(F("signed_on").asc(nulls_last=True), "reference")
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    count = 0
    for agreement in queryset.iterator(chunk_size=CHUNK):
        row = agreement_row(agreement)
        writer.writerow([neutralise(row[column]) for column in COLUMNS])
        count += 1
    return count
