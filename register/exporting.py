"""Exporting the register in its CSV format (the import's columns, formula-safe)."""

import csv

from register.csvformat import COLUMNS, neutralise
from register.rows import iter_rows


def export_rows(queryset=None):
    """The header, then one list of cells per agreement (oldest signature first), every cell a
    spreadsheet would run as a formula neutralised."""
    yield list(COLUMNS)
    for _pk, row in iter_rows(queryset):
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
