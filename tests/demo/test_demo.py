"""manage.py load_demo: the published figures of SPEC §13, by direct counts over the records.

The territory and the demo are loaded once for this module, inside a transaction that is rolled
back when the module ends, so no other test sees them (each test runs in a savepoint within it).
"""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from demo.builder import WardBuilder
from demo.force import ForcePlan, build_force, officer
from households.models import Household, ResidentialGroup, Ward, WardCluster
from incidents.models import Incident, Tip
from movement.models import (
    LAW_30_IN_FORCE,
    Commendation,
    Commitment,
    EidTally,
    MediationCase,
    OutreachSession,
    Patrol,
    ReintegrationCase,
    SelfManagementModel,
    Team,
    TeamAppraisal,
    TeamAppraisalRule,
    TeamMember,
    WeaponSurrender,
)
from wardsecurity.models import User

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("demo_loaded")]

BA_NGOI, HA_GIANG_2, TINH_GIA, HOA_LU, NAM_DINH = "22423", "00691", "16561", "14329", "13669"
CLUSTER_CODES = {"13669", "13684", "13693", "13699", "13708", "13777", "13972", "13984"}
PASSWORD = "demo12345"
SAFE_AREA = Commitment.Kind.SAFE_AREA_REGISTRATION

JAN_AUG_2023 = (dt.date(2023, 1, 1), dt.date(2023, 8, 31))
JAN_AUG_2022 = (dt.date(2022, 1, 1), dt.date(2022, 8, 31))


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_territory", stdout=StringIO())
        call_command("load_demo", stdout=StringIO())
        # Run the deferred foreign-key checks now, once: left pending, they would run again at
        # the end of every test (Django checks constraints before rolling a test back).
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def households(code, **filters):
    return Household.objects.filter(ward__code=code, **filters)


def residents(queryset):
    return queryset.aggregate(n=Sum("member_count"))["n"]


def coverage_pct(code, year):
    """Share of the ward's households with a safe-area commitment for ``year``, in %."""
    signed = (
        Commitment.objects.filter(ward__code=code, year=year, kind=SAFE_AREA)
        .values("household")
        .distinct()
        .count()
    )
    return signed * 100 / households(code).count()


def teams(code, kind):
    return Team.objects.filter(ward__code=code, kind=kind)


def headcount(queryset):
    return queryset.aggregate(n=Sum("headcount"))["n"]


def rostered(code, kind):
    return TeamMember.objects.filter(team__ward__code=code, team__kind=kind)


# --- Ba Ngòi -----------------------------------------------------------------------------------


def test_ba_ngoi_has_10_groups_3677_households_and_16008_residents(db):
    assert ResidentialGroup.objects.filter(ward__code=BA_NGOI).count() == 10
    assert households(BA_NGOI).count() == 3_677
    assert residents(households(BA_NGOI)) == 16_008


def test_ba_ngoi_held_31_outreach_sessions_for_just_over_4000_people_in_2019(db):
    sessions = OutreachSession.objects.filter(ward__code=BA_NGOI, held_on__year=2019)
    assert sessions.count() == 31
    assert 4_000 < sessions.aggregate(n=Sum("attendees"))["n"] < 4_100


def test_ba_ngoi_has_4_models_with_camera_an_ninh_since_2017(db):
    models = SelfManagementModel.objects.filter(ward__code=BA_NGOI)
    assert models.count() == 4
    camera_model = models.get(kind=SelfManagementModel.Kind.CAMERA)
    assert camera_model.name == "Camera an ninh"
    assert camera_model.founded_on.year == 2017


def test_ba_ngoi_has_61_resident_funded_cameras_and_2_recorders(db):
    cameras = Camera.objects.filter(ward__code=BA_NGOI)
    assert cameras.count() == 61
    funded = cameras.filter(funding=Camera.Funding.CONTRIBUTION, model__name="Camera an ninh")
    assert funded.count() == 61
    assert Recorder.objects.filter(ward__code=BA_NGOI).count() == 2


