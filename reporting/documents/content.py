"""A period report as a neutral document: what the .docx and the PDF both draw.

Two builders fill the same ``Document``:

- ``ward_document(report, figures=…)``: a ward's ``PeriodReport``. A submitted or accepted
  report prints its frozen snapshot (the figures and the text as submitted, never recomputed);
  a draft or a returned report prints its current text over the live figures
  (``reporting.content.live_figures``, as the report's page shows them) and says it is a
  draft.
- ``consolidated_document(source)``: the province's or cluster's report, from a
  ``ConsolidatedSource`` whose fields mirror the ward report's (number, symbol, issued_on,
  place, signer_*, recipients, the narrative) and whose ``figures`` hold the same per-metric
  entries as a snapshot, plus the wards that are missing. ``consolidated_report_source``
  builds it from a ``ConsolidatedReport``: an issued report prints its frozen figures, a draft
  today's sums and says it is a draft.

Sections I and II are laid out by the period reports' layout (``reports.documents``), with
the same-period comparison phrased by ``reports.figures`` ("giảm 13 vụ (72,2%) so với cùng
kỳ", "chưa có số liệu cùng kỳ"); the manual indicators follow under their section.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reporting.content import manual_headings
from reporting.models import ConsolidatedReport, ManualIndicator, PeriodReport, reporting_period
from reports.documents.content import (
    Report,
    build_report,
    date_line,
    letterhead,
    place_name,
)
from reports.figures.scope import ReportScope

if TYPE_CHECKING:
    pass

# The official document is Vietnamese whatever the language of the pages (reports.documents).
DOCUMENT_LANGUAGE = "vi"
# The text of a report, as ``PeriodReport`` names it and a snapshot's "text" keeps it.
TEXT_FIELDS = (
    "number",
    "symbol",
    "issued_on",
    "place",
    "signer_form",
    "signer_for_title",
    "signer_title",
    "signer_name",
    "recipients",
    *PeriodReport.NARRATIVE_FIELDS,
)


@dataclass(frozen=True)
class Line:
    """One line under a heading: a figure's sentence ("- Số vụ việc: 5 vụ, giảm …")."""

    text: str
    level: int = 0  # 1 for a kind listed under its total ("+ …")


@dataclass(frozen=True)
class Part:
    """A numbered heading of a section and its lines ("1. Vụ việc")."""

    title: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Chapter:
    """A section of the body: I … V, or the general assessment (no number)."""

    number: str
    title: str
    parts: tuple[Part, ...] = ()
    paragraphs: tuple[str, ...] = ()  # the officer's text, a paragraph a line
    empty: str = ""  # what the section says when it has nothing

    @property
    def heading(self) -> str:
        title = self.title.upper()
        return f"{self.number}. {title}" if self.number else title


@dataclass(frozen=True)
class Document:
    """Everything a Decree 30/2020 report prints, in print order, already in words."""

    superior: str  # "CÔNG AN TỈNH NINH BÌNH"
    issuer: str  # "CÔNG AN PHƯỜNG NAM ĐỊNH"
    number: str  # "Số: 12/BC-CAP"
    place_date: str  # "Nam Định, ngày 14 tháng 8 năm 2025"
    kind_title: str  # "BÁO CÁO"
    subject: str  # "Kết quả phong trào Toàn dân bảo vệ an ninh Tổ quốc tháng 8/2025"
    notes: tuple[str, ...]  # the dates covered and compared, when the figures were taken
    chapters: tuple[Chapter, ...]
    recipients: tuple[str, ...]  # as entered, a line each
    signature_lines: tuple[str, ...]  # "KT. TRƯỞNG CÔNG AN PHƯỜNG", "PHÓ TRƯỞNG CÔNG AN PHƯỜNG"
    signer_name: str
    issued_on: dt.date | None
    filename_stem: str  # codes and dates only, never a person's name
    draft: bool = False
    language: str = DOCUMENT_LANGUAGE
    missing: tuple[str, ...] = field(default_factory=tuple)  # a consolidated report's wards

    @property
    def title(self) -> str:
        """The title of the file (core properties): the subject."""
        return self.subject


