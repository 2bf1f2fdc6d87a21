"""The optional read replica (issue 18, item 8): which reads go there, and its lag in "data as of".

The test settings declare a database "replica" that is a mirror of the test database (Django's
TEST MIRROR): a second connection to the same data, as a streaming standby would be. Reads go
there only where a test turns REPLICA_READS on, as DATABASE_REPLICA_URL does in a deployment.
"""

import datetime as dt
import re

import psycopg
import pytest
from django.core.cache import cache
from django.db import OperationalError, connections, router
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from households.models import Household, Ward
from reports.statistics import rollup
from reports.statistics import selectors as stats_selectors
from tests import factories as f
from wardsecurity import replica as replica_module
from wardsecurity.models import ExportJob
from wardsecurity.portal.export_jobs import export_job_run
from wardsecurity.replica import (
    REPLICA,
    ReplicaFallbackMiddleware,
    ReplicaRouter,
    health,
    lag_text,
    read_alias,
    replica_lag,
    replica_reads,
)

BOTH = ["default", REPLICA]
MARCH = {"scope": "all", "period": "month:2024-03", "calendar": "civil"}


@pytest.fixture
def replica(settings):
    settings.REPLICA_READS = True
    health.forget()
    yield
    health.forget()


@pytest.fixture
def replica_down(monkeypatch):
    """The replica refuses connections, as a stopped standby does, while ``["now"]`` is true."""
    down = {"now": True}
    real = connections[REPLICA].get_new_connection

    def refuse_while_down(*args, **kwargs):
        if down["now"]:
            raise psycopg.OperationalError('connection to server on socket "/run/x" failed')
        return real(*args, **kwargs)

    connections[REPLICA].close()
    monkeypatch.setattr(connections[REPLICA], "get_new_connection", refuse_while_down)
    yield down
    monkeypatch.undo()
    connections[REPLICA].close()


def lag_checks(queries):
    """The replica's own fitness checks (``replica.health``) among ``queries``."""
    return [q for q in queries if q["sql"] == f"SELECT {replica_module.LAG_SQL}"]


@pytest.fixture
def figures(ward_a, ward_b):
    for day in (3, 4):
        f.IncidentFactory(
            ward=ward_a, occurred_at=timezone.make_aware(dt.datetime(2024, 3, day, 10))
        )
    rollup.process_dirty()


def sql_on(queries, table):
    return [q["sql"] for q in queries if table in q["sql"]]


@pytest.mark.django_db
def test_without_a_replica_every_read_stays_on_the_primary(settings):
    settings.REPLICA_READS = False  # DATABASE_REPLICA_URL unset
    with replica_reads():
        assert read_alias() == "default"
        assert Ward.objects.all().db == "default"
        assert router.db_for_read(Ward) == "default"


@pytest.mark.django_db(databases=BOTH)
def test_only_reads_inside_replica_reads_go_to_the_replica(replica):
    assert Ward.objects.all().db == "default" and read_alias() == "default"
    with replica_reads():
        assert read_alias() == REPLICA
        assert Ward.objects.all().db == REPLICA
        # Writes, and objects read on the replica saved again, go to the primary.
        assert router.db_for_write(Ward) == "default"
    assert Ward.objects.all().db == "default" and read_alias() == "default"
    assert ReplicaRouter().allow_migrate(REPLICA, "households") is False
    assert ReplicaRouter().allow_migrate("default", "households") is True


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_statistics_are_read_on_the_replica_with_the_same_figures(
    client, viewer_all, figures, settings, replica
):
    client.force_login(viewer_all)
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        answer = client.get("/api/v1/stats/", MARCH)
    assert answer.status_code == 200, answer.content
    for table in ("reports_rollupstate", "reports_statmonth"):
        assert sql_on(on_replica, table) and not sql_on(on_primary, table), table

    settings.REPLICA_READS = False
    cache.clear()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        primary = client.get("/api/v1/stats/", MARCH)
    assert not on_replica
    assert answer.json()["metrics"] == primary.json()["metrics"]
    assert answer.json()["metrics"]["incidents"]["value"] == 2


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_dashboard_reads_its_figures_on_the_replica(client, viewer_all, figures, replica):
    client.force_login(viewer_all)
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        page = client.get("/dashboard/", MARCH)
    assert page.status_code == 200
    assert sql_on(on_replica, "reports_statmonth") and not sql_on(on_primary, "reports_statmonth")
    # The session and its user are read on the primary, as on every page.
    assert sql_on(on_primary, "django_session") and not sql_on(on_replica, "django_session")


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_export_worker_reads_the_list_on_the_replica_and_writes_on_the_primary(
    officer_a, ward_a, replica
):
    group = f.ResidentialGroupFactory(ward=ward_a)
    for _ in range(3):
        f.HouseholdFactory(ward=ward_a, group=group)
    job = ExportJob.objects.create(
        owner=officer_a, entity=Household._meta.label_lower, format="csv", language="vi"
    )
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.row_count) == (ExportJob.Status.DONE, 3)
    table = Household._meta.db_table
    assert sql_on(on_replica, f'FROM "{table}"') and not sql_on(on_primary, f'FROM "{table}"')
    # The job is claimed and finished, the file and the sensitive reads written, on the primary.
    assert not [q for q in on_replica if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))]
    assert sql_on(on_primary, "filestore_storedchunk")


