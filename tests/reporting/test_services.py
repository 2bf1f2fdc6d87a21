"""The reporting chain's services: drafts, the state machine by role and scope, the snapshot,
closed periods, races and bad input (issue 13)."""

import datetime as dt
import itertools
import unicodedata

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from movement.services import outreach_session_update
from reporting import services as s
from reporting.models import (
    ManualIndicator,
    ManualIndicatorValue,
    PeriodReport,
    PeriodReportTransition,
)
from reports.statistics import rollup
from reports.statistics.selectors import stats_for
from tests import factories as f
from tests.reporting.conftest import COMPLETE, IN_PERIOD, PERIOD, SAME_PERIOD, current_period
from tests.service_matrix import Case, ServiceMatrix
from wardsecurity.models import ClosedPeriod
from wardsecurity.period_spec import REPORTING, parse_period
from wardsecurity.services import OutOfScope, StaleVersion

State = PeriodReport.State


def submitted(report, officer):
    return s.period_report_submit(actor=officer, instance=report)


_MONTHS = itertools.count()


def _period_report(ward):
    """A draft of ``ward`` for one of the months of 2024 (a new one each time)."""
    return PeriodReport.objects.create(ward=ward, period=f"month:2024-{next(_MONTHS) % 12 + 1:02d}")


def _manual_value(ward):
    return ManualIndicatorValue.objects.create(
        ward=ward, indicator=ManualIndicator.objects.get(code="leaflets"), period=PERIOD, value=5
    )


class TestReportingWritesByRoleAndScope(ServiceMatrix):
    """Drafts and manual values: ward police and clerks of the ward, administrators anywhere."""

    cases = [
        Case(
            model=PeriodReport,
            create=s.period_report_create,
            update=s.period_report_update,
            delete=s.period_report_delete,
            factory=_period_report,
            data=lambda ward: {"ward": ward.pk, "period": PERIOD, "number": "3"},
            change={"number": "4", "shortcomings": "Còn 12 hộ chưa ký cam kết."},
        ),
        Case(
            model=ManualIndicatorValue,
            create=s.manual_indicator_value_create,
            update=s.manual_indicator_value_update,
            delete=s.manual_indicator_value_delete,
            factory=_manual_value,
            data=lambda ward: {
                "ward": ward.pk,
                "indicator": ManualIndicator.objects.get(code="patrols").pk,
                "period": PERIOD,
                "value": 14,
            },
            change={"value": 15},
        ),
    ]


# Drafts ----------------------------------------------------------------------------------------


def test_a_new_draft_is_prefilled_from_the_figures(clerk_a, ward_a):
    f.OutreachSessionFactory(ward=ward_a, held_on=IN_PERIOD)
    for day in (1, 2, 3, 4, 5):
        f.OutreachSessionFactory(ward=ward_a, held_on=SAME_PERIOD.replace(day=day))
    rollup.process_dirty()
    report = s.period_report_create(
        actor=clerk_a, data={"ward": ward_a.pk, "period": "tháng 8/2025"}
    )
    assert report.state == State.DRAFT
    assert report.period == PERIOD and report.kind == "month"
    assert (report.period_start, report.period_end) == (dt.date(2025, 7, 15), dt.date(2025, 8, 14))
    assert report.due_on == dt.date(2025, 8, 17)  # the seeded monthly deadline: 3 days
    # The fall of outreach sessions (1 against 5) is drafted as a shortcoming, with a direction.
    assert "Số buổi tuyên truyền: 1 buổi, giảm 4 buổi (80,0%)" in report.shortcomings
    assert "Buổi tuyên truyền" in report.directions or "tuyên truyền" in report.directions.lower()
    assert report.place == "An Bình"
    assert report.recipients.splitlines()[0].startswith("- ")


def test_missed_commitment_coverage_is_drafted_as_a_shortcoming(officer_a, ward_a):
    group = f.ResidentialGroupFactory(ward=ward_a)
    signed = f.HouseholdFactory(group=group)
    f.HouseholdFactory(group=group)
    period = current_period()
    year = int(period[6:10])
    f.CommitmentFactory(household=signed, year=year, kind="safe_area_registration")
    rollup.process_dirty()
    report = s.period_report_create(actor=officer_a, data={"ward": ward_a.pk, "period": period})
    assert "đạt 50,0% (1/2 hộ); còn 1 hộ chưa ký" in report.shortcomings
    assert "cam kết" in report.directions


