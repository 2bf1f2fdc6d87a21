"""The Law 30/2023 grassroots force (issue 14, items 2 and 3; docs/domain.md).

A Tổ bảo vệ ANTT founded by a decision, serving residential groups, sized by its province's norm;
the legacy forces refused from 1 July 2024 and ended by ``manage.py end_legacy_forces``; the
patrol log with its figures; the team appraisal under the Ministry's cap on the top level.
"""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.utils.timezone import localdate

from movement import services as s
from movement.models import (
    LAW_30_IN_FORCE,
    Patrol,
    Team,
    TeamAppraisal,
    TeamAppraisalRule,
    TeamMember,
    TeamSizeNorm,
    appraisal_year_of,
)
from movement.views import TEAMS
from reports.models import DirtyBucket
from reports.statistics import rollup
from reports.statistics.selectors import stats_for
from tests import factories as f
from tests.figures import ward_figure
from tests.portal.helpers import create_data
from tests.service_matrix import error_codes, snapshot
from wardsecurity.period_spec import parse_period

pytestmark = pytest.mark.django_db

FOUNDED = dt.date(2024, 7, 1)


def messages(exc_info, key):
    return [str(message) for message in exc_info.value.message_dict[key]]


def team_data(ward, **extra):
    return {
        "ward": ward.pk,
        "kind": "security_team",
        "name": "Tổ bảo vệ ANTT tổ dân phố 1",
        "groups": [f.ResidentialGroupFactory(ward=ward).pk],
        "established_on": "2024-07-01",
        "decision_no": "125/QĐ-UBND",
        "decision_on": "2024-06-28",
        "headcount": 5,
        **extra,
    }


def roster_team(ward, members=3, **extra):
    team = f.TeamFactory(ward=ward, roster_kept=True, headcount=members, established_on=FOUNDED)
    roles = [TeamMember.Role.LEADER, TeamMember.Role.DEPUTY] + [TeamMember.Role.MEMBER] * 10
    people = [f.TeamMemberFactory(team=team, role=roles[i], **extra) for i in range(members)]
    return team, people


# The configuration the migration loads ---------------------------------------------------------


def test_the_migration_loads_the_national_norm_and_the_appraisal_rule_with_their_sources():
    norm = TeamSizeNorm.objects.get(province__isnull=True)
    assert (norm.min_members, norm.max_members) == (3, None)
    assert "30/2023/QH15" in norm.source and "40/2024/NĐ-CP" in norm.source
    rule = TeamAppraisalRule.for_year(2025)
    assert (rule.top_level_cap_pct, rule.min_months_operating) == (Decimal("20"), 9)
    assert "01/HD-BCA-V05" in rule.source


# Founding a Tổ bảo vệ ANTT ---------------------------------------------------------------------


def test_a_security_team_with_its_decision_groups_and_three_members_is_founded(clerk_a, ward_a):
    team = s.team_create(actor=clerk_a, data=team_data(ward_a, headcount=3))
    assert (team.decision_no, team.decision_on) == ("125/QĐ-UBND", dt.date(2024, 6, 28))
    assert team.groups.count() == 1


def test_a_security_team_of_two_members_is_refused_in_vietnamese(clerk_a, ward_a):
    with pytest.raises(ValidationError) as exc_info:
        s.team_create(actor=clerk_a, data=team_data(ward_a, headcount=2))
    assert error_codes(exc_info, "headcount") == ["under_norm"]
    assert messages(exc_info, "headcount") == [
        "Tổ bảo vệ an ninh, trật tự ở cơ sở có ít nhất 3 thành viên "
        "(định mức của toàn quốc); tổ này có 2."
    ]
    assert not Team.objects.exists()


@pytest.mark.parametrize("missing", ["decision_no", "decision_on"])
def test_a_security_team_without_its_founding_decision_is_refused(missing, clerk_a, ward_a):
    data = team_data(ward_a)
    del data[missing]
    with pytest.raises(ValidationError) as exc_info:
        s.team_create(actor=clerk_a, data=data)
    assert error_codes(exc_info, missing) == ["required"]
    assert "Chủ tịch Ủy ban nhân dân" in messages(exc_info, missing)[0]
    assert not Team.objects.exists()