# The pieces both builders share ----------------------------------------------------------------


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def signature_lines(form: str, for_title: str, title: str, default: str = "") -> tuple[str, ...]:
    """``KT. TRƯỞNG CÔNG AN PHƯỜNG`` over ``PHÓ TRƯỞNG CÔNG AN PHƯỜNG`` (PeriodReport's)."""
    lines = []
    if form:
        lines.append(f"{form}. {for_title}".upper())
    if title:
        lines.append(title.upper())
    return tuple(lines) if lines else ((default,) if default else ())


def recipient_lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def paragraphs(text: str) -> tuple[str, ...]:
    """The officer's text a paragraph a line; blank lines only separate."""
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def number_line(number: str, symbol: str) -> str:
    """``Số: 12/BC-CAP``; a report without its number yet leaves the blank to write it in."""
    if number:
        text = f"{number}/{symbol}" if symbol else number
    else:
        text = f"{' ' * 6}/{symbol}" if symbol else " " * 6
    return _("No.: %(number)s") % {"number": text}


def place_date_line(place: str, issued_on: dt.date | None) -> str:
    """``An Bình, ngày 04 tháng 8 năm 2025`` (Decree 30/2020), or the blanks of a draft."""
    if issued_on is not None:
        return date_line(place, issued_on)
    blank = "....."
    when = _("on %(day)s/%(month)s/%(year)s") % {"day": blank, "month": blank, "year": blank}
    return _("%(place)s, %(date)s") % {"place": place, "date": when} if place else when


def _manual_parts(figures: Mapping[str, Any]) -> dict[str, list[Part]]:
    """The manual indicators that have a figure, by report section: {"I": [...], "II": [...]},
    placed as the report's page places them (``reporting.content.manual_headings``)."""
    parts: dict[str, list[Part]] = {"I": [], "II": []}
    for value, label, rows in manual_headings(figures, figures.get("indicators") or {}):
        title = label.split(". ", 1)[-1]
        lines = tuple(Line(figure.sentence) for figure in rows)
        parts["I" if value == ManualIndicator.Section.SITUATION else "II"].append(
            Part(title, lines)
        )
    return parts


def figure_chapters(
    built: Report, figures: Mapping[str, Any], text: Mapping[str, Any]
) -> list[Chapter]:
    """Sections I and II: the layout's figures, the manual ones, then the officer's remarks."""
    manual = _manual_parts(figures)
    remarks = {"I": text.get("situation_text", ""), "II": text.get("results_text", "")}
    chapters = []
    for section in built.sections:
        parts = [
            Part(
                heading.title,
                tuple(Line(figure.sentence, figure.level) for figure in heading.figures),
            )
            for heading in section.headings
        ]
        parts += manual.get(section.number, [])
        chapters.append(
            Chapter(
                section.number,
                section.title,
                parts=tuple(parts),
                paragraphs=paragraphs(remarks.get(section.number, "")),
                empty=_("No figures for this period."),
            )
        )
    return chapters


def narrative_chapters(text: Mapping[str, Any]) -> list[Chapter]:
    """The general assessment, then III, IV and V as the officer wrote them."""
    nothing = pgettext("report section", "None.")
    return [
        Chapter(
            "",
            pgettext("report section", "General assessment"),
            paragraphs=paragraphs(text.get("assessment", "")),
            empty=nothing,
        ),
        Chapter(
            "III",
            pgettext("report section", "Shortcomings and their causes"),
            paragraphs=paragraphs(text.get("shortcomings", "")),
            empty=nothing,
        ),
        Chapter(
            "IV",
            pgettext("report section", "Directions and tasks for the next period"),
            paragraphs=paragraphs(text.get("directions", "")),
            empty=nothing,
        ),
        Chapter(
            "V",
            pgettext("report section", "Proposals and recommendations"),
            paragraphs=paragraphs(text.get("proposals", "")),
            empty=nothing,
        ),
    ]