def test_one_report_per_ward_and_period(draft, officer_a, ward_a):
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_create(actor=officer_a, data={"ward": ward_a.pk, "period": "tháng 8/2025"})
    assert "period" in exc_info.value.message_dict or "__all__" in exc_info.value.message_dict


@pytest.mark.parametrize(
    "period", ["ytd:2025-08-01", "range:2025-01-01..2025-01-31", "months:2025:8", "tháng 13/2025"]
)
def test_a_report_is_for_a_reporting_period_only(officer_a, ward_a, period):
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_create(actor=officer_a, data={"ward": ward_a.pk, "period": period})
    assert "period" in exc_info.value.message_dict


def test_the_narrative_keeps_vietnamese_intact(draft, clerk_a):
    text = "Tổ dân phố số 3 – “Ngày hội toàn dân bảo vệ ANTQ” đã tổ chức thành công.\n\tĐạt 100%."
    decomposed = unicodedata.normalize("NFD", text)
    report = s.period_report_update(actor=clerk_a, instance=draft, data={"proposals": decomposed})
    report.refresh_from_db()
    assert report.proposals == text  # NFC, tab and line break kept


@pytest.mark.parametrize("bad", ["Báo cáo\x00", "Báo\x07cáo", "Báo cáo\u202eđảo"])
def test_the_narrative_refuses_control_characters(draft, clerk_a, bad):
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_update(actor=clerk_a, instance=draft, data={"assessment": bad})
    assert "assessment" in exc_info.value.message_dict
    draft.refresh_from_db()
    assert draft.version == 1


def test_the_narrative_is_limited_in_length(draft, clerk_a):
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_update(actor=clerk_a, instance=draft, data={"directions": "a" * 20_001})
    assert "20000" in " ".join(exc_info.value.message_dict["directions"])
    s.period_report_update(actor=clerk_a, instance=draft, data={"directions": "a" * 20_000})


def test_state_and_snapshot_cannot_be_written(draft, officer_a):
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_update(
            actor=officer_a,
            instance=draft,
            data={"state": "accepted", "snapshot": {}, "submitted_at": "2025-08-15T10:00"},
        )
    assert set(exc_info.value.message_dict) == {"state", "snapshot", "submitted_at"}


def test_the_period_cannot_change(draft, officer_a):
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_update(actor=officer_a, instance=draft, data={"period": "month:2025-09"})
    assert "period" in exc_info.value.message_dict


# Submitting ------------------------------------------------------------------------------------


def test_a_submission_with_fields_missing_names_them(officer_a, ward_a):
    report = s.period_report_create(
        actor=officer_a,
        data={"ward": ward_a.pk, "period": PERIOD, "signer_title": "", "recipients": ""},
        prefill=False,
    )
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_submit(actor=officer_a, instance=report)
    assert set(exc_info.value.message_dict) == {
        "number",
        "symbol",
        "issued_on",
        "place",
        "signer_title",
        "signer_name",
        "recipients",
    }
    report.refresh_from_db()
    assert report.state == State.DRAFT and report.snapshot is None
    assert not ClosedPeriod.objects.exists()


def test_signing_for_needs_the_title_signed_for(draft, officer_a):
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_update(actor=officer_a, instance=draft, data={"signer_form": "KT"})
    assert "signer_for_title" in str(exc_info.value) or "__all__" in exc_info.value.message_dict
    report = s.period_report_update(
        actor=officer_a,
        instance=draft,
        data={
            "signer_form": "KT",
            "signer_for_title": "Trưởng Công an phường",
            "signer_title": "Phó Trưởng Công an phường",
        },
    )
    assert report.signature_lines == ["KT. TRƯỞNG CÔNG AN PHƯỜNG", "PHÓ TRƯỞNG CÔNG AN PHƯỜNG"]


