import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from movement import services as s
from movement.models import (
    Appraisal,
    AppraisalThreshold,
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
from reports.models import DirtyBucket
from tests import factories as f
from tests.figures import ward_figure
from tests.service_matrix import Case, ServiceMatrix, error_codes, snapshot


def appraisable_team(ward):
    """A Tổ bảo vệ ANTT that has worked long enough to be appraised for 2025."""
    return f.TeamFactory(ward=ward, established_on=dt.date(2024, 7, 1))


def household_of(ward):
    return f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward))


def case(model, noun, factory, data, change, **extra):
    return Case(
        model=model,
        create=getattr(s, f"{noun}_create"),
        update=getattr(s, f"{noun}_update"),
        delete=getattr(s, f"{noun}_delete"),
        factory=factory,
        data=data,
        change=change,
        **extra,
    )


class TestMovementWritesByRoleAndScope(ServiceMatrix):
    cases = [
        case(
            SelfManagementModel,
            "self_management_model",
            lambda ward: f.SelfManagementModelFactory(ward=ward),
            lambda ward: {
                "ward": ward.pk,
                "name": "Camera an ninh tổ 3",
                "kind": "camera",
                "founded_on": "2023-05-01",
                "groups": [f.ResidentialGroupFactory(ward=ward).pk],
            },
            {"exemplary": True, "status": "paused"},
        ),
        case(
            Team,
            "team",
            lambda ward: f.TeamFactory(ward=ward),
            lambda ward: {
                "ward": ward.pk,
                "kind": "security_team",
                "name": "Tổ bảo vệ ANTT số 1",
                "established_on": "2024-07-01",
                "decision_no": "15/QĐ-UBND",
                "decision_on": "2024-06-25",
                "headcount": 6,
                "groups": [f.ResidentialGroupFactory(ward=ward)],
            },
            {"headcount": 7, "decision_no": "15/QĐ-UBND"},
        ),
        case(
            TeamMember,
            "team_member",
            lambda ward: f.TeamMemberFactory(team=f.TeamFactory(ward=ward)),
            lambda ward: {
                "team": f.TeamFactory(ward=ward).pk,
                "full_name": "Lê Thị Hoa",
                "role": "leader",
                "birth_year": 1975,
            },
            {"role": "deputy", "joined_on": "2024-08-01"},
            owner_target=lambda ward: f.TeamFactory(ward=ward).pk,
        ),
        case(
            Patrol,
            "patrol",
            lambda ward: f.PatrolFactory(team=f.TeamFactory(ward=ward)),
            lambda ward: {
                "team": f.TeamFactory(ward=ward).pk,
                "patrolled_on": "2024-04-01",
                "shift": "night",
                "area": "Khu vực chợ Ba Ngòi",
                "members_on_duty": 3,
                "findings": "Nhóm thanh niên tụ tập, đã nhắc nhở giải tán",
                "incidents_found": 1,
            },
            {"incidents_found": 2, "findings": "Phát hiện 2 xe máy không khóa"},
            derived_from="team",
        ),
        case(
            TeamAppraisal,
            "team_appraisal",
            lambda ward: f.TeamAppraisalFactory(team=appraisable_team(ward)),
            lambda ward: {"team": appraisable_team(ward).pk, "year": 2025, "level": "completed"},
            {"level": "not_completed", "note": "Không tham gia tuần tra đủ"},
            derived_from="team",
        ),
        case(
            Commitment,
            "commitment",
            lambda ward: f.CommitmentFactory(household=household_of(ward)),
            lambda ward: {
                "household": household_of(ward).pk,
                "year": 2024,
                "kind": "no_firecrackers",
                "signed_on": "2024-01-15",
            },
            {"kind": "fire_safety"},
            derived_from="household",
        ),
        case(
            MediationCase,
            "mediation_case",
            lambda ward: f.MediationCaseFactory(ward=ward),
            lambda ward: {
                "ward": ward.pk,
                "received_on": "2024-02-01",
                "subject": "land",
                "parties": "Ông A và ông B",
            },
            {"outcome": "resolved", "closed_on": "2024-03-20"},
        ),
        case(
            OutreachSession,
            "outreach_session",
            lambda ward: f.OutreachSessionFactory(ward=ward),
            lambda ward: {
                "ward": ward.pk,
                "held_on": "2024-04-01",
                "topic": "Phòng chống ma túy",
                "attendees": 80,
                "partners": ["police", "women"],
            },
            {"attendees": 95},
        ),
        case(
            Commendation,
            "commendation",
            lambda ward: f.CommendationFactory(ward=ward),
            lambda ward: {
                "ward": ward.pk,
                "recipient_kind": "collective",
                "recipient_name": "Tổ dân phố 3",
                "level": "ward",
                "issuer": "UBND phường",
                "awarded_on": "2024-01-10",
            },
            {"level": "province"},
        ),
        case(
            WeaponSurrender,
            "weapon_surrender",
            lambda ward: f.WeaponSurrenderFactory(ward=ward),
            lambda ward: {
                "ward": ward.pk,
                "received_on": "2024-02-02",
                "item": "knife",
                "quantity": "3",
                "unit": "piece",
            },
            {"quantity": "4.250", "unit": "kg"},
        ),
        case(
            ReintegrationCase,
            "reintegration_case",
            lambda ward: f.ReintegrationCaseFactory(ward=ward),
            lambda ward: {
                "ward": ward.pk,
                "person_name": "Phạm Văn Bình",
                "birth_year": 1990,
                "category": "drug_rehab",
                "started_on": "2024-01-01",
            },
            {"status": "completed", "ended_on": "2024-06-01"},
        ),
        case(
            EidTally,
            "eid_tally",
            lambda ward: f.EidTallyFactory(ward=ward),
            lambda ward: {
                "ward": ward.pk,
                "recorded_on": "2024-03-01",
                "chip_cards": 120,
                "vneid_level2_activated": 40,
            },
            {"chip_cards": 130},
        ),
        case(
            SafetyRecognition,
            "safety_recognition",
            lambda ward: f.SafetyRecognitionFactory(ward=ward),
            lambda ward: {"ward": ward.pk, "subject": "ward", "year": 2023, "recognised": False},
            {"decision_no": "12/QĐ-UBND"},
        ),
        case(
            Appraisal,
            "appraisal",
            lambda ward: f.AppraisalFactory(ward=ward),
            lambda ward: {
                "ward": ward.pk,
                "subject": "ward",
                "year": 2023,
                "points": f.sheet_points(),
            },
            {"year": 2022},
        ),
        case(
            OrganisationCommitmentTally,
            "organisation_commitment_tally",
            lambda ward: f.OrganisationCommitmentTallyFactory(
                organisation=f.OrganisationFactory(ward=ward), ward=ward
            ),
            lambda ward: {
                "organisation": f.OrganisationFactory(ward=ward).pk,
                "year": 2024,
                "staff_count": 52,
                "signed_count": 50,
            },
            {"signed_count": 40},
            derived_from="organisation",
        ),
    ]


