"""Period reports with a known snapshot, for the documents' and notifications' tests."""

import datetime as dt

from django.utils import timezone

from reporting.models import PeriodReport

PERIOD = "month:2025-08"  # 15/07/2025 – 14/08/2025 on the reporting calendar, due 17/08/2025
DUE = dt.date(2025, 8, 17)
SIGNER = "Nguyễn Thị Ánh Tuyết"

TEXT = {
    "number": "12",
    "symbol": "BC-CAP",
    "issued_on": "2025-08-16",
    "place": "An Bình",
    "signer_form": "KT",
    "signer_for_title": "Trưởng Công an phường",
    "signer_title": "Phó Trưởng Công an phường",
    "signer_name": SIGNER,
    "recipients": "- Công an tỉnh (để báo cáo);\n- Đảng ủy, UBND phường;\n- Lưu: VT.",
    "situation_text": "Tình hình cơ bản ổn định.",
    "results_text": "Phong trào được duy trì.",
    "assessment": "Nhìn chung các chỉ tiêu đều đạt.",
    "shortcomings": "Việc xác minh tin báo còn chậm ở tổ dân phố số 3.",
    "directions": "Đẩy mạnh tuyên truyền vận động ký cam kết an toàn.",
    "proposals": "Đề nghị Công an tỉnh hỗ trợ kinh phí lắp đặt camera.",
}


def snapshot(ward, *, incidents=(5, 18), sessions=3, patrols=(4, 2), text=None) -> dict:
    """A snapshot as the submission freezes it (the chain's schema 1)."""
    value, previous = incidents
    change = value - previous
    return {
        "schema": 1,
        "taken_at": "2025-08-16T08:00:00+07:00",
        "ward": {"id": ward.pk, "code": ward.code, "name": ward.name},
        "province": {"id": ward.province_id, "name": ward.province.name},
        "period": {
            "spec": PERIOD,
            "start": "2025-07-15",
            "end": "2025-08-14",
            "calendar": "reporting",
            "label": "tháng 8/2025",
        },
        "compare": {"start": "2024-07-15", "end": "2024-08-14"},
        "as_of": "2025-08-16T07:59:00+07:00",
        "metrics": {
            "incidents": {
                "value": value,
                "previous": previous,
                "change": change,
                "change_pct": round(change * 100 / previous, 1) if previous else None,
            },
            "outreach_sessions": {
                "value": sessions,
                "previous": None,
                "change": None,
                "change_pct": None,
                "no_previous": "no_data",
            },
            "commitment_coverage_pct": {
                "value": 75.0,
                "previous": 50.0,
                "change": 25.0,
                "change_pct": 50.0,
                "numerator": 3,
                "denominator": 4,
            },
            "manual.patrols": {
                "value": patrols[0],
                "previous": patrols[1],
                "change": patrols[0] - patrols[1],
                "change_pct": 100.0,
            },
        },
        "indicators": {
            "patrols": {
                "label_vi": "Số buổi tuần tra",
                "label_en": "Patrols held",
                "unit": "session",
                "section": "patrol",
                "order": 1,
            }
        },
        "text": {**TEXT, **(text or {})},
    }


def submitted_report(ward, officer, *, state=PeriodReport.State.SUBMITTED, **snapshot_options):
    """Ward's report for August 2025, submitted (or accepted) with its frozen snapshot."""
    text = {**TEXT, **(snapshot_options.get("text") or {})}
    moment = timezone.make_aware(dt.datetime(2025, 8, 16, 8, 0))
    fields = {name: value for name, value in text.items() if name != "issued_on"}
    accepted = state == PeriodReport.State.ACCEPTED
    return PeriodReport.objects.create(
        ward=ward,
        period=PERIOD,
        issued_on=dt.date.fromisoformat(text["issued_on"]),
        state=state,
        submitted_at=moment,
        submitted_by=officer,
        first_submitted_at=moment,
        reviewed_at=moment if accepted else None,
        reviewed_by=officer if accepted else None,
        snapshot=snapshot(ward, **snapshot_options),
        **fields,
    )