def test_submitting_freezes_the_figures_closes_the_period_and_records_who(
    draft, officer_a, ward_a, patrols
):
    f.OutreachSessionFactory(ward=ward_a, held_on=IN_PERIOD, attendees=80)
    f.OutreachSessionFactory(ward=ward_a, held_on=SAME_PERIOD, attendees=50)
    s.manual_indicator_values_save(
        actor=officer_a, ward=ward_a, period=PERIOD, values={"patrols": "14"}
    )
    s.manual_indicator_values_save(
        actor=officer_a, ward=ward_a, period="month:2024-08", values={"patrols": 10}
    )
    report = submitted(draft, officer_a)  # the rollup is brought up to date by the submission

    assert report.state == State.SUBMITTED
    assert report.submitted_by == officer_a and report.submitted_at is not None
    assert report.first_submitted_at == report.submitted_at
    figures = report.snapshot["metrics"]
    assert figures["outreach_attendees"]["value"] == 80
    assert figures["outreach_attendees"]["previous"] == 50
    assert figures["manual.patrols"] == {
        **figures["manual.patrols"],
        "value": 14,
        "previous": 10,
        "change": 4,
        "change_pct": 40.0,
    }
    assert figures["manual.patrols"]["label"] == "Buổi tuần tra, kiểm soát bảo đảm ANTT"
    assert report.snapshot["indicators"]["patrols"]["unit"] == "session"
    assert report.snapshot["text"]["number_symbol"] == "12/BC-CAP"
    assert report.snapshot["period"]["spec"] == PERIOD

    closed = ClosedPeriod.objects.get(ward=ward_a)
    assert (closed.start, closed.end) == (dt.date(2025, 7, 15), dt.date(2025, 8, 14))
    assert list(report.closed_periods.all()) == [closed]
    transition = PeriodReportTransition.objects.get(report=report)
    assert (transition.action, transition.from_state, transition.to_state) == (
        "submit",
        "draft",
        "submitted",
    )
    assert transition.actor == officer_a
    assert transition.snapshot == report.snapshot
    assert transition.snapshot_digest == report.snapshot_digest != ""


def test_later_edits_never_change_a_submitted_snapshot(officer_a, ward_a):
    today = timezone.localdate()
    report = s.period_report_create(
        actor=officer_a, data={"ward": ward_a.pk, "period": current_period(), **COMPLETE}
    )
    session = f.OutreachSessionFactory(ward=ward_a, held_on=today, attendees=80)
    f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward_a))
    report = submitted(report, officer_a)
    frozen = report.snapshot
    assert frozen["metrics"]["households"]["value"] == 1
    assert frozen["metrics"]["outreach_attendees"]["value"] == 80

    # A record dated in the period is refused: the period is closed for the ward.
    with pytest.raises(ValidationError) as exc_info:
        outreach_session_update(actor=officer_a, instance=session, data={"attendees": 999})
    assert exc_info.value.error_dict["held_on"][0].code == "period_closed"
    # Undated records (households) may change, and the live figures follow them; the snapshot
    # does not.
    f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward_a))
    rollup.process_dirty()
    live = stats_for(
        user=officer_a,
        scope=f"ward:{ward_a.code}",
        period=report.reporting_period,
        metrics=["households"],
    )
    assert live["metrics"]["households"]["value"] == 2
    report.refresh_from_db()
    assert report.snapshot == frozen
    # The text is frozen too: the draft fields cannot change while submitted.
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_update(actor=officer_a, instance=report, data={"proposals": "Thêm"})
    assert exc_info.value.code == "state"
    report.refresh_from_db()
    assert report.snapshot == frozen and report.proposals == ""


def test_only_ward_police_submit(draft, clerk_a, viewer_city, reviewer, officer_b, admin_user):
    for actor in (clerk_a, viewer_city, reviewer):
        with pytest.raises(PermissionDenied):
            s.period_report_submit(actor=actor, instance=draft)
    with pytest.raises(OutOfScope):  # another ward's officer does not learn it exists
        s.period_report_submit(actor=officer_b, instance=draft)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert s.period_report_submit(actor=admin_user, instance=draft).state == State.SUBMITTED


# Reviewing -------------------------------------------------------------------------------------


