"""Steering roles never see personal data (PDPL, Law 91/2025/QH15; issue 15, item 13).

Every declared personal field of every model (``PERSONAL_FIELDS`` in the apps' ``fields.py``)
gets a distinctive value; then each surface — API list and detail, portal list and detail (with
its history), CSV and XLSX exports — is read as a steering viewer with scope "all", who must not
find the value, and as the ward's police officer, who must (so the test can fail). Linked records
named by personal data (a commitment's household) are checked the same way, and search and sort
must not let the viewer probe names.
"""

import io
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from cameras.models import Contribution
from households.models import Household
from movement.models import Commitment, TeamMember
from tests import factories as f
from tests.model_builders import BUILDERS
from wardsecurity.models import User
from wardsecurity.personal import _registry, personal_fields
from wardsecurity.portal import entity_for_model

pytestmark = pytest.mark.django_db

_counter = itertools.count(1)
SURFACES = ("api_list", "api_detail", "portal_list", "portal_detail", "csv", "xlsx")


def _model_fields():
    from django.apps import apps

    cases = []
    for label, names in sorted(_registry().items()):
        model = apps.get_model(label)
        cases += [(model, name) for name in sorted(names)]
    return cases


CASES = _model_fields()


def distinctive(model, name):
    field = model._meta.get_field(name)
    n = next(_counter)
    if field.get_internal_type() in {
        "IntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
    }:
        return 1900 + 17 + n, str(1900 + 17 + n)  # a birth year no page prints otherwise
    if name == "phone":
        value = f"09{n:02d}7531{n:02d}"[:10]
        return value, value
    value = f"Zyxwvu Riêngtư {n}"
    return value, value


def api_prefix(model):
    from wardsecurity.api.urls import router

    for prefix, viewset, _basename in router.registry:
        if getattr(viewset, "model", None) is model:
            return prefix
    raise AssertionError(model)


def read(client, model, pk, surface):
    """The text a person (or a client) reads from one surface, or "" when refused."""
    entity = entity_for_model(model)
    if surface == "api_list":
        response = client.get(f"/api/v1/{api_prefix(model)}/")
    elif surface == "api_detail":
        response = client.get(f"/api/v1/{api_prefix(model)}/{pk}/")
    elif surface == "portal_list":
        response = client.get(entity.url("list"))
    elif surface == "portal_detail":
        response = client.get(entity.url("detail", pk))
    else:
        response = client.get(entity.url("export", fmt=surface))
    if response.status_code in (403, 404):
        return ""
    assert response.status_code == 200, (surface, response.status_code)
    if surface == "xlsx":
        sheet = load_workbook(io.BytesIO(response.content)).active
        return "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    if surface == "csv":
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def officer_shows(model, name, surface):
    """Whether the police officer's surface shows the field at all (list columns are chosen)."""
    if surface == "portal_list":
        return name in entity_for_model(model).columns
    return True


@pytest.fixture
def personas(ward_a, officer_a, viewer_all):
    officer, viewer = Client(), Client()
    officer.force_login(officer_a)
    viewer.force_login(viewer_all)
    return officer, viewer


def test_every_personal_field_is_declared_on_a_real_field():
    assert CASES, "no personal field declared"
    for model, name in CASES:
        assert name in personal_fields(model)
        model._meta.get_field(name)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    ("model", "name"), CASES, ids=[f"{m._meta.model_name}.{n}" for m, n in CASES]
)
def test_a_steering_viewer_never_reads_a_personal_field(personas, ward_a, model, name, surface):
    officer, viewer = personas
    record = BUILDERS[model].make(ward_a, True)
    value, text = distinctive(model, name)
    model._default_manager.filter(pk=record.pk).update(**{name: value})
    assert text not in read(viewer, model, record.pk, surface)
    if officer_shows(model, name, surface):
        assert text in read(officer, model, record.pk, surface)


LINKED = (
    # (the record's model, how to make it around a household)
    (Commitment, lambda household: f.CommitmentFactory(household=household)),
    (
        Contribution,
        lambda household: f.ContributionFactory(ward=household.ward, household=household),
    ),
)


# Every surface that names the household: the lists show it where it is a column.
LINKED_CASES = [
    (model, make, surface)
    for model, make in LINKED
    for surface in ("portal_list", "portal_detail", "csv", "xlsx")
    if surface != "portal_list" or "household" in entity_for_model(model).columns
]


