"""A ``Document`` as a Word file laid out per Decree 30/2020/NĐ-CP (appendix I).

A4 portrait, Times New Roman 13–14 pt; the heading in a two-column table whose columns have a
fixed width (a long ward or province name wraps inside its column, the layout never moves);
page numbers in the header from page 2 (the first page has its own, empty header); the
recipients beside the signature block, with room for the signature and seal above the name;
the language ``vi-VN`` in the styles and the document's own date in its properties.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx import Document as WordDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt

from reporting.documents.content import Document
from reports.documents.render_docx import BODY_SIZE, HEADER_SIZE, _font, _language, _page

INDENT, SUB_INDENT = Cm(1), Cm(1.5)
# The heading's columns (16.5 cm of text width between 30 mm and 15 mm margins).
HEADING_WIDTHS = (Cm(7.0), Cm(9.5))
SIGNATURE_WIDTHS = (Cm(8.0), Cm(8.5))
# Empty lines left for the handwritten signature and the seal.
SIGNATURE_ROOM = 4


def _line(container, text="", *, align=WD_ALIGN_PARAGRAPH.CENTER, first=False, **style):
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        _font(paragraph.add_run(text), **style)
    return paragraph


def _fixed_table(document, widths: Sequence[Length]):
    """A borderless one-row table whose column widths Word keeps (``w:tblLayout fixed``)."""
    table = document.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout w:type="fixed"
    properties = table._tbl.tblPr
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(sum(int(width.twips) for width in widths)))
    total.set(qn("w:type"), "dxa")
    existing = properties.find(qn("w:tblW"))
    if existing is not None:
        properties.remove(existing)
    # The schema's order: w:tblW comes before w:jc (the alignment set above).
    properties.find(qn("w:jc")).addprevious(total)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the w:gridCol
    for cell, width in zip(table.rows[0].cells, widths, strict=True):
        cell.width = width  # the w:tcW
    return table.rows[0].cells


def _heading(word, document: Document) -> None:
    left, right = _fixed_table(word, HEADING_WIDTHS)
    first = True
    if document.superior:
        _line(left, document.superior, first=True, size=HEADER_SIZE)
        first = False
    _line(left, document.issuer, first=first, size=HEADER_SIZE, bold=True)
    _line(left, "_______", size=HEADER_SIZE)
    _line(left, document.number, size=HEADER_SIZE)
    _line(right, _("SOCIALIST REPUBLIC OF VIETNAM"), first=True, size=HEADER_SIZE, bold=True)
    _line(right, _("Independence - Freedom - Happiness"), size=BODY_SIZE, bold=True)
    _line(right, "_______________________", size=HEADER_SIZE)
    _line(right, document.place_date, size=BODY_SIZE, italic=True)


def _title(word, document: Document) -> None:
    _line(word)
    if document.draft:
        _line(word, pgettext("document mark", "DRAFT"), bold=True, italic=True)
    _line(word, document.kind_title, bold=True)
    _line(word, document.subject, bold=True)
    _line(word, "_______")
    for note in document.notes:
        _line(word, note, italic=True, size=HEADER_SIZE)
    _line(word)


def _body(word, text, *, bold=False, indent=INDENT):
    paragraph = _line(word, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, bold=bold)
    paragraph.paragraph_format.first_line_indent = indent
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.line_spacing = 1.15
    return paragraph


def _chapters(word, document: Document) -> None:
    for chapter in document.chapters:
        _body(word, chapter.heading, bold=True)
        for number, part in enumerate(chapter.parts, start=1):
            _body(word, f"{number}. {part.title}", bold=True)
            for line in part.lines:
                bullet, indent = ("+", SUB_INDENT) if line.level else ("-", INDENT)
                _body(word, f"{bullet} {line.text}", indent=indent)
        for paragraph in chapter.paragraphs:
            _body(word, paragraph)
        if not chapter.parts and not chapter.paragraphs and chapter.empty:
            _body(word, chapter.empty)


def _signature(word, document: Document) -> None:
    _line(word)
    left, right = _fixed_table(word, SIGNATURE_WIDTHS)
    _line(
        left,
        _("Recipients:"),
        first=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        size=Pt(12),
        bold=True,
        italic=True,
    )
    for recipient in document.recipients:
        _line(left, recipient, align=WD_ALIGN_PARAGRAPH.LEFT, size=Pt(11))
    first = True
    for line in document.signature_lines:
        _line(right, line, first=first, bold=True)
        first = False
    for _room in range(SIGNATURE_ROOM):
        _line(right, first=first)
        first = False
    _line(right, document.signer_name, first=first, bold=True)


def _field_char(run, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run._r.append(char)


def _field(paragraph, instruction: str, shown: str) -> None:
    """A Word field (``PAGE``): begin, its instruction, separate, the shown result, end."""
    _field_char(_font(paragraph.add_run()), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    _font(paragraph.add_run())._r.append(code)
    _field_char(_font(paragraph.add_run()), "separate")
    _font(paragraph.add_run(shown))
    _field_char(_font(paragraph.add_run()), "end")


def _page_numbers(word) -> None:
    """Decree 30/2020: the page number centred in the top margin, from the second page."""
    section = word.sections[0]
    section.different_first_page_header_footer = True
    section.header_distance = Cm(1)
    section.first_page_header.is_linked_to_previous = False
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(paragraph, "PAGE", "2")


def _properties(word, document: Document) -> None:
    core = word.core_properties
    core.title = document.title
    core.subject = document.subject
    core.author = core.last_modified_by = document.issuer  # never the signed-in person
    core.comments = ""
    day = document.issued_on or timezone.localdate()
    moment = dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)
    core.created = core.modified = moment
    core.revision = 1


def render_docx(document: Document) -> bytes:
    """The .docx of ``document``, drawn in the active language (the document's)."""
    word = WordDocument()
    _page(word)
    _language(word)
    _page_numbers(word)
    _properties(word, document)
    _heading(word, document)
    _title(word, document)
    _chapters(word, document)
    _signature(word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