# Team rosters ----------------------------------------------------------------------------------


def member_data(team, **extra):
    return {"team": team.pk, "full_name": "Đỗ Văn Tâm", **extra}


def test_kept_roster_sets_the_headcount_on_each_member_change(officer_a, ward_a):
    # Not a Tổ bảo vệ ANTT: its roster may not drop under the norm (test_force.py).
    team = s.team_create(
        actor=officer_a,
        data={
            "ward": ward_a,
            "kind": "self_managed_group",
            "name": "Tổ tự quản",
            "established_on": "2024-07-01",
            "roster_kept": True,
        },
    )
    assert team.headcount == 0
    first = s.team_member_create(actor=officer_a, data=member_data(team))
    s.team_member_create(actor=officer_a, data=member_data(team, full_name="Vũ Thị Lan"))
    team.refresh_from_db()
    assert team.headcount == 2

    s.team_member_update(actor=officer_a, instance=first, data={"left_on": "2024-09-01"})
    team.refresh_from_db()
    assert team.headcount == 1

    s.team_member_update(actor=officer_a, instance=first, data={"left_on": None})
    team.refresh_from_db()
    assert team.headcount == 2

    s.team_member_delete(actor=officer_a, instance=first)
    team.refresh_from_db()
    assert team.headcount == 1


@pytest.mark.django_db(transaction=True)  # each service call commits, as in a request
def test_a_recounted_headcount_has_the_statistics_processed_when_it_commits(
    officer_a, viewer_all, ward_a
):
    """A member changes the team's headcount by update(), which no post_save announces: the
    commit asks the worker to process the statistics (here inline, eager)."""
    team = f.TeamFactory(
        ward=ward_a, kind=Team.Kind.SELF_MANAGED_GROUP, roster_kept=True, headcount=0,
        established_on=dt.date(2024, 7, 1),
    )  # fmt: skip
    s.team_member_create(actor=officer_a, data=member_data(team))
    s.team_member_create(actor=officer_a, data=member_data(team, full_name="Vũ Thị Lan"))
    assert not DirtyBucket.objects.exists()
    assert ward_figure(viewer_all, ward_a, "ytd:", "team_members.self_managed_group") == 2


