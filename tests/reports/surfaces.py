"""Reading the figures back from every surface that shows them, to compare them with the API.

Each reader returns ``{key: Shown}``: what one surface says of a metric for one slot (the
scope, a ward, a residential group, a month), parsed back from the text or the cell a person
reads. ``assert_same`` checks every shown figure against the stats API's answer.
"""

import csv
import html
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from docx import Document
from openpyxl import load_workbook

from reports.dashboard.content import RANKING, TILES, TRENDS
from reports.documents.layout import SECTIONS

NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]{3})*(?:,[0-9]+)?")
NO_DATA = "chưa có số liệu cùng kỳ"
HIDDEN = "ẩn"  # a small cell of police records, hidden (reports.statistics.disclosure)
SAME = "bằng cùng kỳ"
PHRASE = re.compile(f", (tăng |giảm |{SAME}|{NO_DATA})")


@dataclass(frozen=True)
class Shown:
    """A figure as a surface shows it: its value, and what it says of the same period."""

    value: Decimal | None
    previous: Decimal | str | None = "?"  # "?": the surface does not show it
    change: Decimal | str | None = "?"
    no_data: bool | str = "?"  # says "no data for the same period"


def shown_number(text: str) -> Decimal | None:
    """``1.234`` → 1234, ``96,8%`` → 96.8, ``1.234.567 đồng`` → 1234567; ``–`` → None."""
    text = (text or "").strip()
    if text in ("", "–"):
        return None
    match = NUMBER.match(text)
    assert match, text
    return Decimal(match.group().replace(".", "").replace(",", "."))


def phrase_change(phrase: str) -> Decimal | str | None:
    """The change a comparison phrase states (its size; the sign from "tăng"/"giảm")."""
    if not phrase:
        return "?"
    if phrase.lower().startswith(NO_DATA):
        return None
    if phrase.lower().startswith(SAME):
        return Decimal(0)
    match = re.match(r"(tăng|giảm) ([0-9.,]+)", phrase.lower())
    assert match, phrase
    amount = shown_number(match.group(2))
    return amount if match.group(1) == "tăng" else -amount


def number(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def assert_same(where: str, shown: dict, api: dict) -> None:
    """Every figure ``shown`` is the API's: value, and the same period when it is shown."""
    assert shown, f"{where}: no figure read back"
    for key, figure in shown.items():
        entry = api[key]
        label = f"{where} {key}"
        assert figure.value == number(entry["value"]), (label, figure, entry)
        if figure.previous != "?":
            assert figure.previous == number(entry["previous"]), (label, figure, entry)
        if figure.change != "?":
            assert figure.change == number(entry["change"]), (label, figure, entry)
        if figure.no_data != "?":
            expected = entry["previous"] is None and "no_previous" in entry
            assert figure.no_data == expected, (label, figure, entry)


# The period report --------------------------------------------------------------------------


def layout_labels() -> dict[str, str]:
    """{a report line's label: its metric key}, in the active language."""
    labels = {}
    for section in SECTIONS:
        for heading in section.headings:
            for item in heading.items:
                if item.choices is None:
                    labels[str(item.label)] = item.key
                    continue
                for value, choice in item.choices.choices:
                    text = choice if item.key == "incidents." else f"{item.label} – {choice}"
                    labels[str(text)] = item.key + value
    return labels


def read_sentences(lines) -> dict:
    """Report lines "- Label: 5 vụ, giảm 13 vụ (72,2%) so với cùng kỳ." as figures."""
    labels = layout_labels()
    figures = {}
    for line in lines:
        line = line.strip()
        if not line.startswith(("- ", "+ ")) or ": " not in line:
            continue
        label, _sep, rest = line[2:].partition(": ")
        if label not in labels:
            continue
        rest = rest.removesuffix(".")
        # A unit may hold a comma ("tổ dân phố, thôn"): the phrase starts with its own words.
        found = PHRASE.search(rest)
        value_text, phrase = (
            (rest, "") if found is None else (rest[: found.start()], rest[found.start() + 2 :])
        )
        change = phrase_change(phrase)
        figures[labels[label]] = Shown(
            shown_number(value_text), change=change, no_data=change is None
        )
    return figures


def read_docx(content: bytes) -> dict:
    document = Document(io.BytesIO(content))
    return read_sentences(p.text for p in document.paragraphs)


def read_print(content: bytes) -> dict:
    items = re.findall(r"<li[^>]*>(.*?)</li>", content.decode(), flags=re.S)
    return read_sentences(html.unescape(re.sub(r"\s+", " ", item)) for item in items)


def read_xlsx(content: bytes) -> dict:
    labels = layout_labels()
    figures = {}
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=7, values_only=True):
            if row[0] not in labels:
                continue
            value, previous, change = (number(cell) for cell in row[1:4])
            phrase = row[6] or ""
            figures[labels[row[0]]] = Shown(
                value, previous, change, no_data=phrase.lower().startswith(NO_DATA)
            )
    return figures


