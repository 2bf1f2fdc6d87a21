"""The report's figures as CSV: UTF-8 with a BOM so Excel reads the diacritics."""

import csv
import io

from django.utils.translation import gettext as _

from reports.documents.cells import plain_number, safe_text


def header():
    return [
        _("section"),
        _("heading"),
        _("metric"),
        _("figure"),
        _("value"),
        _("same period"),
        _("change"),
        _("change in percent"),
        _("unit"),
        _("comparison"),
    ]


def render_csv(report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header())
    for section in report.sections:
        for heading in section.headings:
            for figure in heading.figures:
                unit = "%" if figure.unit.kind == "percent" else figure.unit.word(2)
                writer.writerow(
                    [
                        section.number,
                        safe_text(heading.title),
                        figure.key,
                        safe_text(figure.label),
                        plain_number(figure.value),
                        plain_number(figure.previous),
                        plain_number(figure.change),
                        plain_number(figure.change_pct),
                        safe_text(unit),
                        safe_text(figure.comparison),
                    ]
                )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