def test_declared_headcount_is_untouched_when_no_roster_is_kept(officer_a, ward_a):
    team = f.TeamFactory(ward=ward_a, headcount=12, roster_kept=False)
    s.team_member_create(actor=officer_a, data=member_data(team))
    team.refresh_from_db()
    assert team.headcount == 12


def test_moving_a_member_recounts_both_teams(officer_a, ward_a):
    kind = Team.Kind.SELF_MANAGED_GROUP
    old_team = f.TeamFactory(ward=ward_a, kind=kind, roster_kept=True, headcount=1)
    new_team = f.TeamFactory(ward=ward_a, kind=kind, roster_kept=True, headcount=0)
    member = f.TeamMemberFactory(team=old_team)
    s.team_member_update(actor=officer_a, instance=member, data={"team": new_team.pk})
    old_team.refresh_from_db()
    new_team.refresh_from_db()
    assert (old_team.headcount, new_team.headcount) == (0, 1)


def test_starting_a_roster_sets_the_headcount_to_the_current_members(officer_a, ward_a):
    team = f.TeamFactory(ward=ward_a, headcount=9, roster_kept=False)
    f.TeamMemberFactory(team=team)
    f.TeamMemberFactory(team=team, left_on=dt.date(2024, 5, 1), joined_on=dt.date(2024, 1, 1))
    updated = s.team_update(actor=officer_a, instance=team, data={"roster_kept": True})
    assert updated.headcount == 1


def test_typed_headcount_differing_from_a_kept_roster_is_refused(officer_a, ward_a):
    team = f.TeamFactory(ward=ward_a, headcount=0, roster_kept=True)
    before = snapshot(Team)
    with pytest.raises(ValidationError) as exc_info:
        s.team_update(actor=officer_a, instance=team, data={"headcount": 5})
    assert error_codes(exc_info, "headcount") == ["roster_kept"]
    assert snapshot(Team) == before


def test_new_team_keeping_a_roster_refuses_a_typed_headcount(officer_a, ward_a):
    data = {
        "ward": ward_a.pk,
        "kind": "security_team",
        "name": "Tổ bảo vệ ANTT",
        "established_on": "2024-07-01",
        "decision_no": "15/QĐ-UBND",
        "decision_on": "2024-06-25",
        "groups": [f.ResidentialGroupFactory(ward=ward_a).pk],
        "roster_kept": True,
        "headcount": 4,
    }
    with pytest.raises(ValidationError) as exc_info:
        s.team_create(actor=officer_a, data=data)
    assert error_codes(exc_info, "headcount") == ["roster_kept"]
    assert not Team.objects.exists()


def test_roster_headcount_is_checked_only_once_the_team_is_clean(officer_a, ward_a):
    team = f.TeamFactory(ward=ward_a, headcount=0, roster_kept=True)
    with pytest.raises(ValidationError) as exc_info:
        s.team_update(
            actor=officer_a, instance=team, data={"headcount": 5, "established_on": "2024-02-30"}
        )
    assert set(exc_info.value.error_dict) == {"established_on"}


def test_team_groups_must_be_of_the_teams_ward(officer_a, ward_a, ward_b):
    team = f.TeamFactory(ward=ward_a, groups=[])
    own = f.ResidentialGroupFactory(ward=ward_a)
    for groups in ([own.pk, f.ResidentialGroupFactory(ward=ward_b).pk], [own.pk, 10**9], own.pk):
        with pytest.raises(ValidationError) as exc_info:
            s.team_update(actor=officer_a, instance=team, data={"groups": groups})
        assert list(exc_info.value.error_dict) == ["groups"]
    assert not team.groups.exists()
    updated = s.team_update(actor=officer_a, instance=team, data={"groups": [own]})
    assert list(updated.groups.all()) == [own]


def test_team_cannot_belong_to_another_wards_model(officer_a, ward_a, ward_b):
    team = f.TeamFactory(ward=ward_a)
    other = f.SelfManagementModelFactory(ward=ward_b)
    with pytest.raises(ValidationError) as exc_info:
        s.team_update(actor=officer_a, instance=team, data={"model": other.pk})
    assert error_codes(exc_info, "model") == ["other_ward"]


# Commitments -----------------------------------------------------------------------------------


def test_commitment_for_both_a_household_and_an_organisation_is_refused(clerk_a, ward_a):
    data = {
        "household": household_of(ward_a).pk,
        "organisation": f.OrganisationFactory(ward=ward_a).pk,
        "year": 2024,
        "kind": "fire_safety",
        "signed_on": "2024-02-01",
    }
    with pytest.raises(ValidationError) as exc_info:
        s.commitment_create(actor=clerk_a, data=data)
    assert error_codes(exc_info, NON_FIELD_ERRORS) == ["signer"]
    assert not Commitment.objects.exists()