def test_ba_ngoi_raised_nearly_2_billion_dong_in_2017_to_2019(db):
    contributions = Contribution.objects.filter(ward__code=BA_NGOI)
    in_2017_to_2019 = contributions.filter(contributed_on__year__range=(2017, 2019))
    assert in_2017_to_2019.count() == contributions.count()
    assert 1_900_000_000 < in_2017_to_2019.aggregate(n=Sum("amount_vnd"))["n"] < 2_000_000_000


def test_ba_ngoi_managed_79_people_who_erred(db):
    assert ReintegrationCase.objects.filter(ward__code=BA_NGOI).count() == 79


# --- Hà Giang 2 (old Trần Phú) -----------------------------------------------------------------


def test_ha_giang_2_has_17_groups_2238_households_and_8795_residents(db):
    groups = ResidentialGroup.objects.filter(ward__code=HA_GIANG_2)
    assert groups.count() == 17
    assert groups.filter(name__contains="phường Trần Phú cũ").count() == 17
    assert households(HA_GIANG_2).count() == 2_238
    assert residents(households(HA_GIANG_2)) == 8_795


def test_ha_giang_2_has_over_50_self_managed_groups(db):
    assert teams(HA_GIANG_2, Team.Kind.SELF_MANAGED_GROUP).count() > 50


def test_ha_giang_2_has_over_99_percent_of_households_committed_in_2017(db):
    pct = coverage_pct(HA_GIANG_2, 2017)
    assert pct > 99
    assert round(pct, 1) == 99.3


def test_ha_giang_2_has_the_market_gate_model_and_a_traffic_team(db):
    models = SelfManagementModel.objects.filter(ward__code=HA_GIANG_2)
    assert models.filter(kind=SelfManagementModel.Kind.MARKET_GATE, name="Cổng chợ văn minh")
    assert teams(HA_GIANG_2, Team.Kind.TRAFFIC_URBAN_ORDER).exists()


# --- Tĩnh Gia (old Hải Hòa), first 8 months of 2023 ---------------------------------------------


def test_tinh_gia_has_14_guard_teams_with_27_members_on_a_roster(db):
    guard_teams = teams(TINH_GIA, Team.Kind.NEIGHBOURHOOD_GUARD).annotate(rows=Count("members"))
    assert guard_teams.count() == 14
    assert rostered(TINH_GIA, Team.Kind.NEIGHBOURHOOD_GUARD).count() == 27
    assert all(team.roster_kept and team.headcount == team.rows for team in guard_teams)


def test_tinh_gia_has_128_social_security_groups_with_3437_members(db):
    groups = teams(TINH_GIA, Team.Kind.SOCIAL_SECURITY_GROUP)
    assert groups.count() == 128
    assert headcount(groups) == 3_437


def test_tinh_gia_has_3993_households_committed_in_2023(db):
    signed = Commitment.objects.filter(ward__code=TINH_GIA, year=2023, kind=SAFE_AREA)
    assert signed.values("household").distinct().count() == 3_993
    assert signed.filter(signed_on__range=JAN_AUG_2023).count() == 3_993


def test_tinh_gia_mediated_11_security_related_cases(db):
    cases = MediationCase.objects.filter(ward__code=TINH_GIA, received_on__range=JAN_AUG_2023)
    assert cases.filter(security_related=True).count() == 11


def test_tinh_gia_has_125_community_cameras_and_27_extractions(db):
    assert Camera.objects.filter(ward__code=TINH_GIA, owner_kind="community").count() == 125
    extractions = VideoExtraction.objects.filter(
        camera__ward__code=TINH_GIA, requested_at__date__range=JAN_AUG_2023
    )
    assert extractions.count() == 27