def test_a_decision_dated_after_the_founding_is_refused(clerk_a, ward_a):
    with pytest.raises(ValidationError) as exc_info:
        s.team_create(actor=clerk_a, data=team_data(ward_a, decision_on="2024-07-02"))
    assert error_codes(exc_info, "decision_on") == ["order"]


def test_a_security_team_serves_at_least_one_residential_group(clerk_a, ward_a):
    with pytest.raises(ValidationError) as exc_info:
        s.team_create(actor=clerk_a, data=team_data(ward_a, groups=[]))
    assert error_codes(exc_info, "groups") == ["required"]
    team = f.TeamFactory(ward=ward_a)
    with pytest.raises(ValidationError) as exc_info:
        s.team_update(actor=clerk_a, instance=team, data={"groups": []})
    assert error_codes(exc_info, "groups") == ["required"]
    assert team.groups.count() == 1


def test_other_kinds_need_no_decision_groups_or_minimum(clerk_a, ward_a):
    data = {**team_data(ward_a, kind="anti_drug", headcount=1, groups=[]), "decision_no": ""}
    del data["decision_on"]
    assert s.team_create(actor=clerk_a, data=data).headcount == 1


def test_a_provinces_norm_replaces_the_national_default(clerk_a, ward_a, ward_c, admin_user):
    TeamSizeNorm.objects.create(
        province=ward_a.province, min_members=4, max_members=6, source="Nghị quyết HĐND tỉnh"
    )
    for headcount, code in ((3, "under_norm"), (7, "over_norm")):
        with pytest.raises(ValidationError) as exc_info:
            s.team_create(actor=clerk_a, data=team_data(ward_a, headcount=headcount))
        assert error_codes(exc_info, "headcount") == [code]
        assert ward_a.province.name in messages(exc_info, "headcount")[0]
    assert s.team_create(actor=clerk_a, data=team_data(ward_a, headcount=4)).headcount == 4
    # Another province keeps the national default.
    assert s.team_create(actor=admin_user, data=team_data(ward_c, headcount=3)).headcount == 3


def test_a_kept_roster_is_built_member_by_member(officer_a, ward_a):
    team = s.team_create(actor=officer_a, data=team_data(ward_a, roster_kept=True, headcount=0))
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        s.team_member_create(actor=officer_a, data={"team": team.pk, "full_name": name})
    team.refresh_from_db()
    assert team.headcount == 2


def test_a_member_leaving_cannot_take_the_roster_under_three(officer_a, ward_a):
    _team, (_leader, deputy, member) = roster_team(ward_a)
    other = f.TeamFactory(ward=ward_a, kind=Team.Kind.ANTI_DRUG)
    before = snapshot(TeamMember), snapshot(Team)
    with pytest.raises(ValidationError) as exc_info:
        s.team_member_update(actor=officer_a, instance=member, data={"left_on": "2025-01-10"})
    assert error_codes(exc_info, "left_on") == ["under_norm"]
    assert messages(exc_info, "left_on") == [
        "Tổ sẽ chỉ còn 2 thành viên, ít hơn 3 thành viên mà Tổ bảo vệ an ninh, trật tự ở cơ sở "
        "phải có (định mức của toàn quốc). Hãy bổ sung thành viên trước, hoặc giải thể tổ."
    ]
    with pytest.raises(ValidationError) as exc_info:
        s.team_member_delete(actor=officer_a, instance=deputy)
    assert error_codes(exc_info, NON_FIELD_ERRORS) == ["under_norm"]
    with pytest.raises(ValidationError) as exc_info:
        s.team_member_update(actor=officer_a, instance=member, data={"team": other.pk})
    assert error_codes(exc_info, "team") == ["under_norm"]
    assert (snapshot(TeamMember), snapshot(Team)) == before


def test_a_replaced_member_may_leave_and_a_dissolved_team_may_empty(officer_a, ward_a):
    team, (_leader, _deputy, member) = roster_team(ward_a)
    s.team_member_create(actor=officer_a, data={"team": team.pk, "full_name": "Lê Văn Cường"})
    s.team_member_update(actor=officer_a, instance=member, data={"left_on": "2025-01-10"})
    team.refresh_from_db()
    assert team.headcount == 3
    s.team_update(actor=officer_a, instance=team, data={"dissolved_on": "2025-02-01"})
    for person in TeamMember.objects.filter(team=team, left_on__isnull=True):
        s.team_member_delete(actor=officer_a, instance=person)
    team.refresh_from_db()
    assert team.headcount == 0


