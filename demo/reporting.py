"""The reporting chain in the demo (issue 13): a year of monthly reports of the Nam Định cluster.

Each of the cluster's eight wards has its reports for the last 12 monthly periods of the
reporting calendar that have ended by today (``django.utils.timezone``, so the story stays true
on whatever day the demo is loaded): most drafted, submitted on time and accepted; some sent
after the due date; a few returned by the province with a comment (some corrected and accepted
since, some still with the ward); a couple of drafts; a few reports never sent. ``STORY`` says
which, ward by ward; the rest (times, figures, signers, numbers) comes from a seeded random
source per ward and period.

Every report is written through the chain's services, as the ward's police officer
(``police.<ward>``) and the province reviewer (``reviewer.ninhbinh``): drafted from the figures
(``period_report_create``), manual indicators entered (``manual_indicator_values_save``),
submitted (snapshot frozen, period closed), returned, submitted again, accepted. Each step runs
on the demo clock (``demo_clock``) at the moment it is told to have happened, so every time the
services stamp — the report's ``submitted_at``/``first_submitted_at``/``reviewed_at``, the
transitions' ``at`` (an append-only table: it could not be back-dated afterwards), the
snapshot's ``taken_at`` (covered by its digest), the closed periods' creation and reopening —
is that moment, and they agree with one another. A step whose moment is still to come is not
taken (a report of the period that has just ended may still be a draft or awaiting review).

Idempotent: a ward's reports are made only when the ward has none yet, so a second run changes
nothing, and a ward whose officers have started sending real reports is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation

from demo.common import (
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    SEED,
    SURNAMES,
    DemoUser,
    Role,
    Scope,
)
from demo.nam_dinh import CLUSTER_WARDS
from demo.nam_dinh import CODE as NAM_DINH
from demo.tinh_gia import CODE as TINH_GIA
from households.models import Ward
from reporting import services
from reporting.models import (
    ManualIndicator,
    PeriodKind,
    PeriodReport,
    ReportSchedule,
    period_spec,
    reporting_period,
)
from wardsecurity.models import User
from wardsecurity.period_spec import REPORTING, month_of

MONTHS = 12

# The ward police officer of each ward of the cluster (who drafts and submits its reports).
OFFICERS = (
    (NAM_DINH, "police.namdinh", "Trần Quang", "Huy"),
    ("13684", "police.thientruong", "Đỗ Văn", "Hải"),
    ("13693", "police.donga", "Phạm Minh", "Tuấn"),
    ("13699", "police.thanhnam", "Vũ Thị", "Hạnh"),
    ("13708", "police.myloc", "Lê Hữu", "Nghĩa"),
    ("13777", "police.truongthi", "Ngô Đức", "Thắng"),
    ("13972", "police.vikhe", "Bùi Văn", "Kiên"),
    ("13984", "police.hongquang", "Đinh Thị", "Loan"),
)
POLICE = {
    code: DemoUser(username, Role.WARD_POLICE, Scope.WARD, last, first, code)
    for code, username, last, first in OFFICERS
}
# The province reviewers: Ninh Bình (the cluster's province since 1 July 2025) reviews the
# cluster's reports; Thanh Hóa's (Tĩnh Gia's province) sees none of them.
REVIEWER = DemoUser(
    "reviewer.ninhbinh", Role.PROVINCE_REVIEWER, Scope.PROVINCE, "Hoàng Văn", "Sơn",
    province_of=NAM_DINH,
)  # fmt: skip
REVIEWER_THANH_HOA = DemoUser(
    "reviewer.thanhhoa", Role.PROVINCE_REVIEWER, Scope.PROVINCE, "Lê Thị Thanh", "Hương",
    province_of=TINH_GIA,
)  # fmt: skip
USERS = (*POLICE.values(), REVIEWER, REVIEWER_THANH_HOA)

# What happens to a report. ON_TIME: submitted by the due date and accepted.
ON_TIME = "on_time"
LATE = "late"  # first submitted after the due date, then accepted
SUBMITTED = "submitted"  # submitted on time, not reviewed yet
RETURNED = "returned"  # submitted, returned with a comment, not sent again yet
CORRECTED = "corrected"  # returned, corrected, submitted again and accepted
DRAFT = "draft"  # drafted, not submitted
MISSING = "missing"  # no report at all

# The story, ward by ward: period 1 is the latest that has ended, 12 the oldest. Unnamed
# periods are ON_TIME. Nam Định is the model ward; Mỹ Lộc and Vị Khê struggle.
STORY: dict[str, dict[int, str]] = {
    NAM_DINH: {1: SUBMITTED},
    "13684": {4: LATE},  # Thiên Trường
    "13693": {1: RETURNED, 6: CORRECTED},  # Đông A
    "13699": {1: DRAFT, 3: LATE, 8: LATE, 11: LATE},  # Thành Nam
    "13708": {1: MISSING, 2: RETURNED, 5: LATE, 9: MISSING},  # Mỹ Lộc
    "13777": {1: SUBMITTED, 7: CORRECTED},  # Trường Thi
    "13972": {1: DRAFT, 2: LATE, 10: MISSING, 12: MISSING},  # Vị Khê
    "13984": {3: CORRECTED, 5: LATE},  # Hồng Quang
}

# Why the province returns a report (the reviewer's comment, in Vietnamese).
RETURN_COMMENTS = (
    "Đề nghị bổ sung số buổi tuần tra, kiểm soát và số lượt người tham gia trong tháng; mục III "
    "chưa nêu rõ nguyên nhân của tồn tại, hạn chế.",
    "Số tin, bài phát trên hệ thống loa truyền thanh chưa khớp với báo cáo của Đảng ủy phường; "
    "đề nghị rà soát lại số liệu và gửi lại báo cáo.",
    "Báo cáo còn thiếu phương hướng, nhiệm vụ tháng tới (mục IV); đề nghị bổ sung, hoàn thiện "
    "và gửi lại trước ngày giao ban.",
    "Đề nghị làm rõ số vụ việc về trật tự xã hội so với cùng kỳ và các biện pháp khắc phục đã "
    "triển khai tại các tổ dân phố.",
)
DIRECTIONS = (
    "Tiếp tục duy trì tuần tra, kiểm soát vào các khung giờ cao điểm; nắm chắc tình hình tại "
    "các tổ dân phố, kịp thời giải quyết vụ việc ngay từ cơ sở.",
    "Đẩy mạnh tuyên truyền phòng, chống tội phạm lừa đảo qua mạng trên hệ thống loa truyền thanh "
    "và các nhóm Zalo của tổ dân phố.",
    "Phối hợp với Mặt trận Tổ quốc phường kiện toàn, tập huấn lực lượng tham gia bảo vệ an ninh, "
    "trật tự ở cơ sở.",
)
PROPOSAL = (
    "Đề nghị Công an tỉnh tiếp tục hỗ trợ kinh phí lắp đặt camera an ninh tại các tuyến đường "
    "trọng điểm của phường."
)
HEAD_TITLES: dict[str, str] = {
    Ward.Kind.PHUONG.value: "TRƯỞNG CÔNG AN PHƯỜNG",
    Ward.Kind.XA.value: "TRƯỞNG CÔNG AN XÃ",
    Ward.Kind.DAC_KHU.value: "TRƯỞNG CÔNG AN ĐẶC KHU",
}
# How the grassroots forces' activity scales with the ward (Nam Định is the old city centre).
SCALE = {NAM_DINH: 1.6, "13684": 1.2, "13693": 1.0, "13699": 1.1, "13708": 0.8}


@contextmanager
def demo_clock(moment: dt.datetime) -> Iterator[None]:
    """Demo back-dating: the services run as if it were ``moment``.

    They stamp ``timezone.now()``; a report of last January must say it was submitted in
    January, and the transition rows are append-only, so the time cannot be corrected
    afterwards. Only this module uses it, inside ``load_demo``'s transaction, in a management
    command; the database's own clock (history events, an update's ``updated_at``) says when
    the demo was loaded, which is true.
    """
    real = timezone.now
    timezone.now = lambda: moment  # demo back-dating
    try:
        yield
    finally:
        timezone.now = real


def recent_periods(today: dt.date, count: int = MONTHS) -> list[str]:
    """The ``count`` monthly reporting periods that ended before ``today``, latest first."""
    year, month = month_of(today, REPORTING)  # the period still running today
    specs = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        specs.append(period_spec(PeriodKind.MONTH, year, month))
    return specs


@dataclass(frozen=True)
class Cast:
    """Who writes one ward's reports: its officer, the head of its police and the deputy who
    signs for him now and then."""

    ward: Ward
    police: User
    head: str
    deputy: str


def person(rng: random.Random, female: bool) -> str:
    surname = rng.choices([s for s, _ in SURNAMES], [w for _, w in SURNAMES])[0]
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    return f"{surname} {middle} {rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)}"


def at(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment of office hours on ``day`` (local time)."""
    clock = dt.time(rng.randint(7, 16), rng.choice((0, 10, 20, 30, 40, 50)))
    return timezone.make_aware(dt.datetime.combine(day, clock))