def _stem(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", " ".join(parts).lower()).strip("-")


def _notes(built: Report) -> tuple[str, ...]:
    return tuple(note for note in (built.span, built.as_of_text) if note)


# A ward's report ----------------------------------------------------------------------------


def is_frozen(report: PeriodReport) -> bool:
    """Submitted and accepted reports print their snapshot; the others are still being written."""
    return bool(report.snapshot) and report.state in (
        PeriodReport.State.SUBMITTED,
        PeriodReport.State.ACCEPTED,
    )


def ward_document(report: PeriodReport, *, figures: Mapping[str, Any] | None = None) -> Document:
    """The document of ``report``: its snapshot when submitted or accepted, else the draft.

    ``figures`` (``live_figures``) is needed for a report that is not frozen.
    """
    frozen = is_frozen(report)
    if frozen:
        figures = report.snapshot or {}
        text: Mapping[str, Any] = figures.get("text") or {}
    else:
        if figures is None:
            raise ValueError("a draft's document needs the live figures")
        text = {name: getattr(report, name) for name in TEXT_FIELDS}
    ward = report.ward
    province_name = (figures.get("province") or {}).get("name") or ward.province.name
    scope = ReportScope(
        spec=f"ward:{ward.code}", kind="ward", name=ward.name, province_name=province_name
    )
    period = reporting_period(report.period)
    issued_on = _date(text.get("issued_on"))
    built = build_report(
        stats=dict(figures), scope=scope, period=period, issued_on=issued_on or period.end
    )
    head = letterhead(scope, issued_on or period.end)
    place = text.get("place") or place_name(ward.name)
    return Document(
        superior=head.superior,
        issuer=head.issuer,
        number=number_line(text.get("number", ""), text.get("symbol", "")),
        place_date=place_date_line(place, issued_on),
        kind_title=_("REPORT"),
        subject=built.title,
        notes=_notes(built),
        chapters=tuple(figure_chapters(built, figures, text) + narrative_chapters(text)),
        recipients=recipient_lines(text.get("recipients", "")),
        signature_lines=signature_lines(
            text.get("signer_form", ""),
            text.get("signer_for_title", ""),
            text.get("signer_title", ""),
            default=head.signer,
        ),
        signer_name=text.get("signer_name", ""),
        issued_on=issued_on,
        filename_stem=_stem("bao-cao", ward.code, report.period),
        draft=not frozen,
    )


# The consolidated report --------------------------------------------------------------------


@dataclass(frozen=True)
class ConsolidatedSource:
    """What a consolidated report prints, in the terms of a ward report's document.

    Built by ``consolidated_report_source`` from a ``ConsolidatedReport`` (and by the period
    summary of ``reporting.notifications`` from a reviewer's scope). ``text`` has the ward
    report's text fields (``TEXT_FIELDS``); ``figures`` the per-metric entries of a snapshot
    (``metrics``, ``compare``, ``as_of``, ``indicators``) summed over the accepted wards, with
    ``missing_wards`` ([{"code", "name"}]), ``ward_count`` and ``accepted_count``
    (``source_figures`` turns ``reporting.consolidation``'s figures into these).
    """

    scope_kind: str  # province | cluster
    scope_code: str  # the province's code or the cluster's id
    scope_name: str  # "Tỉnh Ninh Bình", "Cụm Nam Định"
    province_name: str
    period: str  # the reporting period's spec
    figures: Mapping[str, Any]
    text: Mapping[str, Any]
    # The letterhead's two lines when the issuer is not the steering committee, e.g.
    # "CÔNG AN TỈNH NINH BÌNH" over "PHÒNG THAM MƯU" (empty: the period reports' letterhead).
    superior: str = ""
    issuer: str = ""
    # Not issued: its figures are today's sums and the document says "DỰ THẢO".
    draft: bool = False


def source_figures(figures: Mapping[str, Any]) -> dict[str, Any]:
    """``reporting.consolidation.consolidated_figures`` (or an issued report's frozen copy) as
    a source's figures: the summed metrics, the wards counted and the wards missing."""
    wards = figures.get("wards") or {}
    return {
        "metrics": figures.get("metrics") or {},
        "compare": figures.get("compare"),
        "as_of": figures.get("computed_at"),
        "indicators": figures.get("indicators") or {},
        "missing_wards": [
            {"code": ward.get("code", ""), "name": ward.get("name", "")}
            for ward in wards.get("missing") or ()
        ],
        "ward_count": wards.get("expected"),
        "accepted_count": len(wards.get("accepted") or ()),
    }


def consolidated_report_source(
    report: ConsolidatedReport, figures: Mapping[str, Any]
) -> ConsolidatedSource:
    """The source of a ``ConsolidatedReport``: its text, and ``figures``
    (``reporting.consolidation.report_figures``: frozen when issued, today's sums for a draft,
    which the document marks "DỰ THẢO")."""
    if report.province_id:
        assert report.province is not None
        kind, code = "province", report.province.code
        name = province = report.province.name
    else:
        assert report.cluster is not None
        kind, code, name, province = "cluster", str(report.cluster.pk), report.cluster.name, ""
    text = {name_: getattr(report, name_, "") for name_ in TEXT_FIELDS}
    return ConsolidatedSource(
        scope_kind=kind,
        scope_code=code,
        scope_name=name,
        province_name=province,
        period=report.period,
        figures=source_figures(figures),
        text=text,
        draft=report.state != ConsolidatedReport.State.ISSUED,
    )


def consolidated_document(source: ConsolidatedSource) -> Document:
    """The province's (or cluster's) report: the accepted wards' figures and who is missing."""
    figures, text = source.figures, source.text
    scope = ReportScope(
        spec=f"{source.scope_kind}:{source.scope_code}",
        kind=source.scope_kind,
        name=source.scope_name,
        province_name=source.province_name,
    )
    period = reporting_period(source.period)
    issued_on = _date(text.get("issued_on"))
    built = build_report(
        stats=dict(figures), scope=scope, period=period, issued_on=issued_on or period.end
    )
    head = letterhead(scope, issued_on or period.end)
    missing = tuple(str(ward.get("name", "")) for ward in figures.get("missing_wards") or ())
    chapters = figure_chapters(built, figures, text)
    accepted = figures.get("accepted_count")
    count = figures.get("ward_count")
    lines = []
    if accepted is not None and count is not None:
        lines.append(
            Line(
                _("Wards whose report was accepted: %(accepted)s of %(count)s.")
                % {"accepted": accepted, "count": count}
            )
        )
    lines.append(
        Line(
            _("Wards without an accepted report: %(names)s.") % {"names": ", ".join(missing)}
            if missing
            else _("Every ward's report was accepted.")
        )
    )
    reporting = Part(_("Reports received"), tuple(lines))
    first = chapters[0]
    chapters[0] = Chapter(
        first.number, first.title, (reporting, *first.parts), first.paragraphs, first.empty
    )
    place = text.get("place") or place_name(source.province_name or source.scope_name)
    return Document(
        superior=(source.superior or head.superior).upper(),
        issuer=(source.issuer or head.issuer).upper(),
        number=number_line(text.get("number", ""), text.get("symbol", "")),
        place_date=place_date_line(place, issued_on),
        kind_title=_("REPORT"),
        subject=built.title,
        notes=_notes(built),
        chapters=tuple(chapters + narrative_chapters(text)),
        recipients=recipient_lines(text.get("recipients", "")),
        signature_lines=signature_lines(
            text.get("signer_form", ""),
            text.get("signer_for_title", ""),
            text.get("signer_title", ""),
            default=head.signer,
        ),
        signer_name=text.get("signer_name", ""),
        issued_on=issued_on,
        filename_stem=_stem(
            "bao-cao-tong-hop", source.scope_kind, source.scope_code, source.period
        ),
        draft=source.draft,
        missing=missing,
    )