def test_a_team_has_one_current_leader(officer_a, ward_a):
    team, (leader, deputy, _member) = roster_team(ward_a)
    data = {"team": team.pk, "full_name": "Phạm Văn Dũng", "role": "leader"}
    with pytest.raises(ValidationError) as exc_info:
        s.team_member_create(actor=officer_a, data=data)
    assert error_codes(exc_info, "role") == ["one_leader"]
    with pytest.raises(ValidationError):
        s.team_member_update(actor=officer_a, instance=deputy, data={"role": "leader"})
    assert TeamMember.objects.filter(team=team, role="leader").count() == 1
    # The leader steps down; the deputy takes over.
    s.team_member_update(actor=officer_a, instance=leader, data={"role": "member"})
    s.team_member_update(actor=officer_a, instance=deputy, data={"role": "leader"})


# The legacy forces -----------------------------------------------------------------------------

LEGACY = ["neighbourhood_guard", "part_time_commune_police", "civil_defence_captains"]


@pytest.mark.parametrize("kind", LEGACY)
def test_a_legacy_force_founded_in_2025_is_refused(kind, clerk_a, ward_a):
    data = {"ward": ward_a.pk, "kind": kind, "name": "Tổ bảo vệ dân phố số 2"}
    with pytest.raises(ValidationError) as exc_info:
        s.team_create(actor=clerk_a, data={**data, "established_on": "2025-03-01"})
    assert error_codes(exc_info, "established_on") == ["legacy_force"]
    assert "Luật số 30/2023/QH15 từ ngày 01/07/2024" in messages(exc_info, "established_on")[0]
    assert not Team.objects.exists()
    with pytest.raises(ValidationError):
        s.team_create(actor=clerk_a, data={**data, "established_on": "2024-07-01"})
    # Recording one founded before the Law is fine.
    assert s.team_create(actor=clerk_a, data={**data, "established_on": "2024-06-30"}).is_legacy


def legacy_teams(ward):
    """Open guards, a guard recorded as ending after the Law, one that ended before, a new team."""
    kinds = Team.Kind

    def team(kind, founded, ended=None):
        return f.TeamFactory(ward=ward, kind=kind, established_on=founded, dissolved_on=ended)

    return {
        "open": team(kinds.NEIGHBOURHOOD_GUARD, dt.date(2015, 1, 5)),
        "police": team(kinds.PART_TIME_COMMUNE_POLICE, dt.date(2019, 3, 1)),
        "late_end": team(kinds.CIVIL_DEFENCE_CAPTAINS, dt.date(2020, 1, 1), dt.date(2024, 9, 1)),
        "ended": team(kinds.NEIGHBOURHOOD_GUARD, dt.date(2016, 1, 1), dt.date(2022, 5, 1)),
        "new": f.TeamFactory(ward=ward, established_on=FOUNDED),
    }


def dissolved(teams):
    return {name: Team.objects.get(pk=team.pk).dissolved_on for name, team in teams.items()}


def test_end_legacy_forces_dry_run_counts_and_changes_nothing(ward_a):
    teams = legacy_teams(ward_a)
    before = snapshot(Team)
    out = StringIO()
    call_command("end_legacy_forces", "--dry-run", stdout=out)
    assert snapshot(Team) == before
    assert "3 legacy teams would end on 2024-07-01; 1 had already ended by then." in out.getvalue()
    lines = out.getvalue().splitlines()
    assert [line for line in lines if line.startswith("part_time_commune_police (")] == [
        "part_time_commune_police (Công an xã bán chuyên trách (trước tháng 7/2024)): 1"
    ]
    assert Team.pgh_event_model.objects.filter(pgh_label="update").count() == 0
    assert dissolved(teams)["open"] is None


def test_end_legacy_forces_ends_the_open_ones_once_with_history(ward_a):
    teams = legacy_teams(ward_a)
    out = StringIO()
    call_command("end_legacy_forces", stdout=out)
    assert dissolved(teams) == {
        "open": LAW_30_IN_FORCE,
        "police": LAW_30_IN_FORCE,
        "late_end": LAW_30_IN_FORCE,
        "ended": dt.date(2022, 5, 1),
        "new": None,
    }
    assert "3 legacy teams ended on 2024-07-01" in out.getvalue()
    updates = Team.pgh_event_model.objects.filter(pgh_label="update")
    assert updates.count() == 3
    assert {e.pgh_context.metadata["command"] for e in updates} == {"end_legacy_forces"}
    assert Team.objects.get(pk=teams["open"].pk).version == 2

    again = StringIO()
    call_command("end_legacy_forces", stdout=again)
    assert "0 legacy teams ended on 2024-07-01; 4 had already ended by then." in again.getvalue()
    assert updates.count() == 3


