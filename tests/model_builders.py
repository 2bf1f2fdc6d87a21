"""One builder per model: a record of a given ward, saved or not, plus a field a test may edit.

The scope and history tests walk every model found by introspection and look it up here, so a
new model without a row fails those tests instead of going untested.
"""

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from households.models import (
    FormerWard,
    Household,
    Organisation,
    Province,
    ResidentialGroup,
    Ward,
    WardCluster,
    WardSuccession,
)
from incidents.models import Hotspot, Incident, Tip
from movement.models import (
    Appraisal,
    AppraisalThreshold,
    Commendation,
    Commitment,
    EidTally,
    GradingCriterion,
    GradingDeadline,
    MediationCase,
    OrganisationCommitmentTally,
    OutreachSession,
    Patrol,
    RecognitionCriterion,
    ReintegrationCase,
    SafetyRecognition,
    SelfManagementModel,
    Team,
    TeamAppraisal,
    TeamAppraisalRule,
    TeamMember,
    TeamSizeNorm,
    WeaponSurrender,
)
from reporting.models import (
    ManualIndicator,
    ManualIndicatorValue,
    PeriodKind,
    PeriodReport,
    ReportSchedule,
)
from tests import factories as f
from wardsecurity.models import ApiToken, ClosedPeriod, User


@dataclass(frozen=True)
class Builder:
    """``make(ward, create)`` returns a record belonging to ``ward`` (saved when ``create``).

    Parents are always saved; only the record itself is left unsaved when ``create`` is false, so
    that tests can ``bulk_create`` it. ``field`` takes ``values`` one after the other in updates.
    """

    make: Callable[[Ward, bool], models.Model]
    field: str
    values: tuple[Any, Any] = ("Sửa lần một", "Sửa lần hai")


def _run(factory, create: bool, **kwargs):
    return factory.create(**kwargs) if create else factory.build(**kwargs)


def _ward_owned(factory):
    return lambda ward, create: _run(factory, create, ward=ward)


def _household(ward, create):
    return _run(f.HouseholdFactory, create, group=f.ResidentialGroupFactory(ward=ward), ward=ward)


def _commitment(ward, create):
    household = f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward))
    return _run(f.CommitmentFactory, create, household=household, ward=ward)


def _team_member(ward, create):
    return _run(f.TeamMemberFactory, create, team=f.TeamFactory(ward=ward))


def _video_extraction(ward, create):
    camera = f.CameraFactory(ward=ward)
    officer = f.UserFactory(role=User.Role.WARD_POLICE, scope_ward=ward)
    return _run(f.VideoExtractionFactory, create, camera=camera, requested_by=officer)


def _user(ward, create):
    return _run(f.UserFactory, create, role=User.Role.WARD_STAFF, scope_ward=ward)


# Codes are unique and the factories get_or_create on them: draw from ranges that no fixture uses
# (conftest has 91, 92 and 9xxxx); a test rolls back long before a range comes round again.
_province_codes = itertools.cycle(f"{n:02d}" for n in range(10, 90))
_ward_codes = itertools.cycle(f"{n:05d}" for n in range(60001, 90000))


def _province(ward, create):
    return _run(f.ProvinceFactory, create, code=next(_province_codes))


def _ward(ward, create):
    return _run(f.WardFactory, create, code=next(_ward_codes), province=ward.province)


_former_codes = itertools.count(70001)


def _former_ward(ward, create):
    # Reference data (load_territory): a unit of the old map that went into ``ward``.
    obj = FormerWard(
        code=str(next(_former_codes)), name="Phường Cũ", kind="phuong", district_name="Thành phố",
        province_name="Tỉnh Cũ",
    )  # fmt: skip
    if create:
        obj.save()
        WardSuccession.objects.create(former_ward=obj, ward=ward)
    return obj


def _ward_cluster(ward, create):
    cluster = _run(f.WardClusterFactory, create)
    if create:
        cluster.wards.set([ward])
    return cluster


_grades = itertools.cycle(AppraisalThreshold.Grade.values)


def _team(ward, create):
    # Not a Tổ bảo vệ ANTT: an unsaved one has no residential groups yet, which that kind needs
    # (tests/movement/test_force.py tests its rules).
    return _run(f.TeamFactory, create, ward=ward, kind=Team.Kind.SELF_MANAGED_GROUP)