@pytest.mark.django_db(databases=BOTH)
def test_a_database_that_is_not_a_standby_has_no_lag(replica):
    assert replica_lag(REPLICA) is None  # the mirror is the primary itself
    assert replica_lag("default") is None
    with replica_reads():
        assert stats_selectors.rollup_view().lag is None


@pytest.mark.django_db(databases=BOTH)
def test_the_lag_of_the_replica_is_in_the_data_as_of_line(
    client, viewer_all, figures, replica, monkeypatch
):
    """A standby 42 seconds behind (its lag query stood in for): the figures are as of 42
    seconds ago at the latest, and the dashboard says where they come from."""
    monkeypatch.setattr(stats_selectors, "LAG_SQL", "interval '42 seconds'")
    before = timezone.now()
    with replica_reads():
        view = stats_selectors.rollup_view()
    assert view.lag == dt.timedelta(seconds=42)
    assert view.as_of <= before - dt.timedelta(seconds=41)
    client.force_login(viewer_all)
    page = client.get("/dashboard/", MARCH).content.decode()
    line = re.search(r"Số liệu tính đến[^<]*", page)
    assert line, page[:2000]
    assert "Đọc từ cơ sở dữ liệu bản sao, chậm 42 giây so với cơ sở dữ liệu chính." in line[0]


@pytest.mark.django_db
def test_without_a_replica_the_data_as_of_line_says_nothing_of_one(client, viewer_all, figures):
    client.force_login(viewer_all)
    page = client.get("/dashboard/", MARCH).content.decode()
    assert re.search(r"Số liệu tính đến", page) and "bản sao" not in page


@pytest.mark.parametrize(
    ("seconds", "vietnamese", "english"),
    [
        (0, "chậm 0 giây", "0 seconds behind"),
        (1, "chậm 1 giây", "1 second behind"),
        (119, "chậm 119 giây", "119 seconds behind"),
        (300, "chậm 5 phút", "5 minutes behind"),
    ],
)
def test_the_lag_is_told_in_seconds_then_minutes(seconds, vietnamese, english):
    lag = dt.timedelta(seconds=seconds)
    with translation.override("vi"):
        assert vietnamese in lag_text(lag)
    with translation.override("en"):
        assert english in lag_text(lag)
    assert lag_text(None) == ""


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_an_unreachable_replica_leaves_the_figures_on_the_primary(
    client, viewer_all, figures, replica, replica_down
):
    client.force_login(viewer_all)
    with CaptureQueriesContext(connections["default"]) as on_primary:
        answer = client.get("/api/v1/stats/", MARCH)
        page = client.get("/dashboard/", MARCH)
    assert answer.status_code == 200 and page.status_code == 200
    assert answer.json()["metrics"]["incidents"]["value"] == 2
    assert sql_on(on_primary, "reports_statmonth")
    body = page.content.decode()
    assert re.search(r"Số liệu tính đến", body) and "bản sao" not in body