def test_ended_legacy_teams_count_through_30_june_2024_only(ward_a, viewer_all):
    legacy_teams(ward_a)
    call_command("end_legacy_forces", stdout=StringIO())
    rollup.process_dirty()
    key = "teams.neighbourhood_guard"
    assert ward_figure(viewer_all, ward_a, "month:2024-06", key) == 1
    assert ward_figure(viewer_all, ward_a, "month:2024-07", key) == 0


@pytest.mark.django_db(transaction=True)  # the command commits, as it does when run
def test_ending_legacy_forces_has_the_statistics_processed_when_it_commits(ward_a, viewer_all):
    """The teams are ended by one update(), which no post_save announces: the commit asks the
    worker to process the statistics (here inline, eager), not its next periodic run."""
    legacy_teams(ward_a)
    call_command("end_legacy_forces", stdout=StringIO())
    assert not DirtyBucket.objects.exists()
    assert ward_figure(viewer_all, ward_a, "month:2024-07", "teams.neighbourhood_guard") == 0


# The patrol log --------------------------------------------------------------------------------


def patrol_data(team, **extra):
    return {
        "team": team.pk,
        "patrolled_on": "2025-03-01",
        "shift": "night",
        "area": "Khu vực chợ và bến xe",
        "members_on_duty": 3,
        "findings": "Phát hiện nhóm thanh niên tụ tập, đã giải tán",
        "incidents_found": 1,
        **extra,
    }


def test_a_patrol_takes_its_teams_ward(clerk_a, ward_a):
    team = f.TeamFactory(ward=ward_a, established_on=FOUNDED)
    patrol = s.patrol_create(actor=clerk_a, data=patrol_data(team))
    assert patrol.ward_id == ward_a.pk


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"patrolled_on": "2025-02-01"}, "patrolled_on", "team_dissolved"),
        ({"patrolled_on": "2025-01-31"}, None, None),
        ({"patrolled_on": "2024-06-30"}, "patrolled_on", "before_team"),
        ({"patrolled_on": str(localdate() + dt.timedelta(days=2))}, "patrolled_on", "future"),
        ({"members_on_duty": 0}, "members_on_duty", "min_value"),
        ({"members_on_duty": 6}, "members_on_duty", "over_headcount"),
        ({"incidents_found": -1}, "incidents_found", "min_value"),
        ({"shift": "evening"}, "shift", "invalid_choice"),
        ({"area": ""}, "area", "blank"),
    ],
)  # fmt: skip
def test_patrol_rules(changes, field, code, clerk_a, ward_a):
    team = f.TeamFactory(
        ward=ward_a, established_on=FOUNDED, dissolved_on=dt.date(2025, 2, 1), headcount=5
    )
    data = patrol_data(team, **{"patrolled_on": "2025-01-15", **changes})
    if field is None:
        s.patrol_create(actor=clerk_a, data=data)
        return
    with pytest.raises(ValidationError) as exc_info:
        s.patrol_create(actor=clerk_a, data=data)
    assert code in error_codes(exc_info, field)
    assert not Patrol.objects.exists()


def test_a_team_logs_a_shift_once(clerk_a, ward_a):
    team = f.TeamFactory(ward=ward_a, established_on=FOUNDED)
    s.patrol_create(actor=clerk_a, data=patrol_data(team))
    with pytest.raises(ValidationError):
        s.patrol_create(actor=clerk_a, data=patrol_data(team))
    s.patrol_create(actor=clerk_a, data=patrol_data(team, shift="morning"))
    assert Patrol.objects.count() == 2


