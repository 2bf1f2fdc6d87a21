"""From a report to its file: the document built and drawn in the document's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation

from reporting.consolidation import report_figures
from reporting.content import live_figures
from reporting.documents.content import (
    DOCUMENT_LANGUAGE,
    ConsolidatedSource,
    Document,
    consolidated_document,
    consolidated_report_source,
    is_frozen,
    ward_document,
)
from reporting.documents.render_docx import render_docx
from reporting.documents.render_pdf import render_pdf
from reports.documents.generate import DOCX

if TYPE_CHECKING:
    from reporting.models import ConsolidatedReport, PeriodReport
    from wardsecurity.models import User

PDF = "application/pdf"
FORMATS = {"docx": (DOCX, render_docx), "pdf": (PDF, render_pdf)}


def document_file(document: Document, fmt: str) -> tuple[str, str, bytes]:
    """``(filename, content type, bytes)`` of ``document`` as .docx or .pdf."""
    content_type, render = FORMATS[fmt]
    with translation.override(document.language):
        return f"{document.filename_stem}.{fmt}", content_type, render(document)


def ward_report_file(*, report: PeriodReport, user: User, fmt: str) -> tuple[str, str, bytes]:
    """The file of a ward's report: its snapshot once submitted, else the draft on the live
    figures ``user`` may see."""
    with translation.override(DOCUMENT_LANGUAGE):
        figures = None if is_frozen(report) else live_figures(report=report, user=user)
        document = ward_document(report, figures=figures)
    return document_file(document, fmt)


def consolidated_file(source: ConsolidatedSource, fmt: str = "docx") -> tuple[str, str, bytes]:
    """The file of a consolidated report's source."""
    with translation.override(DOCUMENT_LANGUAGE):
        document = consolidated_document(source)
    return document_file(document, fmt)


def consolidated_report_file(
    *, report: ConsolidatedReport, fmt: str = "docx"
) -> tuple[str, str, bytes]:
    """The file of a ``ConsolidatedReport``: its frozen figures once issued, else the draft
    on today's sums of the accepted ward reports (marked "DỰ THẢO")."""
    return consolidated_file(consolidated_report_source(report, report_figures(report)), fmt)
