"""The Django admin: every model registered and working, administrators only, history recorded."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms as django_forms
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cameras.models import VideoExtraction
from households.models import Household
from movement.models import (
    AppraisalThreshold,
    GradingCriterion,
    GradingDeadline,
    RecognitionCriterion,
    Team,
    TeamAppraisalRule,
    TeamMember,
    TeamSizeNorm,
    WeaponSurrender,
)
from reporting.models import ConsolidatedReport, ManualIndicator, ReportSchedule
from reporting.services import period_report_submit
from tests import factories as f
from tests.model_builders import BUILDERS
from wardsecurity.admin import STALE_MESSAGE
from wardsecurity.admin_site import WardAdminSite
from wardsecurity.models import ExportJob, FormSubmission, ReportJob, SensitiveRead, User
from wardsecurity.services import STALE_MESSAGE as SERVICE_STALE_MESSAGE

PROJECT_APPS = ("households", "movement", "incidents", "cameras", "wardsecurity", "reporting")


def submitted_report():
    report = f.PeriodReportFactory()
    officer = f.UserFactory(role=User.Role.WARD_POLICE, scope_ward=report.ward)
    return period_report_submit(actor=officer, instance=report)


def incident_with_tip():
    tip = f.TipFactory()
    return f.IncidentFactory(ward=tip.ward, tip=tip, source="tip")


# One way to make an object of every model registered in the admin. A new admin gets the page
# tests below by adding a line here (test_every_registered_model_is_exercised insists).
MAKERS = {
    "households.Province": lambda: f.ProvinceFactory(code="93"),
    "households.Ward": f.WardFactory,
    "households.WardCluster": lambda: f.WardClusterFactory(wards=[f.WardFactory()]),
    "households.ResidentialGroup": f.ResidentialGroupFactory,
    "households.Household": f.HouseholdFactory,
    "households.Organisation": f.OrganisationFactory,
    "movement.SelfManagementModel": f.SelfManagementModelFactory,
    "movement.Team": lambda: f.TeamMemberFactory().team,
    "movement.TeamMember": f.TeamMemberFactory,
    "movement.Patrol": f.PatrolFactory,
    "movement.TeamAppraisal": f.TeamAppraisalFactory,
    # Configuration seeded by a migration (the national norm, the 2024 rule).
    "movement.TeamSizeNorm": lambda: TeamSizeNorm.objects.get(province__isnull=True),
    "movement.TeamAppraisalRule": lambda: TeamAppraisalRule.objects.get(from_year=2024),
    "movement.Commitment": f.CommitmentFactory,
    "movement.MediationCase": f.MediationCaseFactory,
    "movement.OutreachSession": f.OutreachSessionFactory,
    "movement.Commendation": f.CommendationFactory,
    "movement.WeaponSurrender": f.WeaponSurrenderFactory,
    "movement.ReintegrationCase": f.ReintegrationCaseFactory,
    "movement.EidTally": f.EidTallyFactory,
    "movement.SafetyRecognition": f.SafetyRecognitionFactory,
    # The grades are seeded by a migration.
    "movement.AppraisalThreshold": lambda: AppraisalThreshold.objects.get_or_create(
        grade=AppraisalThreshold.Grade.GOOD, defaults={"min_score": Decimal("70")}
    )[0],
    "movement.Appraisal": f.AppraisalFactory,
    # Issue 14: the safe-area criteria, the grading sheet and its deadlines are configuration
    # seeded by a migration; the organisations' tallies are ward records.
    "movement.RecognitionCriterion": lambda: RecognitionCriterion.objects.create(
        subject="group", number=90, text="Tiêu chí thử"
    ),
    "movement.GradingCriterion": lambda: GradingCriterion.objects.create(
        subject="group", code="thu_admin", text="Tiêu chí thử", max_points=Decimal("5")
    ),
    "movement.GradingDeadline": lambda: GradingDeadline.objects.get_or_create(
        subject="group", defaults={"day": 20, "month": 11}
    )[0],
    "movement.OrganisationCommitmentTally": f.OrganisationCommitmentTallyFactory,
    "incidents.Tip": f.TipFactory,
    "incidents.Incident": lambda: incident_with_tip(),
    "incidents.Hotspot": f.HotspotFactory,
    "cameras.Recorder": f.RecorderFactory,
    "cameras.Camera": f.CameraFactory,
    "cameras.Contribution": f.ContributionFactory,
    "cameras.VideoExtraction": f.VideoExtractionFactory,
    "wardsecurity.User": f.UserFactory,
    "wardsecurity.ClosedPeriod": f.ClosedPeriodFactory,
    "wardsecurity.ApiToken": f.ApiTokenFactory,
    "wardsecurity.SensitiveRead": lambda: SensitiveRead.objects.create(
        user=f.UserFactory(),
        model="incidents.incident",
        object_ids=[1],
        path="/api/v1/incidents/1/",
    ),
    "auth.Group": lambda: Group.objects.create(name="Nhóm thử"),
    # The reporting chain (issue 13): configuration seeded by a migration, and ward records.
    "reporting.ReportSchedule": lambda: ReportSchedule.objects.get_or_create(
        kind="month", defaults={"due_days": 3}
    )[0],
    "reporting.ManualIndicator": lambda: ManualIndicator.objects.get_or_create(
        code="admin_test",
        defaults={
            "label_vi": "Chỉ tiêu thử",
            "label_en": "Test",
            "unit": "event",
            "section": "events",
        },
    )[0],
    "reporting.PeriodReport": f.PeriodReportFactory,
    "reporting.ManualIndicatorValue": f.ManualIndicatorValueFactory,
    "reporting.PeriodReportTransition": lambda: submitted_report().transitions.get(),
    "reporting.ConsolidatedReport": lambda: BUILDERS[ConsolidatedReport].make(
        f.WardFactory(), True
    ),
    "wardsecurity.ReportJob": lambda: ReportJob.objects.create(
        owner=f.UserFactory(), scope="all", period="year:2023", calendar="civil", format="docx"
    ),
    "wardsecurity.ExportJob": lambda: ExportJob.objects.create(
        owner=f.UserFactory(), entity="households.household", format="csv", language="vi"
    ),
    "wardsecurity.FormSubmission": lambda: FormSubmission.objects.create(
        nonce="n" * 32, user=f.UserFactory(), model="movement.outreachsession", object_id=1
    ),
}
# Registered by pghistory.admin: a read-only list of every event, with no add or change page.
# Third-party logs: django-axes (sign-in attempts) and pghistory (every event).
LIST_ONLY = {
    "pghistory.Events",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    # The map before July 2025, rebuilt by load_territory: read only.
    "households.FormerWard",
    "households.WardSuccession",
}
# Written only by their own services: the admin shows them and adds none.
VIEW_ONLY = {
    "reporting.PeriodReportTransition",
    "reporting.ConsolidatedReport",
    "wardsecurity.ClosedPeriod",
    "wardsecurity.ApiToken",
    "wardsecurity.SensitiveRead",
    "wardsecurity.ReportJob",
    "wardsecurity.ExportJob",
    "wardsecurity.FormSubmission",
}
# SensitiveRead is itself a log; report and export jobs are generated files, not records anyone
# edits; a form submission is a create form's spent token.
UNTRACKED = {
    "auth.Group",
    "wardsecurity.SensitiveRead",
    "wardsecurity.ReportJob",
    "wardsecurity.ExportJob",
    "wardsecurity.FormSubmission",
    "reporting.PeriodReportTransition",  # itself the chain's history, append-only
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def registered_labels():
    return sorted(model._meta.label for model in admin.site._registry)


def project_models():
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if not model.__name__.endswith("Event"):  # pghistory's event tables
                yield model


def shown_fields(response):
    return set(flatten_fieldsets(response.context["adminform"].fieldsets))


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_admin_site_is_the_ward_site():
    assert isinstance(admin.site, WardAdminSite), (
        'INSTALLED_APPS must list "wardsecurity.apps.WardAdminConfig" instead of '
        '"django.contrib.admin"'
    )


def test_every_project_model_is_registered():
    missing = [m._meta.label for m in project_models() if not admin.site.is_registered(m)]
    assert missing == []


def test_every_registered_model_is_exercised():
    assert set(registered_labels()) - LIST_ONLY == set(MAKERS)


@pytest.mark.parametrize("label", registered_labels())
def test_admin_opens_changelist(admin_client, label):
    model = apps.get_model(label)
    if label in MAKERS:
        MAKERS[label]()
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    # Every admin's search_fields resolve (a misspelt lookup is a 500 only when searched).
    assert admin_client.get(admin_url(model, "changelist"), {"q": "Đào 1"}).status_code == 200


@pytest.mark.parametrize("label", sorted(set(MAKERS) - VIEW_ONLY))
def test_admin_opens_add_page(admin_client, label):
    model = apps.get_model(label)
    assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("label", sorted(VIEW_ONLY))
def test_admin_cannot_add_records_that_only_services_write(admin_client, label):
    model = apps.get_model(label)
    assert admin_client.get(admin_url(model, "add")).status_code == 403


@pytest.mark.parametrize("label", sorted(MAKERS))
def test_admin_opens_change_page_with_history(admin_client, label):
    obj = MAKERS[label]()
    response = admin_client.get(admin_url(type(obj), "change", obj.pk))
    assert response.status_code == 200
    if label not in UNTRACKED:
        assert "history" in shown_fields(response)


def test_add_page_leaves_out_derived_and_bookkeeping_fields(admin_client):
    response = admin_client.get(admin_url(Household, "add"))
    shown = shown_fields(response)
    assert "group" in shown
    assert not {"ward", "created_at", "version", "history"} & shown


@pytest.mark.parametrize("persona", ["clerk_a", "officer_a", "viewer_city"])
def test_ward_and_steering_roles_are_sent_to_login(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_flag_does_not_open_the_admin_to_a_police_officer(client, officer_a):
    officer_a.is_staff = True
    officer_a.save(update_fields=["is_staff"])
    client.force_login(officer_a)
    assert client.get("/admin/households/household/").status_code == 302


def test_police_officer_cannot_log_in_to_the_admin(client, officer_a):
    response = client.post(
        reverse("admin:login"), {"username": "officer_a", "password": "demo12345"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_administrator_role_without_staff_flag_logs_in_and_works(client, ward_a):
    f.UserFactory(
        username="sysadmin",
        role=User.Role.ADMIN,
        scope_kind=User.ScopeKind.ALL,
        scope_ward=None,
    )
    response = client.post(
        reverse("admin:login"), {"username": "sysadmin", "password": "demo12345"}
    )
    assert response.status_code == 302
    household = f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward_a))
    response = client.get(admin_url(Household, "changelist"))
    assert list(response.context["cl"].result_list) == [household]


def test_search_ignores_vietnamese_accents(admin_client, ward_a):
    group = f.ResidentialGroupFactory(ward=ward_a)
    wanted = f.HouseholdFactory(group=group, head_name="Nguyễn Thị Đào")
    f.HouseholdFactory(group=group, head_name="Trần Văn Bình")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(admin_url(Household, "changelist"), {"q": "nguyen dao"})
    assert list(response.context["cl"].result_list) == [wanted]
    # The folding the search's trigram indexes are built on, so a province's table is not read.
    assert any("ws_fold" in q["sql"] for q in queries.captured_queries)


def household_post_data(household, **changes):
    data = {
        "group": household.group_id,
        "code": household.code,
        "address": household.address,
        "head_name": household.head_name,
        "member_count": household.member_count,
        "phone": household.phone,
        "residence": household.residence,
        "active": "on",
        "loaded_version": household.version,
        "_save": "Save",
    }
    return {**data, **changes}


def test_admin_change_records_history_with_the_admin_as_actor(admin_client, admin_user, ward_a):
    household = f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward_a))
    url = admin_url(Household, "change", household.pk)

    response = admin_client.post(url, household_post_data(household, member_count=6))

    assert response.status_code == 302, response.context["adminform"].form.errors
    household.refresh_from_db()
    assert (household.member_count, household.version) == (6, 2)
    event = household.events.filter(pgh_label="update").select_related("pgh_context").get()
    assert event.member_count == 6
    assert event.pgh_context.metadata["user"] == admin_user.pk
    assert event.pgh_context.metadata["url"] == url
    # The change page's history section names the author and the changed field.
    history = admin.site.get_model_admin(Household).history(household)
    assert str(admin_user) in history
    assert str(Household._meta.get_field("member_count").verbose_name) in history


def test_admin_refuses_a_save_based_on_a_stale_version(admin_client, ward_a):
    household = f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward_a))
    stale = household_post_data(household, member_count=6)
    Household.objects.filter(pk=household.pk).update(address="Đã sửa bởi người khác")

    response = admin_client.post(admin_url(Household, "change", household.pk), stale)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors().as_data()
    assert [e.code for e in errors] == ["stale"]
    assert str(STALE_MESSAGE) in response.content.decode()
    household.refresh_from_db()
    assert household.member_count == 4


def test_admin_adds_household_with_the_ward_of_its_group(admin_client, ward_a):
    group = f.ResidentialGroupFactory(ward=ward_a)
    data = {
        "group": group.pk,
        "code": "HK-NEW",
        "address": "1 Đường Trần Phú",
        "head_name": "Lê Thị Hoa",
        "member_count": 3,
        "residence": "permanent",
        "active": "on",
        "_save": "Save",
    }
    response = admin_client.post(admin_url(Household, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Household.objects.get(code="HK-NEW").ward == ward_a


# Query counts of a changelist, the same with 3 and with 30 rows:
#   1 session, 2 user,
#   3 provinces (province filter), 4 wards that have records (ward filter),
#   5 count of the filtered rows, 6 count of all rows (show_full_result_count),
#   7 the page of rows with every foreign key shown joined in (list_select_related),
#   with date_hierarchy: 8 first and last date, 9 the distinct dates of the drill-down;
#   a sensitive record's list: one more, the read log of the page's rows (G4).
CHANGELIST_CASES = [
    ("households.Household", lambda ward: f.HouseholdFactory(group__ward=ward), 7),
    ("movement.TeamMember", lambda ward: f.TeamMemberFactory(team__ward=ward), 7),
    ("movement.Team", lambda ward: f.TeamFactory(ward=ward), 9),
    ("incidents.Incident", lambda ward: f.IncidentFactory(ward=ward), 10),
    ("cameras.Camera", lambda ward: f.CameraFactory(ward=ward), 9),
    (
        "cameras.VideoExtraction",
        lambda ward: f.VideoExtractionFactory(camera__ward=ward),
        10,
    ),
]


@pytest.mark.parametrize(("label", "make", "expected"), CHANGELIST_CASES)
def test_changelist_query_count_does_not_grow_with_rows(
    admin_client, ward_a, ward_b, label, make, expected
):
    url = admin_url(apps.get_model(label), "changelist")
    counts = []
    for total in (3, 30):
        while apps.get_model(label).objects.count() < total:
            make(ward_a if len(counts) == 0 else ward_b)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(url)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == total
        counts.append(len(queries))
    assert counts == [expected, expected], [q["sql"] for q in queries.captured_queries]


def test_appraisal_thresholds_are_edited_in_the_list(admin_client):
    for grade, score in [("excellent", "90"), ("good", "70")]:
        AppraisalThreshold.objects.get_or_create(grade=grade, defaults={"min_score": score})
    url = admin_url(AppraisalThreshold, "changelist")
    forms = admin_client.get(url).context["cl"].formset.forms
    data = {
        "form-TOTAL_FORMS": len(forms),
        "form-INITIAL_FORMS": len(forms),
        "_save": "Save",
    }
    for i, form in enumerate(forms):
        data[f"form-{i}-id"] = form.instance.pk
        data[f"form-{i}-min_score"] = form.instance.min_score
        if form.instance.grade == "good":
            data[f"form-{i}-min_score"] = "72.5"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert AppraisalThreshold.objects.get(grade="good").min_score == Decimal("72.5")


def test_autocomplete_finds_a_group_without_accents(admin_client, ward_a):
    group = f.ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố Đồng Tâm")
    f.ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố Hòa Bình")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "households",
            "model_name": "household",
            "field_name": "group",
            "term": "dong tam",
        },
    )
    assert [r["id"] for r in response.json()["results"]] == [str(group.pk)]


# Writes go through the services ----------------------------------------------------------------
#
# The admin saves a ward record through the app's service, like the API and the portal: a closed
# period, a stale version and a roster recount behave here as they do there, with the same
# messages, and a refused change saves nothing.

JANUARY = dt.date(2024, 1, 15)


def changeform(admin_client, model, *args):
    """The admin form of ``model`` (its add page, or the change page of the record ``args``)."""
    view = "change" if args else "add"
    response = admin_client.get(admin_url(model, view, *args))
    assert response.status_code == 200
    return response.context["adminform"].form


def form_post(form, **changes):
    """What a browser posts for the admin ``form`` as rendered, with ``changes`` (values)."""
    data = {"_save": "Save"}
    for name, field in form.fields.items():
        value = changes[name] if name in changes else form[name].value()
        widget = field.widget
        if isinstance(widget, django_forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for index, (part_widget, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                data[f"{name}_{index}"] = part_widget.format_value(part) or ""
        elif isinstance(widget, django_forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif value is None or value == "":
            data[name] = ""
        elif isinstance(widget, django_forms.Select):
            data[name] = str(getattr(value, "pk", value))
        else:
            data[name] = widget.format_value(value)
    return data


def page_text(response):
    return response.content.decode()


def api_error(response, field):
    assert response.status_code == 400, response.content
    return response.json()["fields"][field][0]


@pytest.fixture
def closed_january(ward_a):
    return f.ClosedPeriodFactory(ward=ward_a, start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 31))


def test_an_edit_in_a_closed_period_is_refused_as_the_api_refuses_it(
    admin_client, ward_a, closed_january
):
    surrender = f.WeaponSurrenderFactory(ward=ward_a, received_on=JANUARY)
    before = WeaponSurrender.objects.filter(pk=surrender.pk).values().get()
    api = admin_client.patch(
        f"/api/v1/weapon-surrenders/{surrender.pk}/",
        {"quantity": "9"},
        content_type="application/json",
        headers={"If-Match": f'"{surrender.pk}-{surrender.version}"'},
    )
    message = api_error(api, "received_on")
    form = changeform(admin_client, WeaponSurrender, surrender.pk)

    response = admin_client.post(
        admin_url(WeaponSurrender, "change", surrender.pk),
        form_post(form, quantity=Decimal("9")),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [e.code for e in errors["received_on"]] == ["period_closed"]
    assert [str(e.message) for e in errors["received_on"]] == [message]
    assert escape(message) in page_text(response)
    assert WeaponSurrender.objects.filter(pk=surrender.pk).values().get() == before


def test_an_addition_in_a_closed_period_is_refused_as_the_api_refuses_it(
    admin_client, ward_a, closed_january
):
    fields = {"received_on": JANUARY, "item": "firecracker", "quantity": "2", "unit": "kg"}
    api = admin_client.post(
        "/api/v1/weapon-surrenders/",
        {"ward": ward_a.pk, **fields, "received_on": JANUARY.isoformat()},
        content_type="application/json",
    )
    message = api_error(api, "received_on")
    form = changeform(admin_client, WeaponSurrender)

    response = admin_client.post(
        admin_url(WeaponSurrender, "add"), form_post(form, ward=ward_a.pk, **fields)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [str(e.message) for e in errors["received_on"]] == [message]
    assert escape(message) in page_text(response)
    assert not WeaponSurrender.objects.exists()


def test_a_deletion_in_a_closed_period_is_refused_as_the_api_refuses_it(
    admin_client, ward_a, closed_january
):
    surrender = f.WeaponSurrenderFactory(ward=ward_a, received_on=JANUARY)
    api = admin_client.delete(
        f"/api/v1/weapon-surrenders/{surrender.pk}/",
        headers={"If-Match": f'"{surrender.pk}-{surrender.version}"'},
    )
    message = api_error(api, "received_on")
    url = admin_url(WeaponSurrender, "delete", surrender.pk)

    response = admin_client.post(url, {"post": "yes"}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert escape(message) in page_text(response)
    assert WeaponSurrender.objects.filter(pk=surrender.pk).exists()
    assert not LogEntry.objects.exists()  # the deletion was not logged either


def test_deleting_selected_records_is_all_or_nothing(admin_client, ward_a, closed_january):
    open_one = f.WeaponSurrenderFactory(ward=ward_a, received_on=dt.date(2024, 2, 15))
    closed_one = f.WeaponSurrenderFactory(ward=ward_a, received_on=JANUARY)
    message = api_error(
        admin_client.delete(
            f"/api/v1/weapon-surrenders/{closed_one.pk}/",
            headers={"If-Match": f'"{closed_one.pk}-{closed_one.version}"'},
        ),
        "received_on",
    )
    url = admin_url(WeaponSurrender, "changelist")

    response = admin_client.post(
        url,
        {
            "action": "delete_selected",
            "_selected_action": [open_one.pk, closed_one.pk],
            "post": "yes",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert escape(message) in page_text(response)
    assert WeaponSurrender.objects.count() == 2


def test_deleting_selected_records_goes_through_the_service(admin_client, admin_user, ward_a):
    surrenders = f.WeaponSurrenderFactory.create_batch(2, ward=ward_a)
    response = admin_client.post(
        admin_url(WeaponSurrender, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [s.pk for s in surrenders],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert not WeaponSurrender.objects.exists()
    deletions = WeaponSurrender.pgh_event_model.objects.filter(pgh_label="delete")
    contexts = [e.pgh_context.metadata for e in deletions.select_related("pgh_context")]
    assert [(c["user"], c["service"]) for c in contexts] == [
        (admin_user.pk, "weapon_surrender_delete")
    ] * 2


@pytest.fixture
def roster(ward_a):
    """A team that keeps its roster: two current members, so a headcount of 2.

    Not a Tổ bảo vệ ANTT, whose roster may not drop under its norm (tests/movement/test_force.py).
    """
    kind = Team.Kind.SELF_MANAGED_GROUP
    team = f.TeamFactory(ward=ward_a, kind=kind, roster_kept=True, headcount=2)
    members = f.TeamMemberFactory.create_batch(2, team=team, joined_on=dt.date(2024, 3, 1))
    return team, members


def test_an_admin_edit_of_a_team_member_recounts_the_team(admin_client, roster):
    team, (leaving, _staying) = roster
    form = changeform(admin_client, TeamMember, leaving.pk)

    response = admin_client.post(
        admin_url(TeamMember, "change", leaving.pk),
        form_post(form, left_on=dt.date(2024, 6, 1)),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    team.refresh_from_db()
    assert team.headcount == 1


def inline_rows(formset, rows=None):
    """What a browser posts for an inline ``formset``: its rows as rendered, changed by ``rows``
    (index → values, "DELETE" to delete), plus the new rows listed under "new"."""
    rows = rows or {}
    prefix, initial, new = formset.prefix, formset.initial_forms, rows.get("new", [])
    data = {
        f"{prefix}-TOTAL_FORMS": len(initial) + len(new),
        f"{prefix}-INITIAL_FORMS": len(initial),
    }
    for index, row in enumerate(initial):
        values = {k: v for k, v in rows.get(index, {}).items() if k != "DELETE"}
        for name, value in form_post(row, **values).items():
            if name != "_save":
                data[f"{prefix}-{index}-{name}"] = value
        if rows.get(index, {}).get("DELETE"):
            data[f"{prefix}-{index}-DELETE"] = "on"
    for offset, values in enumerate(new, start=len(initial)):
        data.update({f"{prefix}-{offset}-{name}": value for name, value in values.items()})
    return data


def inline_post(form, inline, rows, **changes):
    """The team's change form with its member inline (see ``inline_rows``)."""
    return {**form_post(form, **changes), **inline_rows(inline.formset, rows)}