def test_tinh_gia_surrendered_a_homemade_gun_firecrackers_and_explosives(db):
    surrendered = {
        (row["item"], row["unit"]): row["quantity"]
        for row in WeaponSurrender.objects.filter(ward__code=TINH_GIA)
        .values("item", "unit")
        .annotate(quantity=Sum("quantity"))
    }
    assert surrendered == {
        ("homemade_gun", "piece"): Decimal("1"),
        ("firecracker", "kg"): Decimal("1.5"),
        ("explosive", "kg"): Decimal("2.3"),
    }


def test_tinh_gia_has_14_eid_guidance_teams_with_235_members_and_the_eid_totals(db):
    guidance = teams(TINH_GIA, Team.Kind.EID_GUIDANCE)
    assert guidance.count() == 14
    assert headcount(guidance) == 235
    totals = EidTally.objects.filter(ward__code=TINH_GIA).aggregate(
        level1=Sum("vneid_level1"),
        collected=Sum("vneid_level2_collected"),
        activated=Sum("vneid_level2_activated"),
    )
    assert totals == {"level1": 287, "collected": 7_081, "activated": 5_845}


def test_tinh_gia_had_5_incidents_against_18_a_year_earlier_by_local_date(db):
    incidents = Incident.objects.filter(ward__code=TINH_GIA)
    assert incidents.filter(occurred_at__date__range=JAN_AUG_2023).count() == 5
    assert incidents.filter(occurred_at__date__range=JAN_AUG_2022).count() == 18
    # The same by UTC instants at the local period bounds.
    tz = timezone.get_default_timezone()
    start = dt.datetime(2023, 1, 1, tzinfo=tz)
    end = dt.datetime(2023, 9, 1, tzinfo=tz)
    assert incidents.filter(occurred_at__gte=start, occurred_at__lt=end).count() == 5


# --- Hoa Lư (old Ninh Khánh) -------------------------------------------------------------------


def test_hoa_lu_has_96_neighbourhood_guards(db):
    assert rostered(HOA_LU, Team.Kind.NEIGHBOURHOOD_GUARD).count() == 96
    guard_teams = teams(HOA_LU, Team.Kind.NEIGHBOURHOOD_GUARD)
    assert headcount(guard_teams) == 96
    assert all(team.roster_kept for team in guard_teams)


def test_hoa_lu_resolved_65_mediations(db):
    resolved = MediationCase.objects.filter(ward__code=HOA_LU, outcome="resolved")
    assert resolved.count() == 65
    assert not resolved.filter(closed_on__isnull=True).exists()


def test_hoa_lu_has_every_household_committed_in_2023(db):
    assert households(HOA_LU).count() > 0
    assert coverage_pct(HOA_LU, 2023) == 100


def test_hoa_lu_eid_ratios_are_99_5_and_76_3_percent_of_residents(db):
    people = residents(households(HOA_LU))
    totals = EidTally.objects.filter(ward__code=HOA_LU).aggregate(
        chip=Sum("chip_cards"), activated=Sum("vneid_level2_activated")
    )
    assert round(totals["chip"] * 100 / people, 1) == 99.5
    assert round(totals["activated"] * 100 / people, 1) == 76.3


def test_hoa_lu_commended_5_collectives_and_10_individuals(db):
    commendations = Commendation.objects.filter(ward__code=HOA_LU)
    assert commendations.filter(recipient_kind="collective").count() == 5
    assert commendations.filter(recipient_kind="individual").count() == 10


# --- The old Nam Định city ---------------------------------------------------------------------


def test_nam_dinh_cluster_has_its_8_successor_wards(db):
    cluster = WardCluster.objects.get(name="Thành phố Nam Định (cũ)")
    assert set(cluster.wards.values_list("code", flat=True)) == CLUSTER_CODES
    assert "Thống Nhất" in cluster.description
    assert "Vị Hoàng" in cluster.description


