"""Sections I and II follow a ward's movement report (issue 14, item 8): the situation by kind
of case, then commitments, self-management models, cameras, tips and the cases they solved,
extractions, weapons, mediation, reintegration, the Law 30/2023 force and its appraisal,
recognition and grading, hotspots, e-ID and commendations — each heading only when it has a
figure in either period, or must be said ("no very serious case" is news)."""

import datetime as dt

import pytest

from reports.documents.content import build_report
from reports.documents.render_docx import render_docx
from reports.figures.scope import ReportScope
from tests.reports.test_documents import docx_text
from wardsecurity.period_spec import parse_period

PERIOD = parse_period("year:2025")
WARD = ReportScope(
    spec="ward:16561", kind="ward", name="Phường Tĩnh Gia", province_name="Tỉnh Thanh Hóa"
)


def entry(value, previous):
    return {"value": value, "previous": previous, "change": value - previous, "change_pct": None}


# One figure per heading of section II, in the order a ward writes them.
MOVEMENT_ORDER = [
    ("households", "Địa bàn và dân cư"),
    ("outreach_sessions", None),
    ("commitments_signed", None),
    ("self_management_models", "Mô hình tự quản về an ninh, trật tự"),
    ("cameras_active", None),
    ("tips_received", "Tin báo của nhân dân và vụ việc giải quyết qua tin báo"),
    ("video_extractions", "Trích xuất dữ liệu camera phục vụ điều tra, xử lý"),
    ("weapons.firecracker", None),
    ("mediation_received", None),
    ("reintegration_managed", None),
    ("patrols", "Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở"),
    ("recognised_groups_pct", "Công nhận đạt chuẩn an toàn về an ninh, trật tự"),
    ("grades_group.excellent", None),
    ("hotspots_active", None),
    ("chip_cards", None),
    ("commendations_individual", "Khen thưởng"),
]


def stats(keys):
    metrics = {"incidents": entry(4, 6), "criminal_cases_grave": entry(0, 0)}
    metrics.update({key: entry(3, 2) for key in keys})
    return {
        "scope": {"kind": "ward", "code": "16561"},
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "compare": {"start": "2024-01-01", "end": "2024-12-31"},
        "as_of": "2026-01-05T08:00:00+07:00",
        "metrics": metrics,
        "breakdown": [],
    }


def report(keys):
    return build_report(stats=stats(keys), scope=WARD, period=PERIOD, issued_on=dt.date(2026, 1, 5))


def heading_of(section):
    return {figure.key: heading.title for heading in section.headings for figure in heading.figures}


def test_section_two_follows_the_order_of_a_ward_s_movement_report():
    situation, movement = report([key for key, _title in MOVEMENT_ORDER]).sections
    headings = heading_of(movement)
    titles = [headings[key] for key, _title in MOVEMENT_ORDER]
    # Each figure under its own heading, the headings in the report's order.
    assert titles == [heading.title for heading in movement.headings]
    for key, title in MOVEMENT_ORDER:
        if title is not None:
            assert headings[key] == title, key
    # Tips and hotspots are part of the movement's results now, not of the situation.
    assert "tips_received" not in heading_of(situation)
    assert "hotspots_active" not in heading_of(situation)


def test_headings_without_figures_are_left_out_but_the_required_lines_stay():
    situation, movement = report(["households", "patrols"]).sections
    assert [heading.title for heading in movement.headings] == [
        "Địa bàn và dân cư",
        "Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở",
    ]
    # "Không để xảy ra án rất nghiêm trọng, đặc biệt nghiêm trọng" is printed when nil.
    assert "criminal_cases_grave" in heading_of(situation)


@pytest.mark.django_db
def test_the_docx_prints_the_new_headings_in_order():
    _document, text = docx_text(render_docx(report([key for key, _title in MOVEMENT_ORDER])))
    positions = [text.index(title) for _key, title in MOVEMENT_ORDER if title is not None]
    assert positions == sorted(positions)
    assert "Ca trực, tuần tra: 3 ca" in text
