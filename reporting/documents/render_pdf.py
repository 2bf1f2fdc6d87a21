"""A ``Document`` as a PDF drawn on the server (reportlab): the same document as the .docx.

The same Decree 30/2020 layout as ``render_docx``: A4, margins 20/20/30/15 mm, the two-column
heading in a table of fixed column widths (long names wrap inside their column), page numbers
centred at the top from page 2, the recipients beside the signature block. The text is set in
DejaVu Serif Condensed, a TrueType font with every Vietnamese glyph, embedded in the file; the
PDF's language is ``vi-VN`` and its dates are the document's own.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reporting.documents.content import Document
from reports.documents.render_docx import LANGUAGE_TAGS

# Debian's fonts-dejavu-core (the Makefile's install step makes sure it is there).
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
# The condensed cut: about as wide as Times New Roman, so the lines fall as in the .docx.
FONT = "DejaVuSerifCondensed"
FACES = {
    FONT: "DejaVuSerifCondensed.ttf",
    f"{FONT}-Bold": "DejaVuSerifCondensed-Bold.ttf",
    f"{FONT}-Italic": "DejaVuSerifCondensed-Italic.ttf",
    f"{FONT}-BoldItalic": "DejaVuSerifCondensed-BoldItalic.ttf",
}
BODY, HEADER, SMALL = 13, 12, 11
HEADING_WIDTHS = (68 * mm, 97 * mm)
# A narrow cell padding: the national title fills its column at 12 pt.
CELL = [
    ("FONT", (0, 0), (-1, -1), FONT, BODY),  # else a table names Helvetica
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 2),
    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
]
SIGNATURE_WIDTHS = (80 * mm, 85 * mm)
SIGNATURE_ROOM = 24 * mm


@cache
def register_fonts() -> str:
    """Register DejaVu Serif (all four faces) once per process; its family name."""
    folder = Path(getattr(settings, "PDF_FONT_DIR", FONT_DIR))
    for name, filename in FACES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Italic",
        boldItalic=f"{FONT}-BoldItalic",
    )
    return FONT


def _style(name: str, **options) -> ParagraphStyle:
    size = options.pop("size", BODY)
    bold, italic = options.pop("bold", False), options.pop("italic", False)
    face = FONT + {(False, False): "", (True, False): "-Bold", (False, True): "-Italic"}.get(
        (bold, italic), "-BoldItalic"
    )
    options.setdefault("alignment", TA_CENTER)
    return ParagraphStyle(name, fontName=face, fontSize=size, leading=size * 1.3, **options)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _heading(document: Document) -> Table:
    normal = _style("head", size=HEADER)
    strong = _style("head-bold", size=HEADER, bold=True)
    motto = _style("motto", size=BODY, bold=True)
    date = _style("date", size=BODY, italic=True)
    left = []
    if document.superior:
        left.append(_p(document.superior, normal))
    left += [_p(document.issuer, strong), _p("_______", normal), _p(document.number, normal)]
    right = [
        _p(_("SOCIALIST REPUBLIC OF VIETNAM"), strong),
        _p(_("Independence - Freedom - Happiness"), motto),
        _p("_______________________", normal),
        _p(document.place_date, date),
    ]
    table = Table([[left, right]], colWidths=HEADING_WIDTHS)
    table.setStyle(TableStyle(CELL))
    return table


def _title(document: Document) -> list:
    strong = _style("title", bold=True)
    flow: list = [Spacer(1, 6 * mm)]
    if document.draft:
        flow.append(_p(pgettext("document mark", "DRAFT"), _style("draft", bold=True, italic=True)))
    flow += [_p(document.kind_title, strong), _p(document.subject, strong), _p("_______", strong)]
    note = _style("note", size=HEADER, italic=True)
    flow += [_p(text, note) for text in document.notes]
    flow.append(Spacer(1, 5 * mm))
    return flow


def _chapters(document: Document) -> list:
    body = _style("body", alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=4)
    strong = _style("body-bold", bold=True, alignment=TA_JUSTIFY, firstLineIndent=10 * mm)
    nested = _style("body-nested", alignment=TA_JUSTIFY, firstLineIndent=15 * mm, spaceAfter=4)
    flow: list = []
    for chapter in document.chapters:
        flow.append(_p(chapter.heading, strong))
        for number, part in enumerate(chapter.parts, start=1):
            flow.append(_p(f"{number}. {part.title}", strong))
            for line in part.lines:
                bullet, style = ("+", nested) if line.level else ("-", body)
                flow.append(_p(f"{bullet} {line.text}", style))
        flow += [_p(paragraph, body) for paragraph in chapter.paragraphs]
        if not chapter.parts and not chapter.paragraphs and chapter.empty:
            flow.append(_p(chapter.empty, body))
    return flow


def _signature(document: Document) -> Table:
    label = _style("recipients", size=12, bold=True, italic=True, alignment=TA_LEFT)
    recipient = _style("recipient", size=SMALL, alignment=TA_LEFT)
    strong = _style("signer", bold=True)
    left = [_p(_("Recipients:"), label)] + [_p(line, recipient) for line in document.recipients]
    right: list = [_p(line, strong) for line in document.signature_lines]
    right += [Spacer(1, SIGNATURE_ROOM), _p(document.signer_name, strong)]
    table = Table([[left, right]], colWidths=SIGNATURE_WIDTHS)
    table.setStyle(TableStyle(CELL))
    return table


def render_pdf(document: Document) -> bytes:
    """The PDF of ``document``, drawn in the active language (the document's)."""
    register_fonts()
    buffer = io.BytesIO()
    width, height = A4
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        leftMargin=30 * mm,
        rightMargin=15 * mm,
        title=document.title,
        subject=document.subject,
        author=document.issuer,  # never the signed-in person
        creator=document.issuer,
        initialFontName=FONT,
        initialFontSize=BODY,
        lang=LANGUAGE_TAGS.get(document.language, LANGUAGE_TAGS["vi"]),
    )
    day = document.issued_on

    def first_page(canvas, _template) -> None:
        if day is not None:  # the document's own date, not the moment it was drawn
            canvas.setDateFormatter(lambda *_now: f"D:{day:%Y%m%d}000000+07'00'")

    def later_pages(canvas, template_) -> None:
        canvas.saveState()
        canvas.setFont(FONT, BODY)
        canvas.drawCentredString(width / 2, height - 12 * mm, str(template_.page))
        canvas.restoreState()

    flow = [_heading(document), *_title(document), *_chapters(document)]
    flow += [Spacer(1, 6 * mm), _signature(document)]
    template.build(flow, onFirstPage=first_page, onLaterPages=later_pages)
    return buffer.getvalue()