def test_nam_dinh_cluster_has_581_covid_teams_with_4067_members_in_every_ward(db):
    covid = Team.objects.filter(ward__code__in=CLUSTER_CODES, kind=Team.Kind.COVID_COMMUNITY)
    assert covid.count() == 581
    assert headcount(covid) == 4_067
    assert set(covid.values_list("ward__code", flat=True)) == CLUSTER_CODES
    assert not Team.objects.filter(kind=Team.Kind.COVID_COMMUNITY).exclude(
        ward__code__in=CLUSTER_CODES
    )


def test_nam_dinh_thong_nhat_part_has_2078_households_and_8389_residents(db):
    thong_nhat = households(NAM_DINH, group__name__contains="phường Thống Nhất cũ")
    assert thong_nhat.count() == 2_078
    assert residents(thong_nhat) == 8_389


def test_nam_dinh_has_69_public_cameras_and_314_of_others(db):
    cameras = Camera.objects.filter(ward__code=NAM_DINH)
    assert cameras.filter(owner_kind="public").count() == 69
    assert cameras.filter(owner_kind__in=["agency", "business", "household"]).count() == 314


def test_nam_dinh_vi_hoang_part_has_7_guards_in_7_groups(db):
    vi_hoang = ResidentialGroup.objects.filter(
        ward__code=NAM_DINH, name__contains="phường Vị Hoàng cũ"
    )
    assert vi_hoang.count() == 7
    guards = rostered(NAM_DINH, Team.Kind.NEIGHBOURHOOD_GUARD)
    assert guards.count() == 7
    guarded = set(guards.values_list("team__groups", flat=True))
    assert guarded == set(vi_hoang.values_list("id", flat=True))


def test_nam_dinh_vi_hoang_tips_and_incidents(db):
    assert Tip.objects.filter(ward__code=NAM_DINH, received_at__year__gte=2021).count() == 113
    incidents = Incident.objects.filter(ward__code=NAM_DINH)
    drugs = incidents.filter(category="drugs")
    assert drugs.count() == 3
    assert drugs.aggregate(n=Sum("suspects"))["n"] == 4
    assert incidents.filter(category="social_evils").count() == 2
    assert (
        incidents.filter(category="public_order_crime", subcategory__icontains="trộm").count() == 2
    )
    assert incidents.filter(category="public_order_crime", subcategory="đánh nhau").count() == 5
    assert incidents.filter(category="urban_order").count() == 76


# --- Users -------------------------------------------------------------------------------------

USERS = [
    # username, role, scope kind, ward code in scope
    ("admin", "admin", "all", None),
    ("police.bangoi", "ward_police", "ward", BA_NGOI),
    ("clerk.bangoi", "ward_staff", "ward", BA_NGOI),
    ("police.tinhgia", "ward_police", "ward", TINH_GIA),
    ("clerk.tinhgia", "ward_staff", "ward", TINH_GIA),
    ("viewer.namdinh", "steering_viewer", "cluster", None),
    ("viewer.all", "steering_viewer", "all", None),
]


@pytest.mark.parametrize(("username", "role", "scope_kind", "ward_code"), USERS)
def test_demo_user_has_its_role_and_scope(db, username, role, scope_kind, ward_code):
    user = User.objects.get(username=username)
    assert (user.role, user.scope_kind) == (role, scope_kind)
    assert (user.scope_ward.code if user.scope_ward else None) == ward_code
    assert user.scope_province is None
    if scope_kind == "cluster":
        assert user.scope_cluster.name == "Thành phố Nam Định (cũ)"
    else:
        assert user.scope_cluster is None
    assert user.is_staff == user.is_superuser == (username == "admin")
    assert user.is_active
    assert user.first_name
    assert user.last_name


@pytest.mark.parametrize("username", [row[0] for row in USERS])
def test_demo_user_can_log_in(db, username):
    assert Client().login(request=HttpRequest(), username=username, password=PASSWORD)