def test_the_whole_chain_with_a_return_and_a_resubmission(draft, officer_a, reviewer, ward_a):
    session = f.OutreachSessionFactory(ward=ward_a, held_on=IN_PERIOD, attendees=80)
    report = submitted(draft, officer_a)
    first = report.snapshot

    with pytest.raises(ValidationError) as exc_info:
        s.period_report_return(actor=reviewer, instance=report, comment="  ")
    assert "comment" in exc_info.value.message_dict
    report = s.period_report_return(
        actor=reviewer, instance=report, comment="Bổ sung số liệu tuyên truyền."
    )
    assert report.state == State.RETURNED
    assert report.reviewed_by == reviewer
    assert report.return_comment == "Bổ sung số liệu tuyên truyền."
    # Returned: the period is open again, the ward corrects a record and its text.
    assert not ClosedPeriod.objects.filter(ward=ward_a, reopened_at__isnull=True).exists()
    outreach_session_update(actor=officer_a, instance=session, data={"attendees": 95})
    report = s.period_report_update(actor=officer_a, instance=report, data={"proposals": "Đề nghị"})

    report = s.period_report_submit(actor=officer_a, instance=report)
    assert report.state == State.SUBMITTED
    assert report.snapshot["metrics"]["outreach_attendees"]["value"] == 95
    assert report.snapshot["text"]["proposals"] == "Đề nghị"
    assert report.first_submitted_at < report.submitted_at
    assert ClosedPeriod.objects.filter(ward=ward_a, reopened_at__isnull=True).count() == 1

    report = s.period_report_accept(actor=reviewer, instance=report)
    assert report.state == State.ACCEPTED
    actions = list(report.transitions.values_list("action", "from_state", "to_state"))
    assert actions == [
        ("submit", "draft", "submitted"),
        ("return", "submitted", "returned"),
        ("resubmit", "returned", "submitted"),
        ("accept", "submitted", "accepted"),
    ]
    # The first submission's figures are kept in its transition.
    assert report.transitions.get(action="submit").snapshot == first
    assert first["metrics"]["outreach_attendees"]["value"] == 80


def test_only_a_reviewer_reopens_an_accepted_report_with_a_reason(
    draft, officer_a, reviewer, viewer_province, ward_a
):
    report = s.period_report_accept(actor=reviewer, instance=submitted(draft, officer_a))
    for actor in (officer_a, viewer_province):
        with pytest.raises(PermissionDenied):
            s.period_report_reopen(actor=actor, instance=report, reason="Sai số liệu")
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_reopen(actor=reviewer, instance=report, reason="")
    assert "reason" in exc_info.value.message_dict
    report = s.period_report_reopen(actor=reviewer, instance=report, reason="Sai số liệu camera")
    assert report.state == State.RETURNED
    assert report.return_comment == "Sai số liệu camera"
    assert report.transitions.last().action == "reopen"
    closed = ClosedPeriod.objects.get(ward=ward_a)
    assert closed.reopened_at is not None and closed.reopen_reason == "Sai số liệu camera"


@pytest.mark.parametrize("persona", ["clerk_a", "officer_a", "viewer_city", "viewer_province"])
def test_ward_roles_and_viewers_may_not_review(draft, officer_a, request, persona):
    report = submitted(draft, officer_a)
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        s.period_report_accept(actor=actor, instance=report)
    with pytest.raises(PermissionDenied):
        s.period_report_return(actor=actor, instance=report, comment="Không đạt")
    report.refresh_from_db()
    assert report.state == State.SUBMITTED


def test_a_reviewer_outside_the_scope_gets_not_found(draft, officer_a, reviewer_elsewhere):
    report = submitted(draft, officer_a)
    with pytest.raises(OutOfScope):
        s.period_report_accept(actor=reviewer_elsewhere, instance=report)


def test_a_cluster_reviewer_reviews_the_cluster_wards_only(
    officer_a, officer_b, ward_a, ward_b, reviewer_cluster
):
    own = submitted(
        s.period_report_create(
            actor=officer_a, data={"ward": ward_a.pk, "period": PERIOD, **COMPLETE}
        ),
        officer_a,
    )
    other = submitted(
        s.period_report_create(
            actor=officer_b, data={"ward": ward_b.pk, "period": PERIOD, **COMPLETE}
        ),
        officer_b,
    )
    assert s.period_report_accept(actor=reviewer_cluster, instance=own).state == State.ACCEPTED
    with pytest.raises(OutOfScope):
        s.period_report_accept(actor=reviewer_cluster, instance=other)


def test_a_reviewer_writes_no_record(reviewer, ward_a):
    from movement.services import outreach_session_create

    with pytest.raises(PermissionDenied):
        outreach_session_create(
            actor=reviewer,
            data={"ward": ward_a.pk, "held_on": "2025-08-01", "topic": "x", "attendees": 1},
        )
    with pytest.raises(PermissionDenied):
        s.period_report_create(actor=reviewer, data={"ward": ward_a.pk, "period": PERIOD})


# Races and stale forms -------------------------------------------------------------------------


