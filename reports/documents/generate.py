"""From a request's parameters to a report file: statistics, content, then the chosen format.

Official documents are Vietnamese whatever the interface language: a report is built and
rendered under the language of the request (``vi`` unless ``en`` is asked for explicitly),
never the browser's.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reports.documents.content import Report, build_report, predecessor_labels
from reports.documents.render_csv import render_csv
from reports.documents.render_docx import render_docx
from reports.documents.render_xlsx import render_xlsx
from reports.figures.picker import PERIOD_MAX_LENGTH
from reports.figures.scope import ReportScope, Selection, selection_check
from reports.statistics.selectors import stats_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("docx", "xlsx", "csv", "pdf")
# The languages a document can be written in; the first is the official one, the default.
DOCUMENT_LANGUAGES = ("vi", "en")
DOCUMENT_LANGUAGE = DOCUMENT_LANGUAGES[0]
# Scopes of more than this many wards are built by a background job.
SYNC_WARD_LIMIT = 1


@dataclass(frozen=True)
class ReportRequest(Selection):
    """Checked parameters of a report: scope, period, format and the document's language."""

    format: str
    language: str = DOCUMENT_LANGUAGE

    @property
    def background(self) -> bool:
        return self.scope.ward_count > SYNC_WARD_LIMIT


def report_request(
    *, user, scope: str, period: str, calendar: str, fmt: str, lang: str = DOCUMENT_LANGUAGE
) -> ReportRequest:
    """Check the parameters: ``ValidationError`` (400) for bad ones, ``Http404`` out of scope.

    ``lang`` is the document's language, Vietnamese (the official one) unless asked otherwise.
    """
    errors = {}
    if fmt not in FORMATS:
        errors["format"] = [_("Unknown format; use docx, xlsx, csv or pdf.")]
    if lang not in DOCUMENT_LANGUAGES:
        errors["lang"] = [_("Unknown document language; use vi or en.")]
    if len(period or "") > PERIOD_MAX_LENGTH:
        message = _("Write the period in at most %(count)d characters.")
        errors["period"] = [message % {"count": PERIOD_MAX_LENGTH}]
    else:
        try:
            selection = selection_check(user=user, scope=scope, period=period, calendar=calendar)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return ReportRequest(selection.scope, selection.period, fmt, lang)


def report_build(*, user, scope: ReportScope, period) -> Report:
    """The report's content, from the statistics the caller may see."""
    stats = stats_for(user=user, scope=scope.spec, period=period, compare=True)
    return build_report(
        stats=stats,
        scope=scope,
        period=period,
        issued_on=timezone.localdate(),
        predecessors=predecessor_labels(scope, period),
    )


def report_render(report: Report, fmt: str) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)`` of ``report`` in ``fmt``."""
    if fmt == "docx":
        return f"{report.filename_stem}.docx", DOCX, render_docx(report)
    if fmt == "xlsx":
        return f"{report.filename_stem}.xlsx", XLSX, render_xlsx(report)
    if fmt == "csv":
        return f"{report.filename_stem}.csv", "text/csv; charset=utf-8", render_csv(report)
    from reports.documents.render_print import render_print

    return f"{report.filename_stem}.html", "text/html; charset=utf-8", render_print(report)


def report_file(
    *, user, request: ReportRequest, on_built: Callable[[], None] | None = None
) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)`` of the report ``request`` asks for, written in the
    request's language whatever the interface's (the statistics' labels included).

    ``on_built`` is called between building the content and rendering the file (a job's
    progress).
    """
    with translation.override(request.language):
        report = report_build(user=user, scope=request.scope, period=request.period)
        if on_built is not None:
            on_built()
        return report_render(report, request.format)


def file_response(
    filename: str | None, content_type: str, content: bytes, *, language: str | None = None
) -> HttpResponse:
    """The file with a download name made of codes and dates (no personal data), saying the
    language it is written in when that is known."""
    response = HttpResponse(content, content_type=content_type)
    if filename:  # none: a page shown in the browser (the print view)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if language:
        response["Content-Language"] = language
    response["Cache-Control"] = "no-store"
    return response