def test_viewer_namdinh_sees_only_the_cluster(db):
    viewer = User.objects.get(username="viewer.namdinh")
    visible = Household.objects.visible_to(viewer)
    assert visible.count() == 2_078
    assert set(Team.objects.visible_to(viewer).values_list("ward__code", flat=True)) == (
        CLUSTER_CODES
    )


# --- Command behaviour -------------------------------------------------------------------------

WARD_RECORDS = [
    ResidentialGroup,
    Household,
    Commitment,
    SelfManagementModel,
    Team,
    TeamMember,
    MediationCase,
    OutreachSession,
    Commendation,
    WeaponSurrender,
    ReintegrationCase,
    EidTally,
    Tip,
    Incident,
    Recorder,
    Camera,
    Contribution,
    VideoExtraction,
    Patrol,
    TeamAppraisal,
]
COUNTED = [*WARD_RECORDS, WardCluster, User, Ward]


def snapshot():
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["residents"] = Household.objects.aggregate(n=Sum("member_count"))["n"]
    counts["cluster wards"] = WardCluster.wards.through.objects.count()
    counts["team groups"] = Team.groups.through.objects.count()
    return counts


def test_the_legacy_guards_end_on_the_day_law_30_took_effect(db):
    guards = Team.objects.filter(kind__in=Team.LEGACY_KINDS)
    assert guards.exists()
    assert set(guards.values_list("dissolved_on", flat=True)) == {LAW_30_IN_FORCE}
    # Ended by the load (audited), not created ended.
    ended = Team.pgh_event_model.objects.filter(pgh_label="update", dissolved_on=LAW_30_IN_FORCE)
    assert ended.values("pgh_obj_id").distinct().count() == guards.count()


# --- The Law 30/2023/QH15 force (demo.force) ----------------------------------------------------

SECURITY_TEAM = Team.Kind.SECURITY_TEAM
LAW_30_TEAMS = {TINH_GIA: 7, HOA_LU: 8}  # one for every two groups


def law_30_teams(code):
    return Team.objects.filter(ward__code=code, kind=SECURITY_TEAM)


@pytest.mark.parametrize(("code", "count"), LAW_30_TEAMS.items())
def test_law_30_teams_are_founded_by_the_chairmans_decision_with_a_roster(db, code, count):
    teams = law_30_teams(code)
    assert teams.count() == count
    groups = set(ResidentialGroup.objects.filter(ward__code=code).values_list("pk", flat=True))
    served = set()
    for team in teams:
        assert team.established_on == LAW_30_IN_FORCE
        assert team.decision_no.endswith("/QĐ-UBND")
        assert team.decision_on is not None and team.decision_on <= team.established_on
        assert team.dissolved_on is None
        assert team.roster_kept
        members = team.members.filter(left_on__isnull=True)
        roles = sorted(members.values_list("role", flat=True))
        assert team.headcount == len(roles) >= 3
        assert roles.count(TeamMember.Role.LEADER) == 1
        assert roles.count(TeamMember.Role.DEPUTY) == 1
        team_groups = set(team.groups.values_list("pk", flat=True))
        assert team_groups and team_groups <= groups
        served |= team_groups
    assert served == groups  # every group of the ward has its team


def test_hoa_lu_s_law_30_teams_take_in_the_former_guards(db):
    guards = set(
        rostered(HOA_LU, Team.Kind.NEIGHBOURHOOD_GUARD).values_list("full_name", flat=True)
    )
    members = rostered(HOA_LU, SECURITY_TEAM)
    assert members.count() >= 3 * LAW_30_TEAMS[HOA_LU]
    assert set(members.values_list("full_name", flat=True)) <= guards


