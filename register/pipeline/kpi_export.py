"""The KPI page as CSV and XLSX: the same figures as the page, one table after another.

Both neutralise cells a spreadsheet would run as formulas (the register's `neutralise`). The
XLSX is written by xlsxwriter in constant-memory mode (rows flushed as they are written) to a
temporary file that is streamed, so memory stays flat whatever the number of rows."""

import csv
import tempfile
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from register.csvformat import neutralise
from register.pipeline.kpis import KpiReport


def report_tables(report: KpiReport) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) for each table of the KPI page; numbers stay numbers."""
    lines = [
        [
            line.scope_label,
            line.metric_label,
            line.currency,
            line.event,
            line.target,
            line.actual,
            line.achieved,
        ]
        for line in report.lines
    ]
    tables = [
        (
            _("Targets and actuals, %(year)s") % {"year": report.year},
            [
                _("For"),
                _("Measure"),
                _("Currency"),
                _("Event"),
                _("Target"),
                _("Actual"),
                _("Achieved (%)"),
            ],
            lines,
        ),
        (
            _("Co-financing"),
            [_("Currency"), _("Partners"), _("Bureau"), _("Total"), _("Bureau share (%)")],
            [
                [c.currency, c.partner, c.bureau, c.total, c.bureau_share]
                for c in report.co_financing
            ],
        ),
        (
            _("Value by partner category"),
            [_("Partner category"), _("Agreements"), _("Currency"), _("Value")],
            [
                [line.label, line.agreements, currency, value]
                for line in report.categories
                for currency, value in (sorted(line.values.items()) or [("", None)])
            ],
        ),
        (
            _("Sponsorship revenue per event"),
            [_("Event"), _("Currency"), _("Paid pledges")],
            [list(row) for row in report.sponsorship_events],
        ),
        (
            _("Open pipeline (value × probability)"),
            [_("Currency"), _("Opportunities"), _("Expected"), _("Weighted")],
            [[c, v["count"], v["expected"], v["weighted"]] for c, v in report.pipeline.items()],
        ),
        (
            _("Won in the pipeline"),
            [_("Currency"), _("Expected value")],
            [[c, v] for c, v in report.won_values.items()]
            or [[_("%(n)s won, without value") % {"n": report.won_count}, None]],
        ),
    ]
    return tables


def _text(value) -> str:
    if value is None:
        return ""
    return neutralise(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_response(report: KpiReport, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def rows():
        for title, header, body in report_tables(report):
            yield writer.writerow([_text(title)])
            yield writer.writerow([_text(cell) for cell in header])
            for row in body:
                yield writer.writerow([_text(cell) for cell in row])
            yield writer.writerow([])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(report: KpiReport, stream) -> None:
    """Write the report as one worksheet; text cells through `write_string` only, so nothing
    is ever read as a formula, and neutralised as in the CSV."""
    workbook = xlsxwriter.Workbook(
        stream, {"constant_memory": True, "strings_to_formulas": False, "in_memory": False}
    )
    sheet = workbook.add_worksheet(_("KPIs")[:31])
    bold = workbook.add_format({"bold": True})
    amount = workbook.add_format({"num_format": "#,##0.00"})
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 6, 18)
    row = 0
    for title, header, body in report_tables(report):
        sheet.write_string(row, 0, _text(title), bold)
        row += 1
        for col, cell in enumerate(header):
            sheet.write_string(row, col, _text(cell), bold)
        row += 1
        for values in body:
            for col, cell in enumerate(values):
                if isinstance(cell, (int, Decimal)) and not isinstance(cell, bool):
                    sheet.write_number(
                        row, col, float(cell), amount if isinstance(cell, Decimal) else None
                    )
                elif cell is not None:
                    sheet.write_string(row, col, _text(cell))
            row += 1
        row += 1
    workbook.close()


def xlsx_response(report: KpiReport, filename: str) -> FileResponse:
    spool = tempfile.TemporaryFile()
    write_xlsx(report, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