def test_the_second_of_two_submissions_is_refused_with_a_message(draft, officer_a, admin_user):
    opened = PeriodReport.objects.get(pk=draft.pk)  # both officers opened version 1
    submitted(draft, officer_a)
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_submit(actor=admin_user, instance=opened)
    assert exc_info.value.code == "state"
    assert "đã được gửi" in exc_info.value.messages[0]
    with pytest.raises(StaleVersion):  # a form that sends the version it saw: stale
        s.period_report_submit(actor=admin_user, instance=opened, expected_version=1)
    assert PeriodReportTransition.objects.count() == 1


def test_accepting_a_report_that_was_just_returned_is_refused(
    draft, officer_a, reviewer, admin_user
):
    report = submitted(draft, officer_a)
    seen_version = report.version
    s.period_report_return(actor=admin_user, instance=report, comment="Thiếu chữ ký.")
    with pytest.raises(ValidationError) as exc_info:
        s.period_report_accept(actor=reviewer, instance=report)
    assert exc_info.value.code == "state"
    assert "trả lại" in exc_info.value.messages[0]
    with pytest.raises(StaleVersion):
        s.period_report_accept(actor=reviewer, instance=report, expected_version=seen_version)
    report.refresh_from_db()
    assert report.state == State.RETURNED


def test_a_stale_form_is_refused(draft, officer_a, clerk_a):
    s.period_report_update(actor=clerk_a, instance=draft, data={"assessment": "Bản của cán bộ"})
    with pytest.raises(StaleVersion) as exc_info:
        s.period_report_update(
            actor=officer_a, instance=draft, data={"assessment": "Bản cũ"}, expected_version=1
        )
    assert "thay đổi" in exc_info.value.messages[0]
    with pytest.raises(StaleVersion):
        s.period_report_submit(actor=officer_a, instance=draft, expected_version=1)


def test_only_a_draft_never_submitted_is_deleted(draft, officer_a, reviewer):
    report = s.period_report_return(
        actor=reviewer, instance=submitted(draft, officer_a), comment="Sửa lại."
    )
    with pytest.raises(ValidationError):
        s.period_report_delete(actor=officer_a, instance=report)
    assert PeriodReport.objects.filter(pk=report.pk).exists()


# Manual indicators -----------------------------------------------------------------------------


def test_manual_values_are_saved_from_one_form(officer_a, clerk_a, ward_a):
    saved = s.manual_indicator_values_save(
        actor=clerk_a,
        ward=ward_a,
        period="tháng 8/2025",
        values={"patrols": "14", "leaflets": 500, "social_posts": ""},
    )
    assert {code: row.value for code, row in saved.items()} == {"patrols": 14, "leaflets": 500}
    saved = s.manual_indicator_values_save(
        actor=officer_a,
        ward=ward_a,
        period=PERIOD,
        values={"patrols": 15, "leaflets": None},
        versions={"patrols": 1},
    )
    assert ManualIndicatorValue.objects.get(indicator_code="patrols").value == 15
    assert not ManualIndicatorValue.objects.filter(indicator_code="leaflets").exists()


@pytest.mark.parametrize("bad", ["-1", "1,5", "١٢", "abc", 2.5])
def test_a_manual_value_is_a_whole_number_not_below_zero(clerk_a, ward_a, bad):
    with pytest.raises(ValidationError) as exc_info:
        s.manual_indicator_values_save(
            actor=clerk_a, ward=ward_a, period=PERIOD, values={"patrols": bad, "leaflets": 3}
        )
    assert set(exc_info.value.message_dict) == {"patrols"}
    assert not ManualIndicatorValue.objects.exists()  # all or nothing


def test_manual_values_of_overlapping_periods_are_refused(clerk_a, ward_a):
    s.manual_indicator_values_save(actor=clerk_a, ward=ward_a, period=PERIOD, values={"patrols": 4})
    with pytest.raises(ValidationError) as exc_info:
        s.manual_indicator_values_save(
            actor=clerk_a, ward=ward_a, period="quarter:2025-Q3", values={"patrols": 12}
        )
    assert "tháng 8/2025" in " ".join(exc_info.value.message_dict["patrols"])