def test_commitment_with_neither_signer_is_refused(clerk_a, ward_a):
    data = {"ward": ward_a.pk, "year": 2024, "kind": "fire_safety", "signed_on": "2024-02-01"}
    with pytest.raises(ValidationError) as exc_info:
        s.commitment_create(actor=clerk_a, data=data)
    assert error_codes(exc_info, NON_FIELD_ERRORS) == ["signer"]
    assert not Commitment.objects.exists()


def test_commitment_takes_the_ward_of_its_organisation(clerk_a, ward_a):
    organisation = f.OrganisationFactory(ward=ward_a)
    commitment = s.commitment_create(
        actor=clerk_a,
        data={
            "organisation": organisation,
            "year": 2024,
            "kind": "other",
            "signed_on": "2024-02-01",
        },
    )
    assert commitment.ward == ward_a


def test_second_commitment_of_the_same_kind_and_year_is_refused(clerk_a, ward_a):
    existing = f.CommitmentFactory(household=household_of(ward_a))
    data = {
        "household": existing.household_id,
        "year": existing.year,
        "kind": existing.kind,
        "signed_on": "2024-05-01",
    }
    before = snapshot(Commitment)
    with pytest.raises(ValidationError) as exc_info:
        s.commitment_create(actor=clerk_a, data=data)
    assert list(exc_info.value.error_dict) == [NON_FIELD_ERRORS]
    assert snapshot(Commitment) == before


# Appraisals and recognitions -------------------------------------------------------------------


@pytest.fixture
def thresholds(db):
    for grade, score in {"excellent": 90, "good": 70, "average": 50, "weak": 0}.items():
        AppraisalThreshold.objects.update_or_create(grade=grade, defaults={"min_score": score})


def test_appraisal_grade_follows_the_configured_thresholds(thresholds, officer_a, ward_a):
    points = f.sheet_points(lanh_dao="20", tuyen_truyen="20", mo_hinh="20", ket_qua="30")
    data = {"ward": ward_a.pk, "subject": "ward", "year": 2024, "points": points}
    appraisal = s.appraisal_create(actor=officer_a, data=data)
    assert (appraisal.score, appraisal.grade) == (Decimal("95"), "excellent")
    lower = f.sheet_points(lanh_dao="10", tuyen_truyen="10", mo_hinh="10", ket_qua="30")
    appraisal = s.appraisal_update(actor=officer_a, instance=appraisal, data={"points": lower})
    assert (appraisal.score, appraisal.grade) == (Decimal("65"), "average")
    AppraisalThreshold.objects.filter(grade="good").update(min_score=60)
    appraisal = s.appraisal_update(actor=officer_a, instance=appraisal, data={"points": lower})
    assert appraisal.grade == "good"


@pytest.mark.parametrize("field", ["grade", "score"])
def test_appraisal_total_and_grade_cannot_be_typed(field, thresholds, officer_a, ward_a):
    data = {"ward": ward_a.pk, "subject": "ward", "year": 2024, "points": f.sheet_points()}
    with pytest.raises(ValidationError) as exc_info:
        s.appraisal_create(actor=officer_a, data={**data, field: "95"})
    assert error_codes(exc_info, field) == ["not_writable"]
    assert not Appraisal.objects.exists()


def test_appraisal_of_another_wards_team_is_refused(officer_a, ward_a, ward_b):
    data = {
        "ward": ward_a.pk,
        "subject": "team",
        "team": f.TeamFactory(ward=ward_b).pk,
        "year": 2024,
    }
    with pytest.raises(ValidationError) as exc_info:
        s.appraisal_create(actor=officer_a, data=data)
    assert error_codes(exc_info, "team") == ["other_ward"]


def test_second_recognition_of_the_ward_for_a_year_is_refused(officer_a, ward_a):
    f.SafetyRecognitionFactory(ward=ward_a, year=2024)
    before = snapshot(SafetyRecognition)
    with pytest.raises(ValidationError) as exc_info:
        s.safety_recognition_create(
            actor=officer_a, data={"ward": ward_a.pk, "subject": "ward", "year": 2024}
        )
    assert list(exc_info.value.error_dict) == [NON_FIELD_ERRORS]
    assert snapshot(SafetyRecognition) == before


# Bad input: counts, quantities and dates ------------------------------------------------------