def team_page(admin_client, team):
    response = admin_client.get(admin_url(Team, "change", team.pk))
    return response.context["adminform"].form, response.context["inline_admin_formsets"][0]


def test_team_members_added_and_removed_inline_recount_the_team(admin_client, admin_user, roster):
    team, (leaving, _staying) = roster
    form, inline = team_page(admin_client, team)
    index = [row.instance.pk for row in inline.formset.initial_forms].index(leaving.pk)
    new = [{"full_name": "Lê Văn Mới", "role": "member", "joined_on": "2024-04-01"}] * 2

    response = admin_client.post(
        admin_url(Team, "change", team.pk),
        inline_post(form, inline, {index: {"DELETE": True}, "new": new}),
    )

    assert response.status_code == 302, response.context["errors"]
    team.refresh_from_db()
    assert team.headcount == 3
    assert not TeamMember.objects.filter(pk=leaving.pk).exists()
    added = TeamMember.pgh_event_model.objects.filter(pgh_label="insert", full_name="Lê Văn Mới")
    services = {e.pgh_context.metadata["service"] for e in added.select_related("pgh_context")}
    assert services == {"team_member_create"}


def test_a_refused_team_change_keeps_its_inline_members_unsaved(admin_client, roster):
    """The team's own change is refused (a roster's headcount is counted, not typed) after the
    new member's row was valid: the page shows the form again and nothing at all is saved."""
    team, _members = roster
    form, inline = team_page(admin_client, team)
    new = [{"full_name": "Lê Văn Mới", "role": "member", "joined_on": "2024-04-01"}]

    response = admin_client.post(
        admin_url(Team, "change", team.pk), inline_post(form, inline, {"new": new}, headcount=7)
    )

    assert response.status_code == 200
    assert "headcount" in response.context["adminform"].form.errors
    assert not TeamMember.objects.filter(full_name="Lê Văn Mới").exists()
    team.refresh_from_db()
    assert (team.headcount, team.version) == (2, 1)


