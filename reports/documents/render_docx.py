"""The report as a Word document laid out per Decree 30/2020 (administrative documents)."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
HEADER_SIZE = Pt(13)
INDENT, SUB_INDENT = Cm(1), Cm(2)
# The language tag Word proofs and reads a document in, for each language a report is written in.
LANGUAGE_TAGS = {"vi": "vi-VN", "en": "en-US"}


def _font(run, *, size=BODY_SIZE, bold=False, italic=False):
    run.font.name = FONT
    run.font.size = size
    run.font.bold = bold
    run.font.italic = italic
    # Word picks the East Asian slot for some Vietnamese characters: name the font there too.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return run


def _paragraph(container, text="", *, align=None, size=BODY_SIZE, bold=False, italic=False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    if text:
        _font(paragraph.add_run(text), size=size, bold=bold, italic=italic)
    return paragraph


def _page(document):
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    # Decree 30/2020, appendix I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _language(document) -> None:
    """Name the language the report is written in (the active one): in the document defaults'
    run properties, which every run inherits, and in the core properties."""
    code = translation.get_language() or "vi"
    tag = LANGUAGE_TAGS.get(code.split("-")[0], LANGUAGE_TAGS["vi"])
    element = document.styles.element
    for name in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:lang"):
        child = element.find(qn(name))
        if child is None:
            child = OxmlElement(name)
            # docDefaults comes first in styles.xml; each of the others is its parent's last.
            position = 0 if name == "w:docDefaults" else len(element)
            element.insert(position, child)
        element = child
    lang = element
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    document.core_properties.language = tag


def _borderless_table(document, widths):
    table = document.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    return table.rows[0].cells


def _cell_line(cell, text, first=False, **style):
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
    paragraph.alignment = style.pop("align", WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.space_after = Pt(0)
    _font(paragraph.add_run(text), **style)
    return paragraph


def _letterhead(document, report):
    head = report.letterhead
    left, right = _borderless_table(document, (Cm(6.5), Cm(9.5)))
    first = True
    if head.superior:
        _cell_line(left, head.superior, first=True, size=HEADER_SIZE)
        first = False
    _cell_line(left, head.issuer, first=first, size=HEADER_SIZE, bold=True)
    _cell_line(left, "_______", size=HEADER_SIZE)
    _cell_line(left, head.number, size=HEADER_SIZE)
    _cell_line(right, _("SOCIALIST REPUBLIC OF VIETNAM"), first=True, size=HEADER_SIZE, bold=True)
    _cell_line(right, _("Independence - Freedom - Happiness"), size=BODY_SIZE, bold=True)
    _cell_line(right, "_______________________", size=HEADER_SIZE)
    _cell_line(right, head.place_date, size=BODY_SIZE, italic=True)


def _title(document, report):
    _paragraph(document)
    _paragraph(document, _("REPORT"), align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _paragraph(document, report.title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    if report.territory:
        _paragraph(document, report.territory, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    _paragraph(document, "_______", align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, report.span, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    if report.as_of_text:
        _paragraph(document, report.as_of_text, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True)
    _paragraph(document)


def _body_paragraph(document, text, *, bold=False, indent=INDENT):
    paragraph = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, bold=bold)
    paragraph.paragraph_format.first_line_indent = indent
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.line_spacing = 1.15
    return paragraph


def _sections(document, report):
    for section in report.sections:
        _body_paragraph(document, f"{section.number}. {section.title.upper()}", bold=True)
        if not section.headings:
            _body_paragraph(document, _("No figures for this period."))
        for heading in section.headings:
            _body_paragraph(document, f"{heading.number}. {heading.title}", bold=True)
            for figure in heading.figures:
                bullet, indent = ("+", SUB_INDENT) if figure.level else ("-", INDENT)
                _body_paragraph(document, f"{bullet} {figure.sentence}", indent=indent)


def _signature(document, report):
    head = report.letterhead
    _paragraph(document)
    left, right = _borderless_table(document, (Cm(8), Cm(8)))
    _cell_line(
        left,
        _("Recipients:"),
        first=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        size=Pt(12),
        bold=True,
        italic=True,
    )
    for line in head.recipients:
        _cell_line(left, line, align=WD_ALIGN_PARAGRAPH.LEFT, size=Pt(11))
    _cell_line(right, head.signer, first=True, bold=True)


def render_docx(report) -> bytes:
    document = Document()
    _page(document)
    _language(document)
    core = document.core_properties
    core.title, core.comments = report.title, ""
    core.author = core.last_modified_by = head_author(report)
    _letterhead(document, report)
    _title(document, report)
    _sections(document, report)
    _signature(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def head_author(report) -> str:
    """The issuing body, never the signed-in person: documents travel outside the portal."""
    return report.letterhead.issuer