def test_manual_values_join_the_statistics_like_any_metric(
    clerk_a, ward_a, ward_b, officer_b, viewer_province
):
    s.manual_indicator_values_save(actor=clerk_a, ward=ward_a, period=PERIOD, values={"patrols": 4})
    s.manual_indicator_values_save(
        actor=clerk_a, ward=ward_a, period="month:2025-09", values={"patrols": 6}
    )
    s.manual_indicator_values_save(
        actor=clerk_a, ward=ward_a, period="month:2024-08", values={"patrols": 8}
    )
    s.manual_indicator_values_save(
        actor=officer_b, ward=ward_b, period=PERIOD, values={"patrols": 5}
    )
    rollup.process_dirty()
    quarter = parse_period("quarter:2025-Q3", calendar=REPORTING)
    answer = stats_for(
        user=viewer_province, scope="province:91", period=quarter, metrics=["manual.patrols"]
    )
    assert answer["metrics"]["manual.patrols"]["value"] == 4 + 6 + 5
    month = parse_period(PERIOD, calendar=REPORTING)
    answer = stats_for(
        user=viewer_province, scope=f"ward:{ward_a.code}", period=month, metrics=["manual.patrols"]
    )
    assert answer["metrics"]["manual.patrols"] == {
        "value": 4,
        "previous": 8,
        "change": -4,
        "change_pct": -50.0,
    }


def test_an_indicator_added_in_the_admin_is_a_metric_at_once(clerk_a, ward_a, viewer_province):
    ManualIndicator.objects.create(
        code="drills",
        label_vi="Buổi diễn tập PCCC",
        label_en="Fire drills",
        unit="session",
        section="forces",
    )
    s.manual_indicator_values_save(actor=clerk_a, ward=ward_a, period=PERIOD, values={"drills": 2})
    rollup.process_dirty()
    answer = stats_for(
        user=viewer_province,
        scope=f"ward:{ward_a.code}",
        period=parse_period(PERIOD, calendar=REPORTING),
        metrics=["manual.drills"],
    )
    assert answer["metrics"]["manual.drills"]["value"] == 2


def test_manual_values_of_a_submitted_period_are_closed(draft, officer_a, ward_a):
    s.manual_indicator_values_save(
        actor=officer_a, ward=ward_a, period=PERIOD, values={"patrols": 4}
    )
    report = submitted(draft, officer_a)
    with pytest.raises(ValidationError):
        s.manual_indicator_values_save(
            actor=officer_a, ward=ward_a, period=PERIOD, values={"patrols": 40}
        )
    assert report.snapshot["metrics"]["manual.patrols"]["value"] == 4


@pytest.mark.parametrize(
    ("local_time", "on_time"),
    [
        (dt.datetime(2025, 8, 17, 23, 59), True),  # the last minute of the due date
        (dt.datetime(2025, 8, 18, 0, 1), False),  # the first minute after it
    ],
)
def test_on_time_is_the_local_due_date(draft, officer_a, local_time, on_time):
    report = submitted(draft, officer_a)
    assert report.due_on == dt.date(2025, 8, 17)
    moment = timezone.make_aware(local_time)  # Asia/Ho_Chi_Minh: 16:59 / 17:01 UTC
    PeriodReport.objects.filter(pk=report.pk).update(first_submitted_at=moment)
    report.refresh_from_db()
    assert report.submitted_on_time is on_time


def test_a_commune_report_starts_with_the_commune_police_heading(province):
    commune = f.WardFactory(code="91009", province=province, name="Xã Yên Lạc", kind="xa")
    officer = f.UserFactory(role="ward_police", scope_ward=commune)
    report = s.period_report_create(actor=officer, data={"ward": commune.pk, "period": PERIOD})
    assert (report.symbol, report.signer_title, report.place) == (
        "BC-CAX",
        "TRƯỞNG CÔNG AN XÃ",
        "Yên Lạc",
    )


def test_a_quarter_closes_only_the_days_no_closing_covers_yet(officer_a, reviewer, ward_a):
    from wardsecurity.periods import period_close

    august = period_close(
        actor=officer_a, ward=ward_a, start=dt.date(2025, 7, 15), end=dt.date(2025, 8, 14)
    )
    report = s.period_report_create(
        actor=officer_a, data={"ward": ward_a.pk, "period": "quarter:2025-Q3", **COMPLETE}
    )
    report = submitted(report, officer_a)  # 15/06 – 14/09/2025
    spans = sorted((c.start, c.end) for c in report.closed_periods.all())
    assert spans == [
        (dt.date(2025, 6, 15), dt.date(2025, 7, 14)),
        (dt.date(2025, 8, 15), dt.date(2025, 9, 14)),
    ]
    # Returning the quarter reopens its own closings, not the month the officer closed.
    s.period_report_return(actor=reviewer, instance=report, comment="Sửa lại.")
    august.refresh_from_db()
    assert august.reopened_at is None
    assert not report.closed_periods.filter(reopened_at__isnull=True).exists()