@pytest.mark.parametrize(
    ("model", "make", "surface"),
    LINKED_CASES,
    ids=[f"{m._meta.model_name}-{s}" for m, _make, s in LINKED_CASES],
)
def test_a_linked_household_is_shown_by_its_code_not_its_head(
    personas, ward_a, model, make, surface
):
    officer, viewer = personas
    household = f.HouseholdFactory(
        group=f.ResidentialGroupFactory(ward=ward_a), ward=ward_a, head_name="Zyxwvu Chủhộ"
    )
    record = make(household)
    shown = read(viewer, model, record.pk, surface)
    assert "Zyxwvu Chủhộ" not in shown
    assert household.code in shown
    assert "Zyxwvu Chủhộ" in read(officer, model, record.pk, surface)


def test_the_history_of_a_household_shows_no_personal_change_to_a_viewer(personas, ward_a):
    officer, viewer = personas
    household = f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward_a), ward=ward_a)
    Household.objects.filter(pk=household.pk).update(head_name="Zyxwvu Mới", member_count=7)
    page = viewer.get(entity_for_model(Household).url("detail", household.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert household.head_name not in body and "Zyxwvu Mới" not in body
    assert (
        "Zyxwvu Mới"
        in officer.get(entity_for_model(Household).url("detail", household.pk)).content.decode()
    )


def _names(response):
    body = response.json()
    return [row["id"] for row in body.get("results", body)]


def test_a_viewer_cannot_find_a_household_by_its_heads_name(personas, ward_a):
    officer, viewer = personas
    group = f.ResidentialGroupFactory(ward=ward_a)
    found = f.HouseholdFactory(group=group, ward=ward_a, head_name="Zyxwvu Tìmthấy")
    f.HouseholdFactory(group=group, ward=ward_a, code="KHAC01")
    asked = {"search": "zyxwvu timthay"}
    assert _names(officer.get("/api/v1/households/", asked)) == [found.pk]
    assert _names(viewer.get("/api/v1/households/", asked)) == []
    page = viewer.get(entity_for_model(Household).url("list"), asked)
    assert found.code not in page.content.decode()
    # Codes stay searchable: they name no one.
    assert _names(viewer.get("/api/v1/households/", {"search": found.code})) == [found.pk]


def test_a_search_over_personal_fields_only_is_ignored_for_a_viewer(personas, ward_a):
    """Team members are searched by name only: for a viewer the search filters nothing, so the
    answer is the same whether the name exists or not."""
    officer, viewer = personas
    team = f.TeamFactory(ward=ward_a)
    members = [f.TeamMemberFactory(team=team, full_name=n) for n in ("Zyxwvu Một", "Khác Hai")]
    present = _names(viewer.get("/api/v1/team-members/", {"search": "zyxwvu"}))
    absent = _names(viewer.get("/api/v1/team-members/", {"search": "khongcoai"}))
    assert sorted(present) == sorted(absent) == sorted(m.pk for m in members)
    assert _names(officer.get("/api/v1/team-members/", {"search": "zyxwvu"})) == [members[0].pk]
    page = viewer.get(entity_for_model(TeamMember).url("list"))
    assert 'name="search"' not in page.content.decode()


def test_a_viewer_cannot_sort_by_a_personal_field(personas, ward_a):
    officer, viewer = personas
    group = f.ResidentialGroupFactory(ward=ward_a)
    names = ("Zyxwvu C", "Zyxwvu A", "Zyxwvu B")
    made = [f.HouseholdFactory(group=group, ward=ward_a, head_name=n) for n in names]
    by_name = [made[1].pk, made[2].pk, made[0].pk]
    assert _names(officer.get("/api/v1/households/", {"ordering": "head_name"})) == by_name
    default = _names(viewer.get("/api/v1/households/"))
    assert _names(viewer.get("/api/v1/households/", {"ordering": "head_name"})) == default
    assert _names(viewer.get("/api/v1/households/", {"ordering": "-head_name"})) == default
    page = viewer.get(entity_for_model(Household).url("list"), {"sort": "head_name"})
    body = page.content.decode()
    positions = [body.index(h.code) for h in made]
    assert positions == sorted(positions, reverse=True)  # newest first, the default order


def test_the_schema_marks_masked_fields_nullable_in_answers_only(personas):
    officer, _viewer = personas
    schema = officer.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schema["Household"]["properties"]["head_name"].get("nullable") is True
    assert not schema["HouseholdRequest"]["properties"]["head_name"].get("nullable")


def test_a_viewer_list_costs_no_more_queries_than_an_officers(personas, ward_a):
    officer, viewer = personas
    group = f.ResidentialGroupFactory(ward=ward_a)
    for _ in range(5):
        household = f.HouseholdFactory(group=group, ward=ward_a)
        f.CommitmentFactory(household=household)
    for url in (
        "/api/v1/households/",
        "/api/v1/commitments/",
        entity_for_model(Commitment).url("list"),
    ):
        counts = []
        for client in (officer, viewer):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        assert counts[1] <= counts[0], (url, counts)


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        (User.Role.WARD_POLICE, True),
        (User.Role.WARD_STAFF, True),
        (User.Role.ADMIN, True),
        (User.Role.STEERING_VIEWER, False),
        ("province_reviewer", False),  # a role added later is on the safe side until decided
        ("", False),
    ],
)
def test_only_the_ward_roles_and_administrators_see_personal_data(role, sees):
    assert User(role=role).can_see_personal is sees
    assert User(role=User.Role.STEERING_VIEWER, is_superuser=True).can_see_personal


