"""From a request's parameters to a report file: statistics, content, then the chosen format."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.documents.content import Report, ReportScope, build_report
from reports.documents.render_csv import render_csv
from reports.documents.render_docx import render_docx
from reports.documents.render_xlsx import render_xlsx
from reports.documents.scope import report_scope
from wardsecurity.period_spec import CALENDARS, CIVIL, parse_period

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("docx", "xlsx", "csv", "pdf")
# Scopes of more than this many wards are built by a background job.
SYNC_WARD_LIMIT = 1


@dataclass(frozen=True)
class ReportRequest:
    """Checked parameters of a report: scope, period and format."""

    scope: ReportScope
    period: object
    format: str

    @property
    def background(self) -> bool:
        return self.scope.ward_count > SYNC_WARD_LIMIT


def report_request(*, user, scope: str, period: str, calendar: str, fmt: str) -> ReportRequest:
    """Check the parameters: ``ValidationError`` (400) for bad ones, ``Http404`` out of scope."""
    errors = {}
    calendar = calendar or CIVIL
    if fmt not in FORMATS:
        errors["format"] = [_("Unknown format; use docx, xlsx, csv or pdf.")]
    try:
        parsed_period = parse_period(period or "", calendar=calendar)
    except ValidationError as exc:
        errors["calendar" if calendar not in CALENDARS else "period"] = exc.messages
    try:
        parsed_scope = report_scope(user=user, spec=scope)
    except ValidationError as exc:
        errors["scope"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return ReportRequest(parsed_scope, parsed_period, fmt)


def report_build(*, user, scope: ReportScope, period) -> Report:
    """The report's content, from the statistics the caller may see."""
    from reports.selectors import stats_for  # the statistics engine

    stats = stats_for(user=user, scope=scope.spec, period=period, compare=True)
    return build_report(stats=stats, scope=scope, period=period, issued_on=timezone.localdate())


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