def test_patrol_figures_equal_direct_counts(ward_a, ward_b, viewer_all):
    teams = [f.TeamFactory(ward=ward, established_on=FOUNDED) for ward in (ward_a, ward_a, ward_b)]
    rows = [(team, month) for team in teams for month in (1, 2, 3, 8)]
    for n, (team, month) in enumerate(rows):
        day = dt.date(2025, month, 1 + n % 20)
        f.PatrolFactory(
            team=team, patrolled_on=day, members_on_duty=2 + n % 3, incidents_found=n % 2
        )
    rollup.process_dirty()
    keys = ["patrols", "patrol_member_shifts", "patrol_incidents_found"]
    for scope, wards in ((f"ward:{ward_a.code}", [ward_a]), ("all", [ward_a, ward_b])):
        period = parse_period("months:2025:3")
        answer = stats_for(user=viewer_all, scope=scope, period=period, metrics=keys)
        rows = Patrol.objects.filter(
            ward__in=wards, patrolled_on__range=(dt.date(2025, 1, 1), dt.date(2025, 3, 31))
        )
        sums = rows.aggregate(shifts=Sum("members_on_duty"), found=Sum("incidents_found"))
        values = {key: answer["metrics"][key]["value"] for key in keys}
        assert values == {
            "patrols": rows.count(),
            "patrol_member_shifts": sums["shifts"],
            "patrol_incidents_found": sums["found"],
        }
        assert rows.count() > 0


# Team appraisal --------------------------------------------------------------------------------


def appraise(actor, ward, level, year=2025, **team_fields):
    team = f.TeamFactory(ward=ward, **{"established_on": FOUNDED, **team_fields})
    return s.team_appraisal_create(
        actor=actor, data={"team": team.pk, "year": year, "level": level}
    )


def test_the_appraisal_year_runs_from_15_november_to_14_november():
    assert appraisal_year_of(dt.date(2024, 11, 14)) == 2024
    assert appraisal_year_of(dt.date(2024, 11, 15)) == 2025
    assert appraisal_year_of(dt.date(2025, 1, 1)) == 2025


def test_excellent_teams_stay_within_20_percent_of_the_good_ones(officer_a, ward_a, ward_b):
    for _ in range(4):
        appraise(officer_a, ward_a, "good")
    before = snapshot(TeamAppraisal)
    with pytest.raises(ValidationError) as exc_info:
        appraise(officer_a, ward_a, "excellent")
    assert error_codes(exc_info, "level") == ["cap"]
    assert messages(exc_info, "level") == [
        "Số Tổ xếp loại “Hoàn thành xuất sắc nhiệm vụ” không vượt quá 20% số Tổ xếp loại "
        "“Hoàn thành tốt nhiệm vụ”. Năm 2025, xã, phường này sẽ có 4 Tổ hoàn thành tốt nhiệm "
        "vụ, nên tối đa 0 Tổ hoàn thành xuất sắc, nhưng đang có 1."
    ]
    assert snapshot(TeamAppraisal) == before
    fifth_good = appraise(officer_a, ward_a, "good")
    excellent = appraise(officer_a, ward_a, "excellent")
    with pytest.raises(ValidationError):
        appraise(officer_a, ward_a, "excellent")
    # Another year has a cap of its own.
    with pytest.raises(ValidationError):
        appraise(officer_a, ward_a, "excellent", year=2026)
    assert TeamAppraisal.objects.filter(level="excellent").count() == 1

    # Taking away a "good" that the excellent one relies on is refused too.
    with pytest.raises(ValidationError) as exc_info:
        s.team_appraisal_update(actor=officer_a, instance=fifth_good, data={"level": "completed"})
    assert error_codes(exc_info, "level") == ["cap"]
    with pytest.raises(ValidationError) as exc_info:
        s.team_appraisal_delete(actor=officer_a, instance=fifth_good)
    assert error_codes(exc_info, NON_FIELD_ERRORS) == ["cap"]
    s.team_appraisal_update(actor=officer_a, instance=excellent, data={"level": "good"})
    s.team_appraisal_delete(actor=officer_a, instance=fifth_good)


def test_the_cap_is_data_an_administrator_edits(officer_a, ward_a):
    appraise(officer_a, ward_a, "good")
    rule = TeamAppraisalRule.for_year(2025)
    rule.top_level_cap_pct = Decimal("100")
    rule.save()
    assert appraise(officer_a, ward_a, "excellent").level == "excellent"
    assert rule.pgh_event_model.objects.filter(pgh_obj_id=rule.pk, pgh_label="update").exists()