# Free text that is not personal, decided field by field; a new free-text field of a portal
# model fails the test below until it is declared personal (the app's PERSONAL_FIELDS) or
# named here with the reason.
NOT_PERSONAL = {
    "households.residentialgroup": {"name"},  # a street or hamlet
    "households.household": {"code"},  # the ward's household code
    "households.organisation": {"name"},  # an agency, a business, a school
    "movement.selfmanagementmodel": {"name"},
    "movement.team": {"name", "decision_no"},
    "movement.outreachsession": {"topic"},
    # The issuing body, and what was achieved (the recipient's name is personal).
    "movement.commendation": {"issuer", "reason"},
    "movement.safetyrecognition": {"decision_no"},
    # Where a patrol went; a team appraisal's decision and its note on the team's work.
    "movement.patrol": {"area"},
    "movement.teamappraisal": {"decision_no", "note"},
    "incidents.incident": {"subcategory"},
    # A place and why it is a hotspot ("tụ điểm tiêm chích"): what a steering committee oversees.
    "incidents.hotspot": {"name", "reasons"},
    "cameras.camera": {"code", "location"},  # places, on the camera map for every role
    "cameras.recorder": {"code", "location"},
    "cameras.contribution": {"purpose"},  # what the money was for
    # A ward's period report is an official document addressed to the province: its readers
    # are the steering roles. The signer and titles are officials acting in office; the
    # narrative is about the movement, not about residents (docs/reporting.md).
    "reporting.periodreport": {
        "period",
        "number",
        "symbol",
        "place",
        "signer_for_title",
        "signer_title",
        "signer_name",
        "recipients",
        "situation_text",
        "results_text",
        "assessment",
        "shortcomings",
        "directions",
        "proposals",
        "return_comment",
        "snapshot_digest",
    },
    "reporting.manualindicatorvalue": {"indicator_code", "period"},  # a catalogue code, a period
}


def test_every_free_text_field_is_decided():
    from wardsecurity.portal import registry
    from wardsecurity.retention import _is_free_text

    undecided = []
    for entity in registry():
        model = entity.model
        label = model._meta.label_lower
        for field in model._meta.concrete_fields:
            decided = field.name in personal_fields(model) or field.name in NOT_PERSONAL.get(
                label, set()
            )
            personal_name = field.name in {"phone", "birth_year", "address"}
            if (_is_free_text(field) or personal_name) and not decided:
                undecided.append(f"{label}.{field.name}")
    assert not undecided, undecided


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_job_of_a_viewer_leaves_the_personal_fields_out(
    personas, ward_a, viewer_all, settings, tmp_path, fmt
):
    """A list too long for the request is written by a worker, as its owner may read it."""
    from wardsecurity.models import ExportJob
    from wardsecurity.portal.export_jobs import export_job_file, export_job_run

    settings.EXPORT_SYNC_LIMIT = 1
    _officer, viewer = personas
    group = f.ResidentialGroupFactory(ward=ward_a)
    made = [
        f.HouseholdFactory(group=group, ward=ward_a, head_name=f"Zyxwvu Xuất {n}") for n in (1, 2)
    ]
    response = viewer.post(entity_for_model(Household).url("export", fmt=fmt))
    assert response.status_code == 302
    job = ExportJob.objects.get(owner=viewer_all)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    stored = export_job_file(job)
    if fmt == "csv":
        text = stored.read().decode("utf-8-sig")
    else:
        sheet = load_workbook(stored).active
        text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    assert all(h.code in text for h in made)
    assert "Zyxwvu" not in text and made[0].address not in text