def test_a_refused_inline_member_keeps_the_team_change_unsaved(
    admin_client, ward_a, roster, closed_january
):
    """The team's change is valid and saved by its service first; a new member dated in a closed
    period is then refused: the page shows the error on the row and the team is unchanged."""
    team, _members = roster
    form, inline = team_page(admin_client, team)
    new = [{"full_name": "Lê Văn Mới", "role": "member", "joined_on": JANUARY.isoformat()}]

    response = admin_client.post(
        admin_url(Team, "change", team.pk),
        inline_post(form, inline, {"new": new}, name="Tên mới"),
    )

    assert response.status_code == 200
    row_errors = response.context["inline_admin_formsets"][0].formset.errors
    assert [e.code for e in row_errors[-1]["joined_on"].as_data()] == ["period_closed"]
    team.refresh_from_db()
    assert team.name != "Tên mới" and team.version == 1
    assert not TeamMember.objects.filter(full_name="Lê Văn Mới").exists()


def test_a_stale_edit_is_refused_with_the_services_message(admin_client, ward_a):
    surrender = f.WeaponSurrenderFactory(ward=ward_a)
    form = changeform(admin_client, WeaponSurrender, surrender.pk)
    WeaponSurrender.objects.filter(pk=surrender.pk).update(quantity=Decimal("3"))

    response = admin_client.post(
        admin_url(WeaponSurrender, "change", surrender.pk), form_post(form, unit="piece")
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors().as_data()
    assert [(e.code, str(e.message)) for e in errors] == [("stale", str(SERVICE_STALE_MESSAGE))]
    surrender.refresh_from_db()
    assert (surrender.quantity, surrender.unit, surrender.version) == (Decimal("3"), "kg", 2)


def test_a_video_extraction_added_in_the_admin_names_the_administrator(
    admin_client, admin_user, ward_a
):
    camera = f.CameraFactory(ward=ward_a)
    form = changeform(admin_client, VideoExtraction)
    assert "requested_by" not in form.fields  # the service sets it

    response = admin_client.post(
        admin_url(VideoExtraction, "add"),
        form_post(
            form,
            camera=camera.pk,
            requested_at=timezone.make_aware(dt.datetime(2024, 5, 2, 9, 30)),
            purpose="Xác minh vụ trộm",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert VideoExtraction.objects.get().requested_by == admin_user


def ward_record_admins():
    return sorted(
        label
        for label in MAKERS
        if getattr(admin.site.get_model_admin(apps.get_model(label)), "services", ())
    )


@pytest.mark.parametrize("label", ward_record_admins())
def test_every_ward_record_admin_saves_through_its_service(admin_client, admin_user, label):
    """The change page, posted back as rendered, is saved by the model's update service."""
    record = MAKERS[label]()
    model = type(record)
    page = admin_client.get(admin_url(model, "change", record.pk))
    data = form_post(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data.update(inline_rows(inline.formset))

    response = admin_client.post(admin_url(model, "change", record.pk), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = model.pgh_event_model.objects.filter(pgh_obj=record, pgh_label="update").last()
    noun = admin.site.get_model_admin(model).services[1].__name__
    assert event.pgh_context.metadata["service"] == noun
    assert event.pgh_context.metadata["user"] == admin_user.pk