@pytest.mark.parametrize("code", LAW_30_TEAMS)
def test_law_30_teams_log_their_patrols(db, code):
    today = timezone.localdate()
    for team in law_30_teams(code):
        patrols = Patrol.objects.filter(team=team)
        assert patrols.count() == 12  # twice a month, January to June 2025
        assert not patrols.exclude(ward=team.ward).exists()
        assert not patrols.filter(patrolled_on__lt=team.established_on).exists()
        assert not patrols.filter(patrolled_on__gt=today).exists()
        assert not patrols.filter(members_on_duty__gt=team.headcount).exists()
    patrols = Patrol.objects.filter(ward__code=code)
    assert patrols.filter(incidents_found__gt=0).exists()


@pytest.mark.parametrize("code", LAW_30_TEAMS)
def test_law_30_teams_are_appraised_for_2025_within_the_cap(db, code):
    appraisals = TeamAppraisal.objects.filter(ward__code=code, year=2025)
    assert set(appraisals.values_list("team", flat=True)) == set(
        law_30_teams(code).values_list("pk", flat=True)
    )
    levels = list(appraisals.values_list("level", flat=True))
    good = levels.count(TeamAppraisal.Level.GOOD)
    excellent = levels.count(TeamAppraisal.Level.EXCELLENT)
    cap = TeamAppraisalRule.for_year(2025).top_level_cap_pct
    assert excellent == 1
    assert excellent <= good * cap / 100
    assert levels.count(TeamAppraisal.Level.COMPLETED) == 1


def test_the_force_is_entered_through_the_services_so_the_law_s_rules_hold(db):
    """demo.force writes through the services (full_clean, the norm, the cap): a founding
    decision dated after the founding is refused there, where a bulk insert would store it."""
    ward = Ward.objects.get(code=TINH_GIA)
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "police.tinhgia"])}
    builder = WardBuilder(ward, prefix="TG", centre=(19.36, 105.795), users=users)
    groups = list(ResidentialGroup.objects.filter(ward=ward).order_by("pk")[:2])
    builder.label = {g.pk: g.name for g in groups}
    late = ForcePlan(
        decision_no="1/QĐ-UBND", decision_on=dt.date(2024, 7, 2), appraisal_decision_no=""
    )
    before = law_30_teams(TINH_GIA).count()
    with pytest.raises(ValidationError) as refused:
        build_force(builder, groups, late, ["đường Bình Minh"])
    assert "decision_on" in refused.value.message_dict
    assert law_30_teams(TINH_GIA).count() == before
    assert officer(builder).username == "police.tinhgia"


def test_loading_again_changes_no_count(db):
    before = snapshot()
    assert before["Household"] > 0
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert snapshot() == before
    assert "left as is" in out.getvalue()


def test_loading_again_restores_the_demo_users(db):
    user = User.objects.get(username="clerk.tinhgia")
    user.set_password("something-else-entirely")
    user.role = User.Role.WARD_POLICE
    user.is_active = False
    user.save()
    call_command("load_demo", stdout=StringIO())
    user.refresh_from_db()
    assert user.role == User.Role.WARD_STAFF
    assert Client().login(request=HttpRequest(), username="clerk.tinhgia", password=PASSWORD)


def test_load_demo_without_the_territory_says_to_load_it_first(db):
    Ward.objects.filter(code=BA_NGOI).update(code="99999")
    with pytest.raises(CommandError, match="load_territory"):
        call_command("load_demo", stdout=StringIO())


def test_history_records_the_load_as_the_load_demo_command(db):
    events = apps.get_model("households", "HouseholdEvent").objects
    # One insert per household (then one update: entered before the articles' periods).
    loaded = events.filter(pgh_context__metadata__command="load_demo")
    assert loaded.filter(pgh_label="insert").count() == Household.objects.count()


