"""factory_boy factories for every model; records default to one ward (``ward_a`` in conftest)."""

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.utils import timezone

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from households.models import Household, Organisation, Province, ResidentialGroup, Ward, WardCluster
from incidents.models import CASE_TYPE_OF_CATEGORY, Hotspot, Incident, Tip
from movement.models import (
    Appraisal,
    Commendation,
    Commitment,
    EidTally,
    MediationCase,
    OrganisationCommitmentTally,
    OutreachSession,
    Patrol,
    ReintegrationCase,
    SafetyRecognition,
    SelfManagementModel,
    Team,
    TeamAppraisal,
    TeamMember,
    WeaponSurrender,
)
from reporting.models import ManualIndicator, ManualIndicatorValue, PeriodReport
from wardsecurity.models import ApiToken, ClosedPeriod, User

PAST = dt.date(2024, 3, 10)


def past_datetime():
    return timezone.make_aware(dt.datetime(2024, 3, 10, 9, 30))


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90 + n % 10:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")
    kind = Province.Kind.PROVINCE
    search_name = factory.LazyAttribute(lambda o: o.name.lower())


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Phường Thử {n}")
    kind = Ward.Kind.PHUONG
    search_name = factory.LazyAttribute(lambda o: o.name.lower())


class WardClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WardCluster
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cụm phường {n}")

    @factory.post_generation
    def wards(self, create, extracted, **kwargs):
        if create and extracted:
            self.wards.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "demo12345")
    role = User.Role.WARD_STAFF
    scope_kind = User.ScopeKind.WARD
    scope_ward = factory.SubFactory(WardFactory)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create and results:
            instance.save(update_fields=["password"])


class WardOwnedFactory(factory.django.DjangoModelFactory):
    """Base: a record of ``ward`` (a new ward unless one is given)."""

    class Meta:
        abstract = True

    ward = factory.SubFactory(WardFactory)


class ResidentialGroupFactory(WardOwnedFactory):
    class Meta:
        model = ResidentialGroup

    name = factory.Sequence(lambda n: f"Tổ dân phố {n}")
    kind = ResidentialGroup.Kind.TO_DAN_PHO


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    group = factory.SubFactory(ResidentialGroupFactory)
    ward = factory.SelfAttribute("group.ward")
    code = factory.Sequence(lambda n: f"HK{n:05d}")
    address = factory.Sequence(lambda n: f"{n} Đường Lê Lợi")
    head_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    member_count = 4