def indicator_values(rng: random.Random, ward_code: str, period_end: dt.date) -> dict[str, int]:
    """The month's manual indicators: patrols, outreach, trainings, events."""
    scale = SCALE.get(ward_code, 0.9)

    def around(low: int, high: int) -> int:
        return round(rng.randint(low, high) * scale)

    patrols = around(18, 34)
    trainings = rng.choice((0, 0, 0, 1, 1, 2))
    return {
        "patrols": patrols,
        "patrol_participants": patrols * rng.randint(4, 7),
        "residence_checks": around(25, 110),
        "loudspeaker_broadcasts": around(8, 24),
        "leaflets": around(4, 30) * 50,
        "banners": rng.randint(0, 10),
        "social_posts": around(6, 28),
        "trainings": trainings,
        "training_attendees": trainings * rng.randint(30, 80),
        # 19 August, "Ngày hội toàn dân bảo vệ an ninh Tổ quốc", falls in the reporting month
        # that ends on 14 September.
        "festival_days": 1 if period_end.month == 9 else 0,
        "feedback_conferences": 1 if period_end.month in (3, 6, 9, 12) else 0,
        "security_briefings": rng.randint(1, 2),
    }


@dataclass(frozen=True)
class Chain:
    """The reports of one ward, step by step, each at its moment on the demo clock."""

    cast: Cast
    reviewer: User
    now: dt.datetime
    due_days: int
    catalogue: frozenset[str]

    def build(self, spec: str, fate: str, number: int) -> str:
        """Make the ward's report for ``spec``; return the state it was left in."""
        if fate == MISSING:
            return MISSING
        ward, police = self.cast.ward, self.cast.police
        rng = random.Random(f"{SEED}:reporting:{ward.code}:{spec}")
        period = reporting_period(spec)
        due = period.end + dt.timedelta(days=self.due_days)
        # Drafted a day or two after the period ends (a late ward only on the due date) ...
        drafted = at(rng, min(due, period.end + dt.timedelta(days=rng.randint(1, 2))))
        if fate == LATE:
            drafted = at(rng, due)
            submit_day = due + dt.timedelta(days=rng.randint(1, 9))
        else:
            submit_day = min(due, drafted.date() + dt.timedelta(days=rng.randint(0, 2)))
        # ... submitted (on the document's date), then reviewed a day to three later.
        submitted = max(at(rng, submit_day), drafted + dt.timedelta(minutes=40))
        reviewed = at(rng, submitted.date() + dt.timedelta(days=rng.randint(1, 3)))
        # The head of the ward's police signs; now and then the deputy signs for him (KT.).
        head = HEAD_TITLES.get(str(ward.kind), HEAD_TITLES[Ward.Kind.PHUONG.value])
        deputy = rng.random() < 0.3
        data = {
            "ward": ward.pk,
            "period": spec,
            "number": str(number),
            "signer_form": PeriodReport.SignerForm.KT if deputy else "",
            "signer_for_title": head if deputy else "",
            "signer_title": f"PHÓ {head}" if deputy else head,
            "signer_name": self.cast.deputy if deputy else self.cast.head,
        }
        if fate != DRAFT and self.happened(submitted):
            data["issued_on"] = submitted.date()
        if rng.random() < 0.4:
            data["proposals"] = PROPOSAL
        values = indicator_values(rng, ward.code, period.end)
        with demo_clock(min(drafted, self.now)):
            report = services.period_report_create(actor=police, data=data)
            # The ward enters what it did; an indicator with nothing to report stays blank.
            services.manual_indicator_values_save(
                actor=police,
                ward=ward,
                period=spec,
                values={code: n for code, n in values.items() if n and code in self.catalogue},
            )
        if fate == DRAFT or not self.happened(submitted):
            return str(report.state)
        with demo_clock(submitted):
            report = services.period_report_submit(actor=police, instance=report)
        if fate == SUBMITTED or not self.happened(reviewed):
            return str(report.state)
        if fate in (RETURNED, CORRECTED):
            comment = rng.choice(RETURN_COMMENTS)
            with demo_clock(reviewed):
                report = services.period_report_return(
                    actor=self.reviewer, instance=report, comment=comment
                )
            corrected = at(rng, reviewed.date() + dt.timedelta(days=rng.randint(1, 2)))
            if fate == RETURNED or not self.happened(corrected):
                return str(report.state)
            with demo_clock(corrected):
                report = services.period_report_update(
                    actor=police,
                    instance=report,
                    data={"issued_on": corrected.date(), "directions": rng.choice(DIRECTIONS)},
                )
                report = services.period_report_submit(actor=police, instance=report)
            reviewed = at(rng, corrected.date() + dt.timedelta(days=1))
            if not self.happened(reviewed):
                return str(report.state)
        with demo_clock(reviewed):
            report = services.period_report_accept(actor=self.reviewer, instance=report)
        return str(report.state)

    def happened(self, moment: dt.datetime) -> bool:
        """Whether a step planned at ``moment`` has happened by now."""
        return moment <= self.now