def test_no_demo_record_is_dated_after_today(db):
    today = timezone.localdate()
    now = timezone.now()
    dated = [
        (Household, "created_at", now),
        (Commitment, "signed_on", today),
        (SelfManagementModel, "founded_on", today),
        (Team, "established_on", today),
        (TeamMember, "joined_on", today),
        (MediationCase, "closed_on", today),
        (OutreachSession, "held_on", today),
        (Commendation, "awarded_on", today),
        (WeaponSurrender, "received_on", today),
        (ReintegrationCase, "started_on", today),
        (EidTally, "recorded_on", today),
        (Tip, "received_at", now),
        (Incident, "occurred_at", now),
        (Recorder, "installed_on", today),
        (Camera, "installed_on", today),
        (Contribution, "contributed_on", today),
        (VideoExtraction, "requested_at", now),
        (Patrol, "patrolled_on", today),
    ]
    for model, field, limit in dated:
        latest = model.objects.order_by(f"-{field}").values_list(field, flat=True).first()
        assert latest is not None, model.__name__
        assert latest <= limit, model.__name__


def test_bulk_inserted_records_keep_their_ward_equal_to_their_parents(db):
    assert Household.objects.count() > 0
    assert not Household.objects.exclude(ward=F("group__ward")).exists()
    assert not Commitment.objects.exclude(ward=F("household__ward")).exists()
    assert not Camera.objects.exclude(ward=F("group__ward")).exists()


def test_every_roster_team_counts_its_current_members(db):
    roster_teams = Team.objects.filter(roster_kept=True).annotate(
        current=Count("members", filter=Q(members__left_on__isnull=True))
    )
    # Guards of Tĩnh Gia, Hoa Lư and Vị Hoàng; Law 30 teams of Tĩnh Gia and Hoa Lư.
    assert roster_teams.count() == 14 + 16 + 7 + 7 + 8
    assert [t.name for t in roster_teams if t.headcount != t.current] == []


def test_sample_demo_records_pass_model_validation(db):
    for model in WARD_RECORDS:
        for order in ("pk", "-pk"):
            for obj in model.objects.order_by(order)[:5]:
                obj.full_clean()


# The statistics reproduce the articles (SPEC §7, §13) -------------------------------------------


@pytest.fixture
def rolled_up(db):
    from reports.statistics import rollup

    rollup.process_dirty()


def demo_stats(username, scope, spec, metrics):
    from reports.statistics.selectors import stats_for
    from wardsecurity.period_spec import parse_period

    user = User.objects.get(username=username)
    return stats_for(user=user, scope=scope, period=parse_period(spec), metrics=metrics)["metrics"]


def test_stats_reproduce_tinh_gia_incidents_jan_aug_2023(rolled_up):
    figures = demo_stats("viewer.all", f"ward:{TINH_GIA}", "months:2023:8", ["incidents"])
    assert figures["incidents"] == {"value": 5, "previous": 18, "change": -13, "change_pct": -72.2}


def test_stats_count_the_law_30_force_of_tinh_gia_in_2025(rolled_up):
    answer = demo_figures(
        "police.tinhgia",
        f"ward:{TINH_GIA}",
        "months:2025:6",
        ["patrols", "patrol_member_shifts"],
    )
    figures = answer["metrics"]
    patrols = Patrol.objects.filter(ward__code=TINH_GIA, patrolled_on__year=2025)
    assert figures["patrols"]["value"] == patrols.count() == 7 * 12
    assert (
        figures["patrol_member_shifts"]["value"] == patrols.aggregate(n=Sum("members_on_duty"))["n"]
    )


def test_stats_reproduce_ba_ngoi_households_and_residents_in_2019(rolled_up):
    figures = demo_stats(
        "police.bangoi", f"ward:{BA_NGOI}", "year:2019", ["households", "residents"]
    )
    assert figures["households"]["value"] == 3677
    assert figures["residents"]["value"] == 16008


def test_stats_reproduce_tinh_gia_figures_of_the_first_8_months_of_2023(rolled_up):
    figures = demo_stats(
        "police.tinhgia",
        "all",
        "months:2023:8",
        ["teams.neighbourhood_guard", "team_members.neighbourhood_guard", "cameras.community"],
    )
    assert figures["teams.neighbourhood_guard"]["value"] == 14
    assert figures["team_members.neighbourhood_guard"]["value"] == 27
    assert figures["cameras.community"]["value"] == 125


