"""The access matrix (GUARANTEES G1, G2, G4): every API operation × persona × own/other object.

The operations come from the OpenAPI schema (drf_spectacular's generator, the one that serves
``/api/v1/schema/``) and the URL conf, so a resource registered later is in the matrix the day it
appears. The expected answers are derived from the rules of SPEC §1 and §4, never from running the
code:

- anonymous: 401/403 for everything but ``POST auth/token/`` (G1), the schema and docs included;
- sensitive resources (``model.sensitive``): 403 for clerks and steering viewers on every method
  and whichever the object (the refusal is decided before any lookup, G4);
- steering viewers: 403 on every write; the read-only resources (territory and configuration):
  403 for every write and every role (403, not 405, since the role check comes first);
- an object outside the caller's scope: 404 (G2); a create or period action that names a record of
  a ward outside the scope: 400 (G3, the same answer as for an id that does not exist);
- everything else: 200/201/204, and the write did happen (a sensitive read is logged once).

A refused request (any 4xx) leaves the database as it was: it wrote no row of any table
(PostgreSQL's per-transaction insert/update/delete counters, which also catch an UPDATE that row
counts would miss), and the target row and its table read the same before and after.

The anonymous walk over every URL pattern of the project (``get_resolver``) checks the pages
outside the API too: only health and login answer; the rest answers 401/403 or leads to the login
page. A pattern that no rule below covers fails the build until a rule is added.
"""

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django.utils.regex_helper import normalize
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.viewsets import GenericViewSet