@pytest.mark.parametrize(
    ("team_fields", "year", "field", "code"),
    [
        ({"kind": "anti_drug"}, 2025, "team", "not_security_team"),
        ({"established_on": dt.date(2025, 3, 1)}, 2025, "team", "too_new"),
        ({"dissolved_on": dt.date(2024, 11, 15)}, 2025, "team", "team_dissolved"),
        ({}, appraisal_year_of(localdate()) + 1, "year", "future"),
        ({}, 3000, "year", "year_range"),
    ],
)
def test_team_appraisal_rules(team_fields, year, field, code, officer_a, ward_a):
    with pytest.raises(ValidationError) as exc_info:
        appraise(officer_a, ward_a, "good", year=year, **team_fields)
    assert code in error_codes(exc_info, field)
    assert not TeamAppraisal.objects.exists()


def test_a_team_is_appraised_once_a_year(officer_a, ward_a):
    first = appraise(officer_a, ward_a, "good")
    with pytest.raises(ValidationError):
        s.team_appraisal_create(
            actor=officer_a, data={"team": first.team_id, "year": 2025, "level": "completed"}
        )


def test_teams_by_level_equal_direct_counts(officer_a, ward_a, viewer_all):
    levels = ["good"] * 5 + ["excellent", "completed", "not_completed"]
    for level in levels:
        appraise(officer_a, ward_a, level)
    appraise(officer_a, ward_a, "good", year=2026)
    rollup.process_dirty()
    keys = [f"team_appraisals.{level}" for level in TeamAppraisal.Level.values]
    answer = stats_for(
        user=viewer_all, scope=f"ward:{ward_a.code}", period=parse_period("year:2025"), metrics=keys
    )
    for level in TeamAppraisal.Level.values:
        direct = TeamAppraisal.objects.filter(ward=ward_a, year=2025, level=level).count()
        assert answer["metrics"][f"team_appraisals.{level}"]["value"] == direct
    assert answer["metrics"]["team_appraisals.good"]["value"] == 5


# Through the API and the portal ----------------------------------------------------------------


def api_post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_refuses_a_two_member_team_and_a_legacy_team_of_2025(client, clerk_a, ward_a):
    client.force_login(clerk_a)
    response = api_post(client, "/api/v1/teams/", team_data(ward_a, headcount=2))
    assert response.status_code == 400
    assert "có ít nhất 3 thành viên" in response.json()["fields"]["headcount"][0]
    legacy = {
        "ward": ward_a.pk,
        "kind": "neighbourhood_guard",
        "name": "Bảo vệ dân phố",
        "established_on": "2025-01-02",
    }
    response = api_post(client, "/api/v1/teams/", legacy)
    assert response.status_code == 400
    assert "Luật số 30/2023/QH15" in response.json()["fields"]["established_on"][0]
    assert not Team.objects.exists()


def test_api_refuses_a_patrol_of_a_dissolved_team_and_an_appraisal_over_the_cap(
    client, clerk_a, ward_a
):
    client.force_login(clerk_a)
    team = f.TeamFactory(ward=ward_a, established_on=FOUNDED, dissolved_on=dt.date(2025, 1, 1))
    response = api_post(client, "/api/v1/patrols/", patrol_data(team))
    assert response.status_code == 400
    assert response.json()["fields"]["patrolled_on"] == [
        "Đến ngày đó tổ đã giải thể: không thể trực, tuần tra."
    ]
    open_team = f.TeamFactory(ward=ward_a, established_on=FOUNDED)
    data = {"team": open_team.pk, "year": 2025, "level": "excellent"}
    response = api_post(client, "/api/v1/team-appraisals/", data)
    assert response.status_code == 400
    assert "không vượt quá 20%" in response.json()["fields"]["level"][0]
    assert not Patrol.objects.exists() and not TeamAppraisal.objects.exists()


def test_the_portal_form_shows_the_norm_and_saves_nothing(clerk_a, ward_a):
    client = Client()
    client.force_login(clerk_a)
    team = f.TeamFactory.build(ward=ward_a, headcount=2, established_on=FOUNDED)
    data = create_data(client, TEAMS, team)
    data["groups"] = [f.ResidentialGroupFactory(ward=ward_a).pk]
    response = client.post(TEAMS.url("create"), data)
    assert response.status_code == 400
    assert "có ít nhất 3 thành viên" in response.content.decode()
    assert not Team.objects.exists()
    data["headcount"] = "3"
    assert client.post(TEAMS.url("create"), data).status_code == 302
    assert Team.objects.get().decision_on == FOUNDED