def demo_figures(username, scope, spec, metrics, calendar="civil", **extra):
    from reports.statistics.selectors import stats_for
    from wardsecurity.period_spec import parse_period

    user = User.objects.get(username=username)
    period = parse_period(spec, calendar=calendar)
    return stats_for(user=user, scope=scope, period=period, metrics=metrics, **extra)


def test_tinh_gia_coverage_is_96_8_percent_asked_alone_in_both_calendars(rolled_up):
    """Asked alone, with households only, or with its parts, in the civil and the reporting
    calendar: 3,993 of 4,126 households, and no data for 2022 (no commitment for that year)."""
    for calendar in ("civil", "reporting"):
        for metrics in (
            ["commitment_coverage_pct"],
            ["commitment_coverage_pct", "households"],
            ["commitment_coverage_pct", "households", "commitments_signed"],
        ):
            answer = demo_figures(
                "police.tinhgia", f"ward:{TINH_GIA}", "months:2023:8", metrics, calendar
            )
            assert answer["metrics"]["commitment_coverage_pct"] == {
                "value": 96.8, "numerator": 3_993, "denominator": 4_126, "previous": None,
                "change": None, "change_pct": None, "no_previous": "no_data",
            }, (calendar, metrics)  # fmt: skip


def test_tinh_gia_mediation_success_stays_within_100_percent_in_q3_2023(rolled_up):
    for spec in ("quarter:2023-Q3", "months:2023:8"):
        answer = demo_figures("police.tinhgia", f"ward:{TINH_GIA}", spec, None)
        figure = answer["metrics"]["mediation_success_pct"]
        assert figure["numerator"] <= figure["denominator"]
        assert figure["value"] == 100.0, spec


def test_ha_giang_2_commitments_of_2017_are_in_their_households_groups(rolled_up):
    answer = demo_figures(
        "viewer.all", f"ward:{HA_GIANG_2}", "year:2017", ["commitments_signed"], by="group"
    )
    rows = {row["group"]["id"]: row["metrics"]["commitments_signed"] for row in answer["breakdown"]}
    expected = dict(
        Commitment.objects.filter(ward__code=HA_GIANG_2, year=2017)
        .values_list("household__group")
        .annotate(n=Count("pk"))
    )
    assert len(expected) == 17
    assert {group: rows[group]["value"] for group in expected} == expected
    assert rows[None]["value"] == 0  # every household of the ward is in a group
    assert answer["metrics"]["commitments_signed"]["value"] == 2_223


def test_ba_ngoi_managed_79_people_in_2019(rolled_up):
    answer = demo_figures(
        "police.bangoi",
        f"ward:{BA_NGOI}",
        "year:2019",
        ["reintegration_managed", "reintegration_started", "reintegration_active"],
    )
    figures = answer["metrics"]
    assert figures["reintegration_managed"]["value"] == 79
    started = ReintegrationCase.objects.filter(ward__code=BA_NGOI, started_on__year=2019)
    assert figures["reintegration_started"]["value"] == started.count()
    assert figures["reintegration_active"]["value"] < 79


def test_eid_running_totals_are_the_latest_tallies(rolled_up):
    tinh_gia = demo_figures(
        "police.tinhgia", f"ward:{TINH_GIA}", "months:2023:8", ["vneid_level2_collected"]
    )
    assert tinh_gia["metrics"]["vneid_level2_collected"]["value"] == 7_081
    # A running total stands until the next tally: still 7,081 at the end of 2023.
    later = demo_figures("police.tinhgia", f"ward:{TINH_GIA}", "year:2023", ["vneid_level1"])
    assert later["metrics"]["vneid_level1"]["value"] == 287