def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        pytest.param({"attendees": -1}, "attendees", "min_value", id="negative-attendees"),
        pytest.param({"attendees": "٣٠"}, "attendees", "invalid", id="arabic-indic-attendees"),
        pytest.param({"attendees": "１０"}, "attendees", "invalid", id="full-width-attendees"),
        pytest.param({"held_on": "2024-02-30"}, "held_on", "invalid_date", id="30-february"),
        pytest.param({"held_on": "30/02/2024"}, "held_on", "invalid", id="dd-mm-yyyy"),
        pytest.param({"held_on": "02/03/2024"}, "held_on", "invalid", id="ambiguous-date"),
        pytest.param({"held_on": 20240301}, "held_on", "invalid", id="number-as-date"),
        pytest.param({"held_on": tomorrow}, "held_on", "future", id="future-date"),
        pytest.param({"partners": ["police", "aliens"]}, "partners", "item_invalid", id="partner"),
        pytest.param({"partners": "police"}, "partners", "invalid", id="partners-not-a-list"),
        pytest.param({"topic": "Tuyên truyền\x00"}, "topic", "control_characters", id="nul"),
    ],
)
def test_outreach_session_create_refuses_bad_input(overrides, field, code, clerk_a, ward_a):
    overrides = {k: v() if callable(v) else v for k, v in overrides.items()}
    data = {
        "ward": ward_a.pk,
        "held_on": "2024-04-01",
        "topic": "Phòng chống lừa đảo",
        "attendees": 50,
        **overrides,
    }
    with pytest.raises(ValidationError) as exc_info:
        s.outreach_session_create(actor=clerk_a, data=data)
    assert code in error_codes(exc_info, field)
    assert not OutreachSession.objects.exists()


def test_held_today_is_not_in_the_future(clerk_a, ward_a):
    data = {"ward": ward_a.pk, "held_on": timezone.localdate(), "topic": "Hôm nay"}
    assert s.outreach_session_create(actor=clerk_a, data=data).held_on == timezone.localdate()


@pytest.mark.parametrize(
    ("quantity", "code"),
    [("-1", "min_value"), ("1,5", "invalid"), ("1.500.000", "invalid"), ("١", "invalid")],
)
def test_weapon_quantity_must_be_a_plain_non_negative_number(quantity, code, officer_a, ward_a):
    data = {
        "ward": ward_a.pk,
        "received_on": "2024-02-02",
        "item": "firecracker",
        "quantity": quantity,
        "unit": "kg",
    }
    with pytest.raises(ValidationError) as exc_info:
        s.weapon_surrender_create(actor=officer_a, data=data)
    assert code in error_codes(exc_info, "quantity")
    assert not WeaponSurrender.objects.exists()


def test_weapon_quantity_accepts_decimals(officer_a, ward_a):
    data = {"ward": ward_a.pk, "received_on": "2024-02-02", "item": "gun", "unit": "piece"}
    record = s.weapon_surrender_create(actor=officer_a, data={**data, "quantity": 2.5})
    assert record.quantity == Decimal("2.5")


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"outcome": "resolved", "closed_on": "2024-01-01"}, NON_FIELD_ERRORS, "dates_order"),
        ({"outcome": "resolved"}, NON_FIELD_ERRORS, "closed_on"),
        ({"closed_on": "2024-04-01"}, NON_FIELD_ERRORS, "closed_on"),
        ({"received_on": "2099-01-01"}, "received_on", "future"),
    ],
)
def test_mediation_case_update_refuses_inconsistent_dates(changes, field, code, clerk_a, ward_a):
    case = f.MediationCaseFactory(ward=ward_a)  # received 10/03/2024, pending
    before = snapshot(MediationCase)
    with pytest.raises(ValidationError) as exc_info:
        s.mediation_case_update(actor=clerk_a, instance=case, data=changes)
    assert code in error_codes(exc_info, field)
    assert snapshot(MediationCase) == before


@pytest.mark.parametrize("count", [-5, "-5", "５"])
def test_eid_counters_refuse_negative_or_foreign_digits(count, clerk_a, ward_a):
    tally = f.EidTallyFactory(ward=ward_a)
    before = snapshot(EidTally)
    with pytest.raises(ValidationError) as exc_info:
        s.eid_tally_update(actor=clerk_a, instance=tally, data={"vneid_level1": count})
    assert list(exc_info.value.error_dict) == ["vneid_level1"]
    assert snapshot(EidTally) == before


def test_member_birth_year_in_the_future_is_refused(officer_a, ward_a):
    team = f.TeamFactory(ward=ward_a)
    with pytest.raises(ValidationError) as exc_info:
        s.team_member_create(actor=officer_a, data=member_data(team, birth_year=2999))
    assert error_codes(exc_info, "birth_year") == ["birth_year"]
    assert not TeamMember.objects.exists()