def read_csv(content: bytes) -> dict:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    figures = {}
    for row in rows[1:]:
        value, previous, change = (Decimal(cell) if cell else None for cell in row[4:7])
        figures[row[2]] = Shown(value, previous, change, no_data=row[9].lower().startswith(NO_DATA))
    return figures


# The dashboard ------------------------------------------------------------------------------


def read_tiles(context) -> dict:
    keys = {key for key, _better in TILES}
    figures = {}
    for tile in context["tiles"]:
        assert tile.key in keys
        change = phrase_change(tile.comparison)
        figures[tile.key] = Shown(
            shown_number(tile.value),
            shown_number(tile.previous),
            change,
            no_data=change is None,
        )
    return figures


def read_table(rows) -> dict:
    """{row name: {key: Shown}} of the ward ranking or the group table (a hidden small cell,
    "ẩn", reads as no value: the API's entry has none either)."""
    table = {}
    for row in rows:
        figures = {}
        for key, cell in zip(RANKING, row["cells"], strict=True):
            change = phrase_change(cell["comparison"])
            if cell["value"] == HIDDEN:
                figures[key] = Shown(None, change=change)
                continue
            figures[key] = Shown(shown_number(cell["value"]), change=change)
        table[row["name"]] = figures
    return table


def read_trends(context) -> dict:
    """{month "mm/yyyy": {key: Shown}} of the trends table."""
    months = {}
    for row in context["trends"]["rows"]:
        assert row["month"] not in months, f"two rows of the trends are named {row['month']}"
        months[row["month"]] = {
            key: Shown(shown_number(value), shown_number(previous))
            for key, (value, previous) in zip(TRENDS, row["cells"], strict=True)
        }
    return months


# Every surface against the API ----------------------------------------------------------------

STATS, REPORTS, DASHBOARD = "/api/v1/stats/", "/api/v1/reports/", "/dashboard/"
READERS = {"docx": read_docx, "xlsx": read_xlsx, "csv": read_csv, "pdf": read_print}


def api(client, **params) -> dict:
    response = client.get(STATS, params)
    assert response.status_code == 200, response.content
    return response.json()


def month_name(period: dict) -> str:
    """The API's month of its calendar (``month:2022-05``) as a person names it: ``05/2022``."""
    year, month = period["spec"].removeprefix("month:").split("-")
    return f"{month}/{year}"


def check_ward_surfaces(client, *, scope: str, period: str, calendar: str) -> dict:
    """The stats API against the .docx, .xlsx, .csv and print report, the dashboard's tiles,
    group table and trends, for one ward. Returns the API's figures."""
    asked = {"scope": scope, "period": period, "calendar": calendar}
    figures = api(client, **asked)["metrics"]
    for fmt, read in READERS.items():
        response = client.get(REPORTS, {**asked, "format": fmt})
        assert response.status_code == 200, (fmt, response.content[:300])
        shown = read(response.content)
        assert_same(fmt, shown, figures)
        if fmt == "csv":  # every figure of the layout with something to say is in the file
            wanted = {
                key
                for key in layout_labels().values()
                # The documents print no line for a figure without a value in the period (a
                # rate with nothing to divide by), as reports.documents.content._figures says.
                if figures[key]["value"] is not None
                and any(figures[key][name] not in (None, 0) for name in ("value", "previous"))
            }
            assert wanted <= set(shown), wanted - set(shown)
    page = client.get(DASHBOARD, asked)
    assert page.status_code == 200
    assert_same("tiles", read_tiles(page.context), figures)
    groups = api(client, **asked, by="group", metrics=",".join(RANKING))["breakdown"]
    table = read_table(page.context["groups"])
    assert set(table) == {row["group"]["name"] for row in groups}
    for row in groups:
        assert_same(f"group {row['group']['name']}", table[row["group"]["name"]], row["metrics"])
    months = api(client, **asked, by="month", metrics=",".join(TRENDS))["breakdown"]
    trends = read_trends(page.context)
    assert set(trends) == {month_name(row["period"]) for row in months}
    for row in months:
        assert_same(f"month {month_name(row['period'])}", trends[month_name(row["period"])],
                    row["metrics"])  # fmt: skip
    return figures


def check_ranking(client, *, scope: str, period: str, calendar: str) -> None:
    """The stats API against the dashboard's tiles and ward ranking, for several wards."""
    asked = {"scope": scope, "period": period, "calendar": calendar}
    figures = api(client, **asked)["metrics"]
    page = client.get(DASHBOARD, asked)
    assert page.status_code == 200
    assert_same("tiles", read_tiles(page.context), figures)
    wards = api(client, **asked, by="ward", metrics=",".join(RANKING))["breakdown"]
    ranking = read_table(page.context["ranking"])
    assert set(ranking) == {row["ward"]["name"] for row in wards}
    for row in wards:
        assert_same(f"ward {row['ward']['name']}", ranking[row["ward"]["name"]], row["metrics"])