class OrganisationFactory(WardOwnedFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Công ty {n}")
    kind = Organisation.Kind.ENTERPRISE


class SelfManagementModelFactory(WardOwnedFactory):
    class Meta:
        model = SelfManagementModel

    name = factory.Sequence(lambda n: f"Mô hình {n}")
    kind = SelfManagementModel.Kind.CAMERA
    founded_on = PAST


_TEAM_GROUP_NUMBERS = itertools.count(1)


class TeamFactory(WardOwnedFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    kind = Team.Kind.SECURITY_TEAM
    name = factory.Sequence(lambda n: f"Tổ bảo vệ ANTT {n}")
    established_on = PAST
    headcount = 5
    # A Tổ bảo vệ ANTT is founded by a decision and serves at least one group (Law 30/2023).
    decision_no = factory.Sequence(lambda n: f"{n + 1}/QĐ-UBND")
    decision_on = factory.SelfAttribute("established_on")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is not None:
            self.groups.set(extracted)
        elif self.kind == Team.Kind.SECURITY_TEAM:
            # A name of its own: "Tổ dân phố <n>" from the group factory's sequence collided,
            # depending on the tests run before, with a test's own "Tổ dân phố 2".
            name = f"Tổ dân phố của tổ bảo vệ {next(_TEAM_GROUP_NUMBERS)}"
            self.groups.add(ResidentialGroupFactory(ward=self.ward, name=name))


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    full_name = factory.Sequence(lambda n: f"Trần Thị {n}")
    role = TeamMember.Role.MEMBER
    birth_year = 1980


class PatrolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patrol

    team = factory.SubFactory(TeamFactory)
    ward = factory.SelfAttribute("team.ward")
    patrolled_on = PAST
    shift = Patrol.Shift.NIGHT
    area = factory.Sequence(lambda n: f"Khu vực chợ số {n}")
    members_on_duty = 3
    findings = ""
    incidents_found = 0


class TeamAppraisalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamAppraisal

    team = factory.SubFactory(TeamFactory, established_on=dt.date(2024, 7, 1))
    ward = factory.SelfAttribute("team.ward")
    year = 2025
    level = TeamAppraisal.Level.COMPLETED


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    household = factory.SubFactory(HouseholdFactory)
    ward = factory.SelfAttribute("household.ward")
    year = 2024
    kind = Commitment.Kind.SAFE_AREA_REGISTRATION
    signed_on = PAST


class MediationCaseFactory(WardOwnedFactory):
    class Meta:
        model = MediationCase

    received_on = PAST
    subject = MediationCase.Subject.NEIGHBOURS
    parties = "Hộ ông A và hộ bà B"


class OutreachSessionFactory(WardOwnedFactory):
    class Meta:
        model = OutreachSession

    held_on = PAST
    topic = "Phòng chống lừa đảo qua mạng"
    attendees = 120
    partners = factory.LazyFunction(lambda: ["police", "youth"])


class CommendationFactory(WardOwnedFactory):
    class Meta:
        model = Commendation

    recipient_kind = Commendation.RecipientKind.INDIVIDUAL
    recipient_name = factory.Sequence(lambda n: f"Lê Văn {n}")
    level = Commendation.Level.WARD
    issuer = "UBND phường"
    awarded_on = PAST


class WeaponSurrenderFactory(WardOwnedFactory):
    class Meta:
        model = WeaponSurrender

    received_on = PAST
    item = WeaponSurrender.Item.FIRECRACKER
    quantity = Decimal("1.5")
    unit = WeaponSurrender.Unit.KG


class ReintegrationCaseFactory(WardOwnedFactory):
    class Meta:
        model = ReintegrationCase

    person_name = factory.Sequence(lambda n: f"Phạm Văn {n}")
    birth_year = 1995
    category = ReintegrationCase.Category.RELEASED_PRISONER
    started_on = PAST


class EidTallyFactory(WardOwnedFactory):
    class Meta:
        model = EidTally

    recorded_on = PAST
    chip_cards = 100
    vneid_level1 = 50
    vneid_level2_collected = 40
    vneid_level2_activated = 30


class SafetyRecognitionFactory(WardOwnedFactory):
    """A subject considered for the year and not (yet) recognised: a recognition needs a
    decision and every criterion met (``tests.movement.standards.recognised_data``)."""

    class Meta:
        model = SafetyRecognition

    subject = "ward"
    year = 2024
    recognised = False


# Points on the grading sheet the migration loads (Quyết định 510/QĐ-BCA-V05): 85 in all.
SHEET_POINTS = {
    "lanh_dao": "20",
    "tuyen_truyen": "15",
    "mo_hinh": "20",
    "ket_qua": "25",
    "so_ket": "5",
}


class AppraisalFactory(WardOwnedFactory):
    class Meta:
        model = Appraisal

    subject = "ward"
    year = 2024
    points = factory.LazyFunction(lambda: dict(SHEET_POINTS))
    score = Decimal("85")
    grade = "good"


class OrganisationCommitmentTallyFactory(WardOwnedFactory):
    class Meta:
        model = OrganisationCommitmentTally

    organisation = factory.SubFactory(
        "tests.factories.OrganisationFactory", ward=factory.SelfAttribute("..ward")
    )
    year = 2024
    staff_count = 40
    signed_count = 38


class TipFactory(WardOwnedFactory):
    class Meta:
        model = Tip

    received_at = factory.LazyFunction(past_datetime)
    channel = Tip.Channel.HOTLINE
    reporter = "Người báo tin giấu tên"
    content = "Nghi vấn tụ tập đánh bạc"
    category = "social_evils"


class IncidentFactory(WardOwnedFactory):
    class Meta:
        model = Incident

    occurred_at = factory.LazyFunction(past_datetime)
    category = "drugs"
    # Police statistics: the category's usual case type, and a crime's lowest severity.
    case_type = factory.LazyAttribute(lambda o: CASE_TYPE_OF_CATEGORY[o.category].value)
    severity = factory.LazyAttribute(
        lambda o: Incident.Severity.LESS_SERIOUS if o.case_type == "criminal" else ""
    )
    summary = "Phát hiện đối tượng tàng trữ ma túy"
    source = Incident.Source.PATROL
    suspects = 1


class HotspotFactory(WardOwnedFactory):
    class Meta:
        model = Hotspot

    name = factory.Sequence(lambda n: f"Khu vực {n}")
    designated_on = PAST


class RecorderFactory(WardOwnedFactory):
    class Meta:
        model = Recorder

    code = factory.Sequence(lambda n: f"DT{n:03d}")
    location = "Nhà văn hóa"
    channels = 16
    installed_on = PAST


class CameraFactory(WardOwnedFactory):
    class Meta:
        model = Camera

    code = factory.Sequence(lambda n: f"CAM{n:04d}")
    location = "Ngã ba chợ"
    owner_kind = Camera.OwnerKind.COMMUNITY
    funding = Camera.Funding.CONTRIBUTION
    installed_on = PAST


class ContributionFactory(WardOwnedFactory):
    class Meta:
        model = Contribution

    contributor_name = factory.Sequence(lambda n: f"Hộ gia đình {n}")
    amount_vnd = 500_000
    contributed_on = PAST


class VideoExtractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VideoExtraction

    camera = factory.SubFactory(CameraFactory)
    requested_at = factory.LazyFunction(past_datetime)
    requested_by = factory.SubFactory(
        UserFactory,
        role=User.Role.WARD_POLICE,
        scope_ward=factory.SelfAttribute("..camera.ward"),
    )
    purpose = "Xác minh vụ trộm cắp"


class ClosedPeriodFactory(WardOwnedFactory):
    class Meta:
        model = ClosedPeriod

    start = dt.date(2024, 1, 1)
    end = dt.date(2024, 1, 31)
    closed_by = factory.SubFactory(
        UserFactory,
        role=User.Role.WARD_POLICE,
        scope_ward=factory.SelfAttribute("..ward"),
    )


class ApiTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = "Phần mềm thống kê"
    key_hash = factory.Sequence(lambda n: f"{n:064x}")
    prefix = factory.Sequence(lambda n: f"wsp_{n:08d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class PeriodReportFactory(WardOwnedFactory):
    class Meta:
        model = PeriodReport

    # A different month of the reporting calendar each time: one report per ward and period.
    period = factory.Sequence(lambda n: f"month:{2000 + n // 12 % 90:04d}-{n % 12 + 1:02d}")
    number = "12"
    symbol = "BC-CAP"
    issued_on = dt.date(2024, 1, 16)
    place = "An Bình"
    signer_title = "Trưởng Công an phường"
    signer_name = "Nguyễn Văn Bình"
    recipients = "- Công an tỉnh;\n- Lưu: VT."
    assessment = "Tình hình an ninh trật tự cơ bản ổn định."


def ensure_reporting_seeds():
    """The report schedules and the indicator catalogue the migration seeds: a transactional
    test empties every table, seeds included, so the tests that need them put them back."""
    from importlib import import_module

    from django.apps import apps

    seeds = import_module("reporting.migrations.0002_seed_schedules_and_indicators")
    seeds.seed(apps, None)


def _patrols():
    ensure_reporting_seeds()
    return ManualIndicator.objects.get(code="patrols")


class ManualIndicatorValueFactory(WardOwnedFactory):
    class Meta:
        model = ManualIndicatorValue

    indicator = factory.LazyFunction(_patrols)
    period = factory.Sequence(lambda n: f"month:{2000 + n // 12 % 90:04d}-{n % 12 + 1:02d}")
    value = 12


def seed_standards():
    """The criteria, grading sheet, deadlines and thresholds the migrations load (a
    transactional test elsewhere may have flushed them); idempotent."""
    import importlib

    from django.apps import apps

    from movement.models import AppraisalThreshold

    for grade, min_score in (("excellent", 90), ("good", 70), ("average", 50), ("weak", 0)):
        AppraisalThreshold.objects.get_or_create(grade=grade, defaults={"min_score": min_score})
    module = importlib.import_module("movement.migrations.0007_recognition_and_grading_values")
    module.load(apps, None)
    # The circular's own wording and the sources naming article and clause (migration 0011).
    wording = importlib.import_module(
        "movement.migrations.0011_recognition_criteria_article_wording"
    )
    wording.apply(apps, None)


def sheet_points(**changes):
    """Points for every criterion of the seeded grading sheet (85 in all unless changed)."""
    seed_standards()
    return {**SHEET_POINTS, **changes}