@pytest.mark.django_db(transaction=True, databases=BOTH)
@pytest.mark.parametrize("path", ["/api/v1/stats/", "/dashboard/"])
def test_a_replica_lost_while_trusted_costs_no_request_a_503(
    viewer_all, figures, replica, replica_down, path
):
    # The first attempt's error is logged and answered (as a server does), not raised here.
    client = Client(raise_request_exception=False)
    client.force_login(viewer_all)
    replica_down["now"] = False
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get(path, MARCH).status_code == 200
    assert sql_on(on_replica, "reports_statmonth")  # read there: the replica is trusted now
    replica_down["now"] = True
    connections[REPLICA].close()  # the standby stops: the next read must connect again
    cache.clear()
    with CaptureQueriesContext(connections["default"]) as on_primary:
        lost = client.get(path, MARCH)
    assert lost.status_code == 200
    assert sql_on(on_primary, "reports_statmonth")
    if path == "/api/v1/stats/":
        assert lost.json()["metrics"]["incidents"]["value"] == 2
    else:
        assert "bản sao" not in lost.content.decode()
    # The next request asks the replica first (still down: the primary again, no error).
    assert client.get(path, MARCH).status_code == 200


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_a_write_that_lost_the_replica_is_not_done_again(replica):
    """Only reads are answered again: a POST's error stands (nothing runs twice)."""
    calls = []

    def view(request):
        calls.append(request.method)
        with replica_reads():
            raise OperationalError("server closed the connection") from psycopg.OperationalError()

    def answered(request):  # as Django's handler turns the error into a response
        try:
            return view(request)
        except OperationalError:
            return HttpResponse(status=503)

    middleware = ReplicaFallbackMiddleware(answered)
    factory = RequestFactory()
    assert middleware(factory.post("/x")).status_code == 503 and calls == ["POST"]
    calls.clear()
    assert middleware(factory.get("/x")).status_code == 503  # a primary down too: 503 still
    assert calls == ["GET", "GET"]


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_replica_is_used_again_once_it_answers(
    client, viewer_all, figures, replica, settings, replica_down
):
    client.force_login(viewer_all)
    assert client.get("/dashboard/", MARCH).status_code == 200  # on the primary
    replica_down["now"] = False
    # An unfit replica is asked again only after six times the interval.
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        client.get("/dashboard/", MARCH)
    assert not on_replica
    settings.REPLICA_CHECK_SECONDS = 0
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get("/dashboard/", MARCH).status_code == 200
    assert lag_checks(on_replica) and sql_on(on_replica, "reports_statmonth")


@pytest.mark.django_db(transaction=True, databases=BOTH)
@pytest.mark.parametrize(("lag", "on_replica"), [(300, True), (301, False)])
def test_a_replica_further_behind_than_the_limit_is_not_read(
    client, viewer_all, figures, replica, settings, monkeypatch, lag, on_replica
):
    settings.REPLICA_MAX_LAG = 300
    monkeypatch.setattr(replica_module, "LAG_SQL", f"interval '{lag} seconds'")
    client.force_login(viewer_all)
    with CaptureQueriesContext(connections[REPLICA]) as replica_queries:
        answer = client.get("/api/v1/stats/", MARCH)
    assert answer.status_code == 200
    assert answer.json()["metrics"]["incidents"]["value"] == 2
    assert lag_checks(replica_queries)
    assert bool(sql_on(replica_queries, "reports_statmonth")) is on_replica


@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_the_replica_is_checked_once_an_interval_not_on_every_request(
    client, viewer_all, figures, replica
):
    client.force_login(viewer_all)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        for _ in range(3):
            assert client.get("/dashboard/", MARCH).status_code == 200
    assert len(lag_checks(on_replica)) == 1
    assert len(sql_on(on_replica, "reports_statmonth")) >= 3


@pytest.mark.django_db(databases=BOTH)
def test_a_database_error_inside_the_reads_has_the_replica_checked_again(replica):
    with replica_reads():
        assert read_alias() == REPLICA
    with pytest.raises(OperationalError), replica_reads():
        raise OperationalError("server closed the connection") from psycopg.OperationalError()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, replica_reads():
        assert read_alias() == REPLICA
    assert len(lag_checks(on_replica)) == 1
    # Any other error leaves the last check standing.
    with pytest.raises(ValueError), replica_reads():
        raise ValueError("a bug")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, replica_reads():
        pass
    assert not lag_checks(on_replica)