from households.models import Household, Province, ResidentialGroup, Ward, WardCluster
from imports.models import ImportBatch
from reporting.models import PeriodReport
from tests.factories import (
    ClosedPeriodFactory,
    PeriodReportFactory,
    ProvinceFactory,
    UserFactory,
    WardClusterFactory,
    WardFactory,
)
from tests.model_builders import BUILDERS
from wardsecurity.api.authentication import token_issue
from wardsecurity.api.urls import router
from wardsecurity.models import (
    ApiToken,
    ClosedPeriod,
    ReportJob,
    SensitiveRead,
    User,
    WardRecord,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/"
PASSWORD = "demo12345"  # tests.factories.UserFactory
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SUCCESS = {"GET": 200, "POST": 201, "PUT": 200, "PATCH": 200, "DELETE": 204}
DENIED = frozenset({401, 403})

# Personas of tests/conftest.py and the wards their scope covers (SPEC §4): ward A and ward B are
# in one province, ward C in another; the city cluster is A and C. ``None`` is every ward.
PERSONAS = (
    "anonymous",
    "admin_user",
    "officer_a",
    "clerk_a",
    "officer_b",
    "viewer_city",
    "viewer_all",
    "reviewer_province",
)
SCOPE = {
    "anonymous": "",
    "admin_user": None,
    "officer_a": "a",
    "clerk_a": "a",
    "officer_b": "b",
    "viewer_city": "ac",
    "viewer_all": None,
    "reviewer_province": "ab",
}
# SPEC §1: who may write, and who may see sensitive records.
WRITERS = {"admin_user", "officer_a", "clerk_a", "officer_b"}
POLICE = {"admin_user", "officer_a", "officer_b"}
# Issue 13: province reviewers (and administrators) accept, return and reopen ward reports.
REVIEWERS = {"admin_user", "reviewer_province"}

# SPEC §4 and §5: the territory is reference data and the appraisal thresholds configuration (edited
# in the admin site); the API only reads them. Every other resource has the full CRUD.
READ_ONLY_RESOURCES = {
    "provinces",
    "wards",
    "ward-clusters",
    "appraisal-thresholds",
    "recognition-criteria",
    "grading-criteria",
    "grading-deadlines",
}
EVERY_WARD = "every ward"  # the scope of a record that belongs to no ward (configuration)


def generate_schema():
    return SchemaGenerator().get_schema(request=None, public=True)


SCHEMA = generate_schema()


# The world every case runs in --------------------------------------------------------------


@dataclass
class World:
    wards: dict  # letter -> Ward: a, b (province 91), c (province 92), d (province 93)
    cluster_a: WardCluster  # wards A and C (the viewer_city scope)
    cluster_b: WardCluster  # ward B only
    users: dict  # persona -> User (anonymous: None)

    def sees(self, persona, ward_ids):
        """Whether ``persona``'s scope covers one of ``ward_ids`` (SPEC §4)."""
        if persona == "anonymous":
            return False
        if ward_ids == EVERY_WARD or SCOPE[persona] is None:
            return True
        return bool({self.wards[letter].pk for letter in SCOPE[persona]} & set(ward_ids))

    def client(self, persona):
        client = APIClient()
        user = self.users[persona]
        if user is not None:
            raw, token = token_issue(user=user, name="access matrix")
            # Mark the token used now: the once-a-minute touch then happens before the snapshot.
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client


@pytest.fixture
def world(request, db, ward_a, ward_b, ward_c, cluster_a):
    return build_world(request)


def build_world(request):
    """Wards A, B, C of tests/conftest.py, a ward D in a third province, and every persona.

    The fixtures that use it must name ``db`` (and the wards) in their signature: pytest-django
    sets up the test database only for tests that ask for it before they run.
    """
    ward_a, ward_b, ward_c, cluster_a = (
        request.getfixturevalue(name) for name in ("ward_a", "ward_b", "ward_c", "cluster_a")
    )
    ward_d = WardFactory(code="93001", province=ProvinceFactory(code="93"), name="Xã Đồng Xa")
    users = {name: request.getfixturevalue(name) for name in PERSONAS if name != "anonymous"}
    return World(
        wards={"a": ward_a, "b": ward_b, "c": ward_c, "d": ward_d},
        cluster_a=cluster_a,
        cluster_b=WardClusterFactory(name="Cụm B", wards=[ward_b]),
        users={"anonymous": None, **users},
    )


def object_wards(obj):
    """The wards an object belongs to, for the scope rule of SPEC §4."""
    if isinstance(obj, Ward):
        return {obj.pk}
    if isinstance(obj, Province | WardCluster):
        return set(obj.wards.values_list("pk", flat=True))
    if isinstance(obj, WardRecord):
        return {obj.owner_ward_id}
    if not hasattr(type(obj)._default_manager, "visible_to"):
        return EVERY_WARD
    pytest.fail(f"add the scope rule of {type(obj)._meta.label} to object_wards() in {__name__}")


def make_pair(model, world):
    """An object the ward A personas own and one they do not (for the territory: one holding
    ward A and one holding neither A nor B, or only B)."""
    territory = {
        Ward: lambda: (world.wards["a"], world.wards["b"]),
        Province: lambda: (world.wards["a"].province, world.wards["d"].province),
        WardCluster: lambda: (world.cluster_a, world.cluster_b),
    }
    if model in territory:
        return territory[model]()
    if model not in BUILDERS:
        pytest.fail(f"add a builder for {model._meta.label} to tests/model_builders.py")
    builder = BUILDERS[model]
    return builder.make(world.wards["a"], True), builder.make(world.wards["b"], True)


# Operations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """A router-registered viewset (``<app>.api.views.ROUTES``)."""

    name: str
    viewset: type

    @property
    def model(self):
        return getattr(self.viewset, "model", None) or self.viewset.queryset.model

    @property
    def read_only(self):
        return self.name in READ_ONLY_RESOURCES

    def serializer_class(self, action):
        view = self.viewset(action=action, format_kwarg=None, request=None, kwargs={})
        return view.get_serializer_class()


RESOURCES = {prefix: Resource(prefix, viewset) for prefix, viewset, _basename in router.registry}


@dataclass(frozen=True)
class Special:
    """An API operation that is not a resource's CRUD: its rule and how to exercise it.

    ``payload(world, ward)`` builds the body for a target in ``ward`` (``ward`` is None when the
    operation has no target); ``check(response, world, persona)`` asserts what a success did.
    """

    success: int = 200
    public: bool = False  # reachable without signing in (G1: login)
    police_only: bool = False  # SPEC §1, §6: ward police and administrators only
    write: bool = False  # refused to steering viewers
    targets: tuple = (None,)
    payload: Callable | None = None
    check: Callable | None = None
    # ``url(world, ward, persona)`` for an operation on an object made per persona (imports);
    # ``item``: its target is an object, so out of scope answers 404 rather than 400.
    url: Callable | None = None
    item: bool = False
    # ``roles(user)``: whether the persona's role may use it at all; the others (signed in) get
    # 403 before anything is looked up (issue 13: completeness, consolidated reports).
    roles: Callable | None = None
    # ``owner_only``: the target belongs to a user, not a ward (a report job): "own" is the
    # persona's own, "other" another user's, which answers 404 to everyone (SPEC §10).
    owner_only: bool = False
    # Issue 13: only province reviewers and administrators (whatever the object).
    reviewer_only: bool = False


def closed_period_of(world, ward):
    return ClosedPeriodFactory(ward=ward).pk


def check_token(response, world, persona):
    assert response.json()["token"].startswith("wsp_")


def check_me(response, world, persona):
    assert response.json()["username"] == world.users[persona].username


def check_logout(response, world, persona):
    token = ApiToken.objects.filter(user=world.users[persona]).latest("created_at")
    assert token.revoked_at is not None, "logout did not revoke the token"


def check_period(response, world, persona):
    period = ClosedPeriod.objects.get(pk=response.json()["id"])
    assert period.ward_id in {ward.pk for ward in world.wards.values()}
    assert response.json()["ward"] == period.ward_id


def check_stats(response, world, persona):
    body = response.json()
    expected = {
        "viewer_city": "cluster",
        "viewer_all": "all",
        "admin_user": "all",
        "reviewer_province": "province",
    }
    assert body["scope"]["kind"] == expected.get(persona, "ward")
    assert "incidents" in body["metrics"]


def check_report(response, world, persona):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.search(
        r'filename="bao-cao-ward-[0-9]{5}-month-2024-03\.csv"', response["Content-Disposition"]
    )


def check_report_job(response, world, persona):
    body = response.json()
    assert (body["status"], body["progress"]) == ("done", 100)
    assert body["download"] == f"/api/v1/report-jobs/{body['id']}/download/"


def check_report_download(response, world, persona):
    assert response.content == b"figures"


def reads_completeness(user):
    return user.is_admin_role or user.is_reader_role


def consolidates(user):
    return user.can_review_reports


def check_completeness(response, world, persona):
    body = response.json()
    expected = {"viewer_city": "cluster", "viewer_all": "all", "admin_user": "all"}
    assert body["scope"]["kind"] == expected.get(persona, "province")
    assert {"submitted_pct", "on_time_pct", "accepted_pct"} <= set(body["rates"])


def one_ward_cluster(world):
    """A cluster of ward A alone: every reader persona sees all of it."""
    return WardClusterFactory(name="Cụm chỉ phường A", wards=[world.wards["a"]])


def check_consolidated(response, world, persona):
    from reporting.models import ConsolidatedReport

    body = response.json()
    report = ConsolidatedReport.objects.get(pk=body["id"])
    assert list(report.cluster.wards.all()) == [world.wards["a"]]
    assert body["figures"]["wards"]["expected"] == 1


def consolidated_url(suffix=""):
    """A consolidated report of a cluster of ward A, made afresh for each persona."""

    def url(world, ward, persona):
        from reporting.models import ConsolidatedReport

        report = ConsolidatedReport.objects.create(
            cluster=one_ward_cluster(world),
            period="month:2025-08",
            number="1",
            symbol="BC-CA",
            place="Tỉnh 91",
            signer_title="Giám đốc",
            signer_name="Nguyễn Văn A",
            created_by=world.users["admin_user"],
        )
        return f"{API}reporting/consolidated/{report.pk}/{suffix}"

    return url


def report_job_for(world, ward, persona):
    """A finished report job: the persona's own for "own", another user's for "other"."""
    owner = world.users[persona] if ward == world.wards["a"] else None
    if owner is None:
        owner = UserFactory(role=User.Role.WARD_POLICE, scope_ward=world.wards["b"])
    job = ReportJob.objects.create(
        owner=owner,
        scope=f"ward:{ward.code}",
        period="month:2024-03",
        calendar="civil",
        format="csv",
        language="vi",
        status=ReportJob.Status.DONE,
        progress=100,
        filename="bao-cao-ward-91001-month-2024-03.csv",
        content_type="text/csv; charset=utf-8",
        content=b"figures",
    )
    return job.pk


# Imports: an upload is a file; the import belongs to its ward and to the user who started it
# (administrators see every import), so a per-persona URL names an import of that persona.
IMPORT_CSV = (
    "Mã hộ,Chủ hộ,Tổ dân phố,Địa chỉ,Số nhân khẩu\nHK-M1,Nguyễn Văn An,Tổ Ma Trận,1 Đường,3\n"
)


def import_group(ward):
    return ResidentialGroup.objects.get_or_create(ward=ward, name="Tổ Ma Trận")[0]


def import_upload(world, ward):
    import_group(ward)
    return Multipart(kind="households", ward=ward.code, file=IMPORT_CSV.encode())


def import_url(suffix=""):
    def url(world, ward, persona):
        import_group(ward)
        user = world.users[persona]
        owner = persona in WRITERS and persona != "admin_user" and world.sees(persona, {ward.pk})
        if not owner:
            user = world.users["officer_a" if ward == world.wards["a"] else "officer_b"]
        batch = ImportBatch.objects.create(
            ward=ward,
            kind="households",
            status=ImportBatch.Status.READY,
            created_by=user,
            filename="ho.csv",
            content=IMPORT_CSV.encode(),
        )
        return f"{API}imports/{batch.pk}/{suffix}"

    return url


def check_import_upload(response, world, persona):
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert batch.created_by == world.users[persona] and batch.kind == "households"


def check_import_status(status):
    def check(response, world, persona):
        batch = ImportBatch.objects.get(pk=response.json()["id"])
        assert batch.status == status == response.json()["status"]
        written = Household.objects.filter(ward=batch.ward, code="HK-M1").exists()
        assert written == (status == ImportBatch.Status.COMMITTED)

    return check


def report_url(state, action):
    """A report of the ward in ``state`` (made by its own officer and the province reviewer)."""

    def url(world, ward, persona):
        from reporting import services as reporting

        officer = UserFactory(role=User.Role.WARD_POLICE, scope_ward=ward)
        reviewer = UserFactory(
            role=User.Role.PROVINCE_REVIEWER,
            scope_kind=User.ScopeKind.PROVINCE,
            scope_ward=None,
            scope_province=ward.province,
        )
        report = PeriodReportFactory(ward=ward)
        if state in ("submitted", "accepted"):
            report = reporting.period_report_submit(actor=officer, instance=report)
        if state == "accepted":
            report = reporting.period_report_accept(actor=reviewer, instance=report)
        return f"{API}period-reports/{report.pk}/{action}/"

    return url


def check_report_state(state):
    def check(response, world, persona):
        assert response.json()["state"] == state
        assert PeriodReport.objects.get(pk=response.json()["id"]).state == state

    return check


# Every API operation that is not a resource's CRUD needs a row here (see the coverage tests).
SPECIAL = {
    ("/api/v1/auth/token/", "POST"): Special(
        success=201,
        public=True,
        payload=lambda world, ward: {"username": "officer_a", "password": PASSWORD},
        check=check_token,
    ),
    ("/api/v1/auth/logout/", "POST"): Special(success=204, check=check_logout),
    ("/api/v1/users/me/", "GET"): Special(check=check_me),
    ("/api/v1/periods/", "GET"): Special(),
    # Statistics are for every role (counts of sensitive records included); without parameters
    # they cover the caller's whole scope, year to date. Other scopes: tests/reports/test_api.py.
    ("/api/v1/stats/", "GET"): Special(check=check_stats),
    # Completeness and consolidated reports (issue 13): steering viewers, reviewers and
    # administrators read; reviewers and administrators write. The consolidated report is of a
    # cluster of ward A, which every reader persona sees in full. Other roles, scopes and
    # states: tests/reporting/test_completeness.py and test_consolidation.py.
    ("/api/v1/reporting/completeness/", "GET"): Special(
        roles=reads_completeness, check=check_completeness
    ),
    ("/api/v1/reporting/completeness/year/", "GET"): Special(roles=reads_completeness),
    ("/api/v1/reporting/consolidated/", "GET"): Special(roles=reads_completeness),
    ("/api/v1/reporting/consolidated/", "POST"): Special(
        success=201,
        roles=consolidates,
        payload=lambda world, ward: {
            "scope": f"cluster:{one_ward_cluster(world).pk}",
            "period": "month:2025-08",
        },
        check=check_consolidated,
    ),
    ("/api/v1/reporting/consolidated/{id}/", "GET"): Special(
        roles=reads_completeness, url=consolidated_url(), item=True, check=check_consolidated
    ),
    ("/api/v1/reporting/consolidated/{id}/", "PATCH"): Special(
        roles=consolidates,
        url=consolidated_url(),
        item=True,
        payload=lambda world, ward: {"assessment": "Phong trào được duy trì."},
        check=check_consolidated,
    ),
    ("/api/v1/reporting/consolidated/{id}/", "DELETE"): Special(
        success=204, roles=consolidates, url=consolidated_url(), item=True
    ),
    ("/api/v1/reporting/consolidated/{id}/issue/", "POST"): Special(
        roles=consolidates, url=consolidated_url("issue/"), item=True, check=check_consolidated
    ),
    ("/api/v1/periods/close/", "POST"): Special(
        success=201,
        police_only=True,
        write=True,
        targets=("own", "other"),
        payload=lambda world, ward: {"ward": ward.pk, "start": "2020-01-01", "end": "2020-01-31"},
        check=check_period,
    ),
    ("/api/v1/periods/reopen/", "POST"): Special(
        police_only=True,
        write=True,
        targets=("own", "other"),
        payload=lambda world, ward: {
            "period": closed_period_of(world, ward),
            "reason": "Sửa số liệu tháng 1",
        },
        check=check_period,
    ),
    # Period reports (SPEC §10): one ward's is answered at once, to every role in scope; other
    # scopes and the job lifecycle: tests/reports/test_report_api.py.
    ("/api/v1/reports/", "GET"): Special(
        targets=("own", "other"),
        url=lambda world, ward, persona: (
            f"/api/v1/reports/?scope=ward:{ward.code}&period=month:2024-03&format=csv"
        ),
        item=True,
        check=check_report,
    ),
    ("/api/v1/report-jobs/{id}/", "GET"): Special(
        targets=("own", "other"),
        url=lambda world, ward, persona: (
            f"/api/v1/report-jobs/{report_job_for(world, ward, persona)}/"
        ),
        owner_only=True,
        item=True,
        check=check_report_job,
    ),
    ("/api/v1/report-jobs/{id}/download/", "GET"): Special(
        targets=("own", "other"),
        url=lambda world, ward, persona: (
            f"/api/v1/report-jobs/{report_job_for(world, ward, persona)}/download/"
        ),
        owner_only=True,
        item=True,
        check=check_report_download,
    ),
    ("/api/v1/imports/", "POST"): Special(
        success=201,
        write=True,
        targets=("own", "other"),
        payload=import_upload,
        check=check_import_upload,
    ),
    ("/api/v1/imports/{id}/", "GET"): Special(
        write=True,
        item=True,
        targets=("own", "other"),
        url=import_url(),
        check=check_import_status(ImportBatch.Status.READY),
    ),
    ("/api/v1/imports/{id}/commit/", "POST"): Special(
        write=True,
        item=True,
        targets=("own", "other"),
        url=import_url("commit/"),
        check=check_import_status(ImportBatch.Status.COMMITTED),
    ),
    ("/api/v1/imports/{id}/cancel/", "POST"): Special(
        write=True,
        item=True,
        targets=("own", "other"),
        url=import_url("cancel/"),
        check=check_import_status(ImportBatch.Status.CANCELLED),
    ),
    ("/api/v1/imports/templates/{kind}/", "GET"): Special(
        write=True,  # only those who may import
        url=lambda world, ward, persona: f"{API}imports/templates/households/",
    ),
    # The reporting chain (issue 13): ward police submit; reviewers return, accept and reopen.
    ("/api/v1/period-reports/{id}/submit/", "POST"): Special(
        police_only=True,
        write=True,
        item=True,
        targets=("own", "other"),
        url=report_url("draft", "submit"),
        check=check_report_state("submitted"),
    ),
    ("/api/v1/period-reports/{id}/return/", "POST"): Special(
        reviewer_only=True,
        item=True,
        targets=("own", "other"),
        url=report_url("submitted", "return"),
        payload=lambda world, ward: {"comment": "Bổ sung số liệu tuần tra."},
        check=check_report_state("returned"),
    ),
    ("/api/v1/period-reports/{id}/accept/", "POST"): Special(
        reviewer_only=True,
        item=True,
        targets=("own", "other"),
        url=report_url("submitted", "accept"),
        check=check_report_state("accepted"),
    ),
    ("/api/v1/period-reports/{id}/reopen/", "POST"): Special(
        reviewer_only=True,
        item=True,
        targets=("own", "other"),
        url=report_url("accepted", "reopen"),
        payload=lambda world, ward: {"comment": "Sai số liệu camera."},
        check=check_report_state("returned"),
    ),
    # Not in the schema (SERVE_INCLUDE_SCHEMA is off) but API pages all the same (SPEC §8).
    ("/api/v1/schema/", "GET"): Special(),
    ("/api/v1/docs/", "GET"): Special(),
}
OUTSIDE_SCHEMA = {("/api/v1/schema/", "GET"), ("/api/v1/docs/", "GET")}


@dataclass(frozen=True)
class Op:
    path: str  # as the schema writes it: /api/v1/households/{id}/
    method: str
    in_schema: bool = True

    def __str__(self):
        return f"{self.method} {self.path}"

    @property
    def item(self):
        return "{" in self.path

    def url(self, pk=0):
        return re.sub(r"\{[^}]+\}", str(pk), self.path)

    @cached_property
    def resource(self):
        match = resolve(self.url(1))
        viewset = getattr(match.func, "cls", None)
        if viewset is None or not issubclass(viewset, GenericViewSet):
            return None
        return next((r for r in RESOURCES.values() if r.viewset is viewset), None)

    @property
    def special(self):
        return SPECIAL.get((self.path, self.method))

    @property
    def action(self):
        if self.path.endswith("/{id}/history/"):
            return "history"
        collection = {"GET": "list", "POST": "create"}
        item = {"GET": "retrieve", "PUT": "update", "PATCH": "partial_update", "DELETE": "destroy"}
        return (item if self.item else collection)[self.method]

    @property
    def targets(self):
        if self.special is not None:
            return self.special.targets
        if self.resource is not None and (self.item or self.method == "POST"):
            return ("own", "other")
        return (None,)


def schema_operations():
    return [
        Op(path, method.upper())
        for path, item in SCHEMA["paths"].items()
        for method in item
        if method.upper() in HTTP_METHODS
    ]


def refused_operations():
    """The writes a read-only resource does not offer: still exercised, they must answer 403."""
    ops = []
    for name in sorted(READ_ONLY_RESOURCES & set(RESOURCES)):
        ops.append(Op(f"{API}{name}/", "POST", in_schema=False))
        item = f"{API}{name}/{{id}}/"
        ops.extend(Op(item, method, in_schema=False) for method in ("PUT", "PATCH", "DELETE"))
    return ops


OPERATIONS = [
    *schema_operations(),
    *refused_operations(),
    *(Op(path, method, in_schema=False) for path, method in sorted(OUTSIDE_SCHEMA)),
]


# Rules -------------------------------------------------------------------------------------


def expected_status(
    persona, *, success, public, sensitive, write, read_only, item, visible, reviewer_only=False
):
    """The answer SPEC §1/§4 require, as a set of acceptable status codes."""
    if public:
        return {success}
    if persona == "anonymous":
        return set(DENIED)
    if sensitive and persona not in POLICE:
        return {403}
    if reviewer_only and persona not in REVIEWERS:
        return {403}
    if write and (persona not in WRITERS or read_only):
        return {403}
    if not visible:
        return {404} if item else {400}
    return {success}


# The database before and after -------------------------------------------------------------


def table_writes():
    """Rows inserted, updated and deleted so far in this transaction, per table.

    PostgreSQL counts every write of the transaction, even one rolled back to a savepoint, so a
    request that writes nothing leaves these counters exactly as they were: stricter than row
    counts (an UPDATE changes no count) and one cheap query.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {table: tuple(counts) for table, *counts in cursor.fetchall()}


def db_state(model, obj):
    row = None if obj is None else list(model._default_manager.filter(pk=obj.pk).values())
    table = list(model._default_manager.order_by("pk").values()) if model is not None else None
    return {"writes": table_writes(), "row": row, "table": table}


def assert_unchanged(before, after):
    written = {}
    for table, counts in after["writes"].items():
        earlier = before["writes"].get(table, (0, 0, 0))
        if counts != earlier:
            written[table] = tuple(a - b for a, b in zip(counts, earlier, strict=True))
    assert not written, f"a refused request wrote (inserted, updated, deleted): {written}"
    assert after["row"] == before["row"], "a refused request changed the target row"
    assert after["table"] == before["table"], "a refused request changed the table"


# Payloads ----------------------------------------------------------------------------------

# resource -> (world, ward) -> a valid create body, for a resource the generic builder cannot do.
PAYLOADS: dict[str, Callable] = {}


def representation(serializer_class, instance):
    """The writable fields of ``instance`` as the API writes them (links as ids)."""
    serializer = serializer_class(context={"request": None})
    body = {}
    for name, fld in serializer.fields.items():
        if fld.read_only:
            continue
        try:
            attribute = fld.get_attribute(instance)
        except ValueError:  # a many-to-many link of a record not saved yet
            body[name] = []
            continue
        body[name] = None if attribute is None else fld.to_representation(attribute)
    return body


def create_payload(resource, world, ward):
    if resource.name in PAYLOADS:
        return PAYLOADS[resource.name](world, ward)
    if resource.read_only:
        return {"name": "Không được tạo"}  # refused before the body is read
    if resource.model not in BUILDERS:
        pytest.fail(f"add a payload for {resource.name} to PAYLOADS in {__name__}")
    instance = BUILDERS[resource.model].make(ward, False)
    return representation(resource.serializer_class("create"), instance)


def update_payload(resource, obj, partial):
    serializer_class = resource.serializer_class("partial_update" if partial else "update")
    body = representation(serializer_class, obj)
    builder = BUILDERS.get(resource.model)
    if builder is None or builder.field not in body:
        return {} if partial else body
    value = serializer_class(context={"request": None}).fields[builder.field]
    change = {builder.field: value.to_representation(builder.values[0])}
    return change if partial else {**body, **change}


class Multipart(dict):
    """A payload sent as multipart/form-data (file uploads) rather than JSON."""


def send(client, method, url, payload):
    if isinstance(payload, Multipart):  # bytes are files, made afresh for every request
        data = {
            name: SimpleUploadedFile(f"{name}.csv", value) if isinstance(value, bytes) else value
            for name, value in payload.items()
        }
        return client.post(url, data, format="multipart")
    data = "" if payload is None else json.dumps(payload, cls=JSONEncoder)
    extra = {}
    if method in {"PUT", "PATCH", "DELETE"}:
        # If-Match is required: the ETag the persona reads first, as a client does (none when it
        # may not read the record: that refusal comes before the precondition).
        etag = client.get(url).headers.get("ETag")
        if etag is not None:
            extra["HTTP_IF_MATCH"] = etag
    return client.generic(method, url, data, content_type="application/json", **extra)


def describe(response):
    return response.content[:400].decode(errors="replace")


# The matrix --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One operation on one target: every persona is tried against it in turn."""

    op: Op
    target: str | None = None

    def __str__(self):
        where = "" if self.target is None else f"-{self.target}"
        return f"{self.op.method}-{self.op.path.removeprefix(API)}{where}"


CELLS = [Cell(op, target) for op in OPERATIONS for target in op.targets]


@pytest.mark.parametrize("cell", CELLS, ids=str)
def test_access_matrix(cell, world):
    """Each persona in its own savepoint, rolled back, so all seven meet the same database."""
    op = cell.op
    if op.special is not None:
        prepared = prepare_special(cell, world)
    elif op.resource is not None:
        prepared = prepare_resource(cell, world)
    else:
        pytest.fail(f"{op}: no rule; add a row to SPECIAL in {__name__}")
    failures = []
    for persona in PERSONAS:
        with transaction.atomic():
            try:
                prepared.run(persona)
            except AssertionError as exc:
                failures.append(f"{cell} as {persona}: {exc}")
            transaction.set_rollback(True)
    assert not failures, "\n".join(failures)


@dataclass
class Prepared:
    """What a cell needs to run as one persona: ``expected(persona)`` and ``check``."""

    cell: Cell
    world: World
    model: type | None
    url: str
    payload: object
    expected: Callable
    check: Callable
    target: object = None

    def run(self, persona):
        expected = self.expected(persona)
        client = self.world.client(persona)
        url = self.url(persona) if callable(self.url) else self.url  # may create the target
        before = db_state(self.model, self.target)
        reads_before = SensitiveRead.objects.count()
        response = send(client, self.cell.op.method, url, self.payload)
        assert response.status_code in expected, (
            f"expected {sorted(expected)}, got {response.status_code}: {describe(response)}"
        )
        if response.status_code >= 400:
            assert_unchanged(before, db_state(self.model, self.target))
        else:
            self.check(response, persona, before, reads_before)


def prepare_special(cell, world):
    op, special = cell.op, cell.op.special
    ward = {"own": world.wards["a"], "other": world.wards["b"], None: None}[cell.target]

    def expected(persona):
        user = world.users[persona]
        if special.roles is not None and user is not None and not special.roles(user):
            return {403}
        return expected_status(
            persona,
            success=special.success,
            public=special.public,
            sensitive=special.police_only,
            write=special.write,
            read_only=False,
            item=special.item,
            reviewer_only=special.reviewer_only,
            visible=(cell.target == "own")
            if special.owner_only
            else (ward is None or world.sees(persona, {ward.pk})),
        )

    def check(response, persona, before, reads_before):
        if special.check is not None:
            special.check(response, world, persona)

    payload = special.payload(world, ward) if special.payload else None
    url = op.url()
    if special.url is not None:
        url = lambda persona: special.url(world, ward, persona)  # noqa: E731
    return Prepared(cell, world, None, url, payload, expected, check)


def prepare_resource(cell, world):
    op, resource = cell.op, cell.op.resource
    model = resource.model
    sensitive = getattr(model, "sensitive", False)
    own = other = target = payload = None
    if op.method == "POST":
        ward = world.wards["a" if cell.target == "own" else "b"]
        payload = create_payload(resource, world, ward)
        target_wards = {ward.pk}
    else:
        own, other = make_pair(model, world)
        target = {"own": own, "other": other, None: None}[cell.target]
        target_wards = EVERY_WARD if target is None else object_wards(target)
        if op.method in {"PUT", "PATCH"}:
            payload = update_payload(resource, target, partial=op.method == "PATCH")

    def expected(persona):
        return expected_status(
            persona,
            success=SUCCESS[op.method],
            public=False,
            sensitive=sensitive,
            write=op.method in WRITE_METHODS,
            read_only=resource.read_only,
            item=op.item,
            visible=world.sees(persona, target_wards),
        )

    def check(response, persona, before, reads_before):
        """The success did what it says."""
        body = response.json() if response.content else None
        if op.action == "list":
            listed = {row["id"] for row in body["results"]}
            for obj in (own, other):
                shown = obj.pk in listed
                assert shown == world.sees(persona, object_wards(obj)), (
                    f"{model._meta.label} {obj.pk} listed={shown} is wrong for the scope"
                )
        elif op.action == "retrieve":
            assert body["id"] == target.pk
        elif op.action == "history":
            assert body["count"] >= 1 and body["results"][-1]["kind"] == "insert"
        elif op.action == "create":
            created = model._default_manager.get(pk=body["id"])
            assert object_wards(created) == target_wards, "created in another ward"
        elif op.action in {"update", "partial_update"}:
            assert db_state(model, target)["row"] != before["row"], "a 200 that changed nothing"
        elif op.action == "destroy":
            assert not model._default_manager.filter(pk=target.pk).exists(), "still there"
        if sensitive and op.method == "GET":
            # G4: one access-log row per read, naming the reader and the record.
            assert SensitiveRead.objects.count() == reads_before + 1, "sensitive read not logged"
            logged = SensitiveRead.objects.order_by("-pk").first()
            assert logged.user == world.users[persona]
            if target is not None:
                assert logged.object_ids == [target.pk]

    url = op.url(target.pk if target is not None else 0)
    return Prepared(cell, world, model, url, payload, expected, check, target)


# Coverage: nothing in the schema or the router escapes the matrix --------------------------


def test_every_schema_operation_has_a_rule_in_the_matrix():
    """A new operation fails here (and in its matrix cells) until it has a rule."""
    schema_ops = {(op.path, op.method) for op in schema_operations()}
    covered = {
        (cell.op.path, cell.op.method)
        for cell in CELLS
        if cell.op.special is not None or cell.op.resource is not None
    }
    missing = sorted(schema_ops - covered)
    assert not missing, f"operations without a rule (add them to SPECIAL): {missing}"


def test_the_matrix_runs_every_persona_of_the_conftest():
    readers = {"viewer_city", "viewer_all", "reviewer_province"}
    assert set(PERSONAS) == set(SCOPE) == {"anonymous", *WRITERS, *readers}


def test_every_special_row_is_still_an_operation():
    known = {(op.path, op.method) for op in schema_operations()} | OUTSIDE_SCHEMA
    stale = sorted(set(SPECIAL) - known)
    assert not stale, f"rows of SPECIAL that name no operation: {stale}"


def test_the_matrix_covers_items_with_own_and_other_objects():
    for op in OPERATIONS:
        if op.resource is not None and op.item:
            assert set(op.targets) == {"own", "other"}, op


@pytest.mark.parametrize("name", sorted(RESOURCES))
def test_each_resource_offers_the_operations_of_its_kind(name):
    offered = {
        (path.removeprefix(API), method.upper())
        for path, item in SCHEMA["paths"].items()
        for method in item
        if method.upper() in HTTP_METHODS and path.removeprefix(API).split("/")[0] == name
    }
    # Operations beside a resource (a report's transitions) have their own rows in SPECIAL.
    offered -= {(path.removeprefix(API), method) for path, method in SPECIAL}
    reads = {(f"{name}/", "GET"), (f"{name}/{{id}}/", "GET")}
    writes = {(f"{name}/", "POST")} | {(f"{name}/{{id}}/", m) for m in ("PUT", "PATCH", "DELETE")}
    history = {(f"{name}/{{id}}/history/", "GET")}
    if name in READ_ONLY_RESOURCES:
        assert offered == reads
    else:
        assert offered == reads | writes | history, (
            "ward resources offer list/retrieve/create/update/delete and history"
        )


def test_every_api_url_pattern_is_in_the_matrix():
    """Each API route (format suffixes aside) is an operation of the matrix."""
    matrix_paths = {re.sub(r"\{[^}]+\}", "1", op.path) for op in OPERATIONS}
    missing = []
    for pattern in url_patterns():
        if pattern.namespaces != ("api",) or "format" in pattern.regex:
            continue
        path = pattern.example()
        if path is None or path not in matrix_paths:
            missing.append(pattern.route)
    assert not missing, f"API routes the matrix does not exercise: {missing}"


# The anonymous walk over every URL pattern (G1) --------------------------------------------


@dataclass
class Pattern:
    chain: tuple  # the resolvers down to the pattern, then the pattern
    namespaces: tuple = field(default=())

    @property
    def route(self):
        return "".join(str(level.pattern) for level in self.chain)

    @property
    def name(self):
        leaf = self.chain[-1].name
        return ":".join((*self.namespaces, leaf)) if leaf else None

    @property
    def regex(self):
        return "".join(level.pattern.regex.pattern.removeprefix("^") for level in self.chain)

    def candidates(self, param):
        """Sample values for a URL parameter: an id, a format, or the words the regex allows."""
        words = re.search(rf"\(\?P<{param}>([\w|-]+)\)", self.regex)
        return [SAMPLE_VALUES.get(param, "1"), *(words.group(1).split("|") if words else []), "1"]

    def example(self):
        """A concrete path that resolves to this very pattern, or None."""
        for template, params in normalize(self.regex):
            for values in itertools.product(*(self.candidates(p) for p in params)):
                path = "/" + template % dict(zip(params, values, strict=True))
                try:
                    match = resolve(path)
                except Resolver404:
                    continue
                if match.func is self.chain[-1].callback:
                    return path
        return None


def url_patterns(resolver=None, chain=(), namespaces=()):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from url_patterns(entry, (*chain, entry), inner)
        else:
            yield Pattern((*chain, entry), namespaces)


PATTERNS = list(url_patterns())
SAMPLE_VALUES = {"format": "json"}

# What an anonymous GET gets (G1). Exact names first, then a rule per namespace.
PUBLIC_PAGES = {
    "healthz": 200,
    "admin:login": 200,
    "api:token": 405,  # the API login: POST only
    "login": 200,  # the portal's sign-in page (settings.LOGIN_URL)
    "logout": 405,  # POST only
    # The installable app (issue 17): the manifest names no one; a signed-out browser gets a
    # service worker that keeps nothing and deletes what an earlier user left.
    "manifest": 200,
    "service_worker": 200,
}
LOGIN = "login"
# The portal's pages (SPEC §9): every entity's list/detail/forms/export, the home page, periods,
# and the language switch (a GET only redirects, to a page that asks for a login).
PORTAL_NAMESPACES = {
    ("households",),
    ("movement",),
    ("incidents",),
    ("cameras",),
    ("imports",),
    ("reports",),
    ("completeness",),
    ("household_sheets",),
    ("camera_map",),
    ("reporting",),
    ("reporting_documents",),
    ("notifications",),
}
PORTAL_PAGES = {
    "home",
    "periods",
    "set_language",
    "export_jobs",
    "export_job",
    "export_job_progress",
    "export_job_download",
}


def anonymous_expectation(pattern):
    if pattern.name in PUBLIC_PAGES:
        return PUBLIC_PAGES[pattern.name]
    if pattern.namespaces == ("api",):
        return DENIED
    if pattern.namespaces == ("admin",) or pattern.namespaces in PORTAL_NAMESPACES:
        return LOGIN
    if pattern.name in PORTAL_PAGES:
        return LOGIN
    return None


def test_every_url_pattern_has_an_anonymous_expectation():
    missing = [p.route for p in PATTERNS if anonymous_expectation(p) is None]
    assert not missing, f"URL patterns without a rule in anonymous_expectation(): {missing}"


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.route or "<root>")
def test_anonymous_access_to_every_url_pattern(pattern, client):
    expectation = anonymous_expectation(pattern)
    assert expectation is not None, f"add a rule for {pattern.route} to anonymous_expectation()"
    path = pattern.example()
    assert path is not None, f"cannot build a URL for {pattern.route}; extend candidates()"

    response = client.get(path, follow=True)
    if expectation == LOGIN:
        assert response.redirect_chain, f"{path}: {response.status_code} without a redirect"
        # The admin site has its own sign-in page; everything else uses the portal's.
        admin = pattern.namespaces == ("admin",)
        login = reverse("admin:login") if admin else resolve_url(settings.LOGIN_URL)
        assert response.request["PATH_INFO"] == login, response.redirect_chain
        assert response.status_code == 200
    elif isinstance(expectation, int):
        assert response.status_code == expectation, path
    else:
        assert not response.redirect_chain
        assert response.status_code in expectation, f"{path}: {response.status_code}"
        if pattern.namespaces == ("api",):
            options = client.options(path)
            assert options.status_code in expectation, f"OPTIONS {path}: {options.status_code}"