def load_reports(wards: dict[str, Ward], users: dict[str, User]) -> dict[Ward, str]:
    """The cluster's reports of the last 12 months; one status line per ward of the cluster."""
    now = timezone.now()
    periods = recent_periods(timezone.localdate(now))
    schedule = ReportSchedule.objects.filter(kind=PeriodKind.MONTH).first()
    due_days = schedule.due_days if schedule else 0
    active = ManualIndicator.objects.filter(active=True)
    catalogue = frozenset(active.values_list("code", flat=True))
    reviewer = users[REVIEWER.username]
    status = {}
    for code in CLUSTER_WARDS:
        ward = wards[code]
        if PeriodReport.objects.filter(ward=ward).exists():
            status[ward] = "reports already started, left as is"
            continue
        rng = random.Random(f"{SEED}:reporting:{code}")
        cast = Cast(ward, users[POLICE[code].username], person(rng, False), person(rng, False))
        chain = Chain(cast, reviewer, now, due_days, catalogue)
        story = STORY.get(code, {})
        states: Counter[str] = Counter()
        number = rng.randint(5, 20)
        with transaction.atomic(), translation.override("vi"):
            for index in range(len(periods), 0, -1):  # the oldest first, as they happened
                spec = periods[index - 1]
                if spec.endswith("-01"):  # the numbering starts again with the year
                    number = rng.randint(1, 6)
                states[chain.build(spec, story.get(index, ON_TIME), number)] += 1
                number += rng.randint(4, 12)  # the ward's other documents of the month
        status[ward] = ", ".join(f"{state} {n}" for state, n in sorted(states.items()))
    return status