def _patrol(ward, create):
    return _run(f.PatrolFactory, create, team=f.TeamFactory(ward=ward))


def _team_appraisal(ward, create):
    team = f.TeamFactory(ward=ward, established_on=dt.date(2024, 7, 1))
    return _run(f.TeamAppraisalFactory, create, team=team)


def _team_size_norm(ward, create):
    # Configuration, one row per province: a province of its own.
    province = f.ProvinceFactory(code=next(_province_codes))
    obj = TeamSizeNorm(province=province, min_members=4, source="Nghị quyết HĐND tỉnh")
    if create:
        obj.save()
    return obj


_rule_years = itertools.count(1950)


def _team_appraisal_rule(ward, create):
    obj = TeamAppraisalRule(
        from_year=next(_rule_years),
        top_level_cap_pct=Decimal("20"),
        min_months_operating=9,
        source="Hướng dẫn 01/HD-BCA-V05",
    )
    if create:
        obj.save()
    return obj


def _appraisal_threshold(ward, create):
    # Configuration, not ward-owned: one row per grade, seeded by a migration. Make room for one.
    grade = next(_grades)
    AppraisalThreshold.objects.filter(grade=grade).delete()
    obj = AppraisalThreshold(grade=grade, min_score=Decimal("42.00"))
    if create:
        obj.save()
    return obj


_criterion_numbers = itertools.count(100)
_criterion_codes = itertools.count(1)
_deadline_subjects = itertools.cycle(["group", "ward", "organisation"])


def _recognition_criterion(ward, create):
    # Configuration, not ward-owned: numbers far above the criteria the migration loads.
    obj = RecognitionCriterion(
        subject="group", number=next(_criterion_numbers), text="Tiêu chí thử", active=False
    )
    if create:
        obj.save()
    return obj


def _grading_criterion(ward, create):
    obj = GradingCriterion(
        subject="group",
        code=f"thu_{next(_criterion_codes)}",
        text="Tiêu chí chấm điểm thử",
        max_points=Decimal("5"),
        active=False,
    )
    if create:
        obj.save()
    return obj


def _grading_deadline(ward, create):
    # One row per kind of subject, seeded by a migration: make room for one.
    subject = next(_deadline_subjects)
    GradingDeadline.objects.filter(subject=subject).delete()
    obj = GradingDeadline(subject=subject, day=20, month=11)
    if create:
        obj.save()
    return obj


def _organisation_tally(ward, create):
    organisation = f.OrganisationFactory(ward=ward)
    return _run(f.OrganisationCommitmentTallyFactory, create, organisation=organisation, ward=ward)


def _derived(factory):
    """A ward record whose derived fields (the period's dates) are set even when unsaved, so
    that ``bulk_create``, which calls no ``save``, writes them too."""

    def make(ward, create):
        obj = _run(factory, create, ward=ward)
        if not create:
            obj.derive_fields()
        return obj

    return make


_indicator_codes = itertools.count(1)


def _manual_indicator(ward, create):
    code = f"test_indicator_{next(_indicator_codes)}"
    obj = ManualIndicator(
        code=code, label_vi=f"Chỉ tiêu {code}", label_en=code, unit="session", section="patrol"
    )
    if create:
        obj.save()
    return obj


_kinds = itertools.cycle(PeriodKind.values)


def _report_schedule(ward, create):
    # Configuration, one row per kind, seeded by a migration: make room for one.
    kind = next(_kinds)
    ReportSchedule.objects.filter(kind=kind).delete()
    obj = ReportSchedule(kind=kind, due_days=4)
    if create:
        obj.save()
    return obj


