"""``GET /api/v1/reports/`` and the report jobs: formats, scope, roles, the job lifecycle."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from reports.statistics import rollup
from tests.factories import HouseholdFactory, IncidentFactory, OutreachSessionFactory
from wardsecurity.models import ReportJob

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def at(year, month, day):
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


@pytest.fixture
def figures(ward_a, ward_b, ward_c):
    """March 2024 against March 2023 in ward A; something in B and C for the cluster."""
    for day in (3, 9):
        IncidentFactory(ward=ward_a, occurred_at=at(2024, 3, day))
    IncidentFactory(ward=ward_a, occurred_at=at(2023, 3, 4))
    OutreachSessionFactory(ward=ward_a, held_on=dt.date(2024, 3, 2), attendees=40)
    HouseholdFactory(group__ward=ward_a, member_count=4)
    HouseholdFactory(group__ward=ward_b, member_count=3)
    IncidentFactory(ward=ward_c, occurred_at=at(2024, 3, 5))
    rollup.process_dirty()


def docx_text(content):
    document = Document(io.BytesIO(content))
    cells = [p.text for table in document.tables for cell in table._cells for p in cell.paragraphs]
    return "\n".join([*cells, *(p.text for p in document.paragraphs)])


def get(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_a_clerk_downloads_the_docx_of_the_ward(client, clerk_a, figures):
    response = get(client, clerk_a, scope="ward:91001", period="month:2024-03", format="docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        'attachment; filename="bao-cao-ward-91001-month-2024-03.docx"'
    )
    text = docx_text(response.content)
    assert "CÔNG AN PHƯỜNG AN BÌNH" in text
    # Clerks see incidents as counts in statistics, never as records (SPEC §1).
    assert "Số vụ việc xảy ra: 2 vụ, tăng 1 vụ (+100,0%) so với cùng kỳ." in text
    assert "Số buổi tuyên truyền đã tổ chức: 1 buổi, tăng 1 buổi (cùng kỳ không có)." in text
    # The households were entered today: none yet in March 2024, and a nil line is left out.
    assert "Số hộ gia đình" not in text


def test_the_default_format_is_docx(client, officer_a, figures):
    response = get(client, officer_a, scope="ward:91001", period="month:2024-03")
    assert response["Content-Type"] == DOCX


def test_xlsx_csv_and_the_print_view(client, officer_a, figures):
    params = {"scope": "ward:91001", "period": "month:2024-03"}
    xlsx = get(client, officer_a, format="xlsx", **params)
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames == ["Phần I", "Phần II"]

    response = get(client, officer_a, format="csv", **params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = {row[2]: row for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert rows["incidents"][4:8] == ["2", "1", "1", "100"]

    printed = get(client, officer_a, format="pdf", **params)
    assert printed.status_code == 200
    assert printed["Content-Type"] == "text/html; charset=utf-8"
    assert printed["Content-Disposition"].endswith('.html"')
    page = printed.content.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "tăng 1 vụ (+100,0%) so với cùng kỳ" in page


def test_an_english_user_gets_an_english_report_when_asking_for_one(client, officer_a, figures):
    """Official documents are Vietnamese whatever the browser's language (issue 12): an English
    copy takes ``lang=en`` (tests/reports/test_document_language.py)."""
    client.force_login(officer_a)
    response = client.get(
        URL,
        {"scope": "ward:91001", "period": "month:2024-03", "lang": "en"},
        headers={"accept-language": "en"},
    )
    text = docx_text(response.content)
    assert "SOCIALIST REPUBLIC OF VIETNAM" in text
    assert "up 1 incident (+100,0%) on the same period" in text


def test_another_ward_is_not_found(client, officer_b, figures):
    response = get(client, officer_b, scope="ward:91001", period="month:2024-03")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"scope": "ward:91001", "period": "month:2024-13"}, "period"),
        ({"scope": "ward:91001", "period": "week:12"}, "period"),
        ({"scope": "ward:91001", "period": "month:2024-03", "calendar": "lunar"}, "calendar"),
        ({"scope": "ward:91001", "period": "month:2024-03", "format": "exe"}, "format"),
        ({"scope": "phuong:1", "period": "month:2024-03"}, "scope"),
        ({"period": "month:2024-03"}, "scope"),
    ],
)
def test_bad_parameters_are_explained_in_vietnamese(client, officer_a, params, field):
    response = get(client, officer_a, **params)
    assert response.status_code == 400
    body = response.json()["fields"]
    assert set(body) == {field}
    message = body[field][0]
    assert any(letter in message for letter in "ạảãàáâầấậăằắặđêềếệôồốộơờớợưừứựý"), message
    assert ReportJob.objects.count() == 0


def test_anonymous_gets_nothing(client, figures):
    response = client.get(URL, {"scope": "ward:91001", "period": "month:2024-03"})
    assert response.status_code in {401, 403}


# Jobs -------------------------------------------------------------------------------------------


def test_a_multi_ward_report_runs_as_a_job_for_its_owner_only(
    client, viewer_city, viewer_all, cluster_a, figures, django_capture_on_commit_callbacks
):
    client.force_login(viewer_city)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(
            URL, {"scope": f"cluster:{cluster_a.pk}", "period": "month:2024-03", "format": "xlsx"}
        )
    assert response.status_code == 202
    job = response.json()
    assert job["status"] == "queued"
    assert job["download"] is None
    status_url = job["status_url"]
    assert status_url == f"/api/v1/report-jobs/{job['id']}/"
    queued = client.get(status_url).json()
    assert (queued["status"], queued["progress"], queued["download"]) == ("queued", 0, None)

    for callback in callbacks:  # the commit: the (eager) worker builds the file
        callback()
    done = client.get(status_url).json()
    assert (done["status"], done["progress"]) == ("done", 100)
    download = client.get(done["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="bao-cao-cluster-{cluster_a.pk}-month-2024-03.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(download.content))["Phần I"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows["Số vụ việc xảy ra"][1:3] == (3, 1)  # wards A and C

    # Nobody else sees the job or its file, not even an administrator of every ward.
    client.force_login(viewer_all)
    assert client.get(status_url).status_code == 404
    assert client.get(done["download"]).status_code == 404


def test_a_job_runs_once_even_if_its_task_runs_twice(viewer_city, cluster_a, figures):
    from reports.documents.tasks import run_report_job

    job = ReportJob.objects.create(
        owner=viewer_city,
        scope=f"cluster:{cluster_a.pk}",
        period="month:2024-03",
        calendar="civil",
        format="csv",
        language="vi",
    )
    run_report_job(job.pk)
    job.refresh_from_db()
    finished, content = job.finished_at, bytes(job.content)
    run_report_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.finished_at, bytes(job.content)) == ("done", finished, content)


def test_a_job_whose_owner_lost_the_scope_fails(viewer_city, cluster_a, figures, ward_b):
    from reports.documents.tasks import run_report_job

    job = ReportJob.objects.create(
        owner=viewer_city,
        scope=f"cluster:{cluster_a.pk}",
        period="month:2024-03",
        calendar="civil",
        format="docx",
        language="vi",
    )
    cluster_a.wards.add(ward_b)  # now a cluster the viewer does not oversee in full
    viewer_city.scope_cluster = None
    viewer_city.scope_kind = "ward"
    viewer_city.scope_ward = ward_b
    viewer_city.save()
    run_report_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.content is None


def test_the_download_of_an_unfinished_job_is_not_found(client, viewer_city):
    job = ReportJob.objects.create(
        owner=viewer_city,
        scope="all",
        period="month:2024-03",
        calendar="civil",
        format="docx",
        language="vi",
    )
    client.force_login(viewer_city)
    assert client.get(f"/api/v1/report-jobs/{job.pk}/download/").status_code == 404


def test_a_broker_outage_leaves_the_job_queued_and_polling_resends_it(
    client, viewer_city, cluster_a, figures, monkeypatch, django_capture_on_commit_callbacks
):
    from reports.documents.tasks import run_report_job

    sent = []

    def broker_down(*args, **kwargs):
        sent.append(args)
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(run_report_job, "apply_async", broker_down)
    client.force_login(viewer_city)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, {"scope": f"cluster:{cluster_a.pk}", "period": "month:2024-03"})
    assert response.status_code == 202
    job = ReportJob.objects.get(pk=response.json()["id"])
    assert (job.status, len(sent)) == ("queued", 1)

    client.get(response.json()["status_url"])  # a fresh job: not sent again yet
    assert len(sent) == 1
    ReportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert client.get(response.json()["status_url"]).json()["status"] == "queued"
    assert sent[-1] == ((job.pk,),)
    assert len(sent) == 2