BUILDERS: dict[type[models.Model], Builder] = {
    # households
    Province: Builder(_province, "name"),
    Ward: Builder(_ward, "name"),
    FormerWard: Builder(_former_ward, "name"),
    WardCluster: Builder(_ward_cluster, "description"),
    ResidentialGroup: Builder(_ward_owned(f.ResidentialGroupFactory), "name"),
    Household: Builder(_household, "address"),
    Organisation: Builder(_ward_owned(f.OrganisationFactory), "name"),
    # movement
    SelfManagementModel: Builder(_ward_owned(f.SelfManagementModelFactory), "name"),
    Team: Builder(_team, "name"),
    TeamMember: Builder(_team_member, "full_name"),
    Patrol: Builder(_patrol, "area"),
    TeamAppraisal: Builder(_team_appraisal, "note"),
    TeamSizeNorm: Builder(_team_size_norm, "source"),
    TeamAppraisalRule: Builder(_team_appraisal_rule, "source"),
    Commitment: Builder(_commitment, "year", (2022, 2023)),
    MediationCase: Builder(_ward_owned(f.MediationCaseFactory), "parties"),
    OutreachSession: Builder(_ward_owned(f.OutreachSessionFactory), "topic"),
    Commendation: Builder(_ward_owned(f.CommendationFactory), "reason"),
    WeaponSurrender: Builder(
        _ward_owned(f.WeaponSurrenderFactory), "quantity", (Decimal("2.000"), Decimal("3.000"))
    ),
    ReintegrationCase: Builder(_ward_owned(f.ReintegrationCaseFactory), "sponsor"),
    EidTally: Builder(_ward_owned(f.EidTallyFactory), "chip_cards", (7, 8)),
    SafetyRecognition: Builder(_ward_owned(f.SafetyRecognitionFactory), "decision_no"),
    AppraisalThreshold: Builder(
        _appraisal_threshold, "min_score", (Decimal("43.00"), Decimal("44.00"))
    ),
    # The score is the total of the points (services): a test edits the year instead.
    Appraisal: Builder(_ward_owned(f.AppraisalFactory), "year", (2001, 2002)),
    RecognitionCriterion: Builder(_recognition_criterion, "text"),
    GradingCriterion: Builder(_grading_criterion, "text"),
    GradingDeadline: Builder(_grading_deadline, "day", (21, 22)),
    OrganisationCommitmentTally: Builder(_organisation_tally, "signed_count", (30, 31)),
    # incidents
    Tip: Builder(_ward_owned(f.TipFactory), "content"),
    Incident: Builder(_ward_owned(f.IncidentFactory), "summary"),
    Hotspot: Builder(_ward_owned(f.HotspotFactory), "reasons"),
    # cameras
    Recorder: Builder(_ward_owned(f.RecorderFactory), "location"),
    Camera: Builder(_ward_owned(f.CameraFactory), "location"),
    Contribution: Builder(_ward_owned(f.ContributionFactory), "purpose"),
    VideoExtraction: Builder(_video_extraction, "notes"),
    # reporting
    PeriodReport: Builder(_derived(f.PeriodReportFactory), "assessment"),
    ManualIndicatorValue: Builder(_derived(f.ManualIndicatorValueFactory), "value", (7, 8)),
    ManualIndicator: Builder(_manual_indicator, "label_vi"),
    ReportSchedule: Builder(_report_schedule, "due_days", (6, 8)),
    # wardsecurity
    User: Builder(_user, "first_name"),
    ClosedPeriod: Builder(
        lambda ward, create: _run(
            f.ClosedPeriodFactory,
            create,
            ward=ward,
            closed_by=f.UserFactory(role=User.Role.WARD_POLICE, scope_ward=ward),
        ),
        "reopen_reason",
    ),
    ApiToken: Builder(
        lambda ward, create: _run(f.ApiTokenFactory, create, user=f.UserFactory(scope_ward=ward)),
        "name",
    ),
}


# The consolidated report (issue 13): not ward-owned; it covers the ward's province. Each build
# takes another month, as a province has one report a period.
_consolidated_months = itertools.count()


def _consolidated_report(ward, create):
    from reporting.models import ConsolidatedReport

    n = next(_consolidated_months)
    report = ConsolidatedReport(
        province=ward.province,
        period=f"month:{2000 + n // 12}-{n % 12 + 1:02d}",
        created_by=f.UserFactory(role=User.Role.ADMIN, scope_kind="all", scope_ward=None),
    )
    report.derive_fields()
    if create:
        report.save()
    return report


def _register_consolidated_report():
    from reporting.models import ConsolidatedReport

    BUILDERS[ConsolidatedReport] = Builder(_consolidated_report, "assessment")


_register_consolidated_report()
