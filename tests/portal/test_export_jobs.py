"""Long list exports run as background jobs (issue 6): confirm, queue, progress, the owner's file.

The limit is lowered to 2 rows, so three households make a "long" list.
"""

import csv
import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from filestore.models import StoredFile
from households.views import HOUSEHOLDS
from incidents.views import INCIDENTS
from tests import factories as f
from tests.model_builders import BUILDERS
from wardsecurity.models import ExportJob, ReportJob, SensitiveRead, User
from wardsecurity.portal import registry
from wardsecurity.portal.display import EMPTY, display_value
from wardsecurity.portal.export_jobs import export_job_run, export_jobs_cleanup, export_storage
from wardsecurity.portal.exports import column_formatter, export_columns, formula_safe

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com","bấm")'


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.EXPORT_SYNC_LIMIT = 2
    settings.EXPORT_KEEP_DAYS = 7


def household(ward, **kwargs):
    return f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward), ward=ward, **kwargs)


def stored_names():
    """The names of the files in the exports storage (PostgreSQL, filestore)."""
    return set(StoredFile.objects.values_list("name", flat=True))


def job_url(job, name="export_job"):
    return reverse(name, kwargs={"pk": job.pk})


def queue(client, entity, fmt="csv", **params):
    """POST the confirm form of a long export (with ``params`` as the list's filters): the job."""
    url = entity.url("export", fmt=fmt)
    query = "&".join(f"{key}={value}" for key, value in params.items())
    response = client.post(f"{url}?{query}" if query else url)
    assert response.status_code == 302, response.content.decode()[-2000:]
    job = ExportJob.objects.latest("pk")
    assert response["Location"] == job_url(job)
    return job


def csv_of(content: bytes):
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def download(client, job):
    response = client.get(job_url(job, "export_job_download"))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def three(ward_a, ward_b):
    """Three households in ward A (one with a formula for a name), one in ward B."""
    return {
        "a": [
            household(ward_a, head_name=FORMULA, phone="+84901234567"),
            household(ward_a, head_name="Nguyễn Văn An"),
            household(ward_a, head_name="Trần Thị Bình"),
        ],
        "b": [household(ward_b, head_name="Hộ phường khác")],
    }


# Asking for a long export ----------------------------------------------------------------------


def test_a_long_list_asks_to_confirm_and_its_post_queues_a_job(client, clerk_a, three):
    client.force_login(clerk_a)
    response = client.get(HOUSEHOLDS.url("export", fmt="csv"), {"search": "nguyen"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")

    response = client.get(HOUSEHOLDS.url("export", fmt="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert "Chuẩn bị tệp" in page
    assert not ExportJob.objects.exists()  # a GET starts nothing

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(clerk_a)
    assert strict.post(HOUSEHOLDS.url("export", fmt="csv")).status_code == 403
    assert not ExportJob.objects.exists()

    job = queue(client, HOUSEHOLDS, sort="-head_name")
    assert (job.owner, job.entity, job.format, job.language) == (
        clerk_a,
        "households.household",
        "csv",
        "vi",
    )
    assert job.status == ExportJob.Status.QUEUED
    assert job.query == "sort=-head_name"


def test_the_search_text_stays_in_the_database_not_in_the_job_urls(client, clerk_a, three):
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS, search="Quynh")
    assert job.query == "search=Quynh"
    for page in (client.get(job_url(job)), client.get(reverse("export_jobs"))):
        assert "Quynh" not in page.content.decode()


def test_a_short_list_still_answers_at_once(client, clerk_a, ward_a):
    household(ward_a)
    household(ward_a)
    client.force_login(clerk_a)
    response = client.get(HOUSEHOLDS.url("export", fmt="csv"))
    assert response.status_code == 200 and response.streaming
    assert len(csv_of(b"".join(response.streaming_content))) == 3
    response = client.get(HOUSEHOLDS.url("export", fmt="xlsx"))
    assert load_workbook(io.BytesIO(response.content)).active.max_row == 3


# The job's file ----------------------------------------------------------------------------------


def test_the_job_writes_the_csv_the_direct_export_gives(
    client, clerk_a, three, settings, django_capture_on_commit_callbacks
):
    """Queued through the broker (eager in tests) once the request's transaction commits."""
    client.force_login(clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = queue(client, HOUSEHOLDS, sort="head_name")
    job.refresh_from_db()
    assert (job.status, job.progress, job.row_count) == (ExportJob.Status.DONE, 100, 3)
    assert job.finished_at is not None
    page = client.get(job_url(job)).content.decode()
    assert job_url(job, "export_job_download") in page

    response = client.get(job_url(job, "export_job_download"))
    assert response["Content-Disposition"] == 'attachment; filename="households.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)

    settings.EXPORT_SYNC_LIMIT = 1000
    direct = client.get(HOUSEHOLDS.url("export", fmt="csv"), {"sort": "head_name"})
    assert content == b"".join(direct.streaming_content)
    assert {int(row[0]) for row in csv_of(content)[1:]} == {h.pk for h in three["a"]}


def test_the_file_cannot_carry_formulas(client, clerk_a, three):
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS)
    export_job_run(job_id=job.pk)
    rows = csv_of(download(client, job))
    cells = [c for row in rows for c in row]
    assert "'" + FORMULA in cells and "'+84901234567" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_an_xlsx_job_opens_with_its_header_and_typed_cells(client, clerk_a, three):
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS, fmt="xlsx", with_ids="1")
    export_job_run(job_id=job.pk)
    response = client.get(job_url(job, "export_job_download"))
    assert response["Content-Disposition"] == 'attachment; filename="households.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [c.value for c in sheet[1]]
    assert header[:2] == ["ID", "Xã/phường"] and all(c.font.b for c in sheet[1])
    assert sheet.max_row == 4
    assert {sheet.cell(row=r, column=1).value for r in range(2, 5)} == {h.pk for h in three["a"]}
    assert FORMULA in [c.value for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    last = sheet.cell(1, sheet.max_column).column_letter
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{last}4"

    # Without ``with_ids`` a job's workbook, like the page's, has no internal id.
    job = queue(client, HOUSEHOLDS, fmt="xlsx")
    export_job_run(job_id=job.pk)
    response = client.get(job_url(job, "export_job_download"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(1, 1).value == "Xã/phường"


def test_a_job_runs_once(client, clerk_a, three):
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS)
    export_job_run(job_id=job.pk)
    first = ExportJob.objects.get(pk=job.pk).file_path
    export_job_run(job_id=job.pk)
    assert ExportJob.objects.get(pk=job.pk).file_path == first
    assert stored_names() == {first}


# Who gets the file ---------------------------------------------------------------------------


def test_only_the_owner_sees_the_job_and_its_file(client, clerk_a, officer_a, three):
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS)
    export_job_run(job_id=job.pk)
    assert client.get(job_url(job, "export_job_download")).status_code == 200

    other = Client()
    other.force_login(officer_a)  # same ward, more rights: still not their job
    for name in ("export_job", "export_job_progress", "export_job_download"):
        assert other.get(job_url(job, name)).status_code == 404
    assert other.get(reverse("export_job", kwargs={"pk": job.pk + 1000})).status_code == 404
    assert job_url(job) not in other.get(reverse("export_jobs")).content.decode()

    anonymous = Client()
    for name in ("export_job", "export_job_download"):
        response = anonymous.get(job_url(job, name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert anonymous.post(HOUSEHOLDS.url("export", fmt="csv")).status_code == 302
    assert ExportJob.objects.count() == 1


def test_a_deactivated_owner_gets_no_file(client, clerk_a, three):
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS)
    User.objects.filter(pk=clerk_a.pk).update(is_active=False)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED and not job.file_path
    assert not stored_names()

    User.objects.filter(pk=clerk_a.pk).update(is_active=True)
    job2 = queue(client, HOUSEHOLDS)
    export_job_run(job_id=job2.pk)
    User.objects.filter(pk=clerk_a.pk).update(is_active=False)
    assert client.get(job_url(job2, "export_job_download")).status_code != 200


# Scope and role when the job runs ------------------------------------------------------------


def test_filters_cannot_reach_another_ward(client, clerk_a, three, ward_b):
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS, ward=ward_b.pk)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.row_count == 0
    assert len(csv_of(download(client, job))) == 1  # the header only

    job = queue(client, HOUSEHOLDS)
    export_job_run(job_id=job.pk)
    ids = {int(row[0]) for row in csv_of(download(client, job))[1:]}
    assert ids == {h.pk for h in three["a"]}


def test_the_job_reads_the_owners_scope_when_it_runs(client, clerk_a, three, ward_b):
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS)
    User.objects.filter(pk=clerk_a.pk).update(scope_ward=ward_b)  # moved to ward B since
    export_job_run(job_id=job.pk)
    ids = {int(row[0]) for row in csv_of(download(client, job))[1:]}
    assert ids == {h.pk for h in three["b"]}


def test_a_role_taken_away_before_the_run_gives_no_file(client, officer_a, ward_a):
    for _ in range(3):
        f.IncidentFactory(ward=ward_a)
    client.force_login(officer_a)
    job = queue(client, INCIDENTS)
    User.objects.filter(pk=officer_a.pk).update(role=User.Role.WARD_STAFF)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert not SensitiveRead.objects.exists()


def test_a_sensitive_export_job_records_the_read(client, officer_a, ward_a):
    incidents = [f.IncidentFactory(ward=ward_a) for _ in range(3)]
    client.force_login(officer_a)
    job = queue(client, INCIDENTS)
    export_job_run(job_id=job.pk)
    read = SensitiveRead.objects.get()
    assert read.user == officer_a and read.path == job_url(job)
    assert sorted(read.object_ids) == sorted(i.pk for i in incidents)


# The pages ---------------------------------------------------------------------------------------


def test_the_job_page_polls_until_done(client, clerk_a, three):
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS)
    page = client.get(job_url(job)).content.decode()
    assert f'hx-get="{job_url(job, "export_job_progress")}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "<progress" in page
    assert client.get(job_url(job, "export_job_download")).status_code == 404  # not ready
    export_job_run(job_id=job.pk)
    part = client.get(job_url(job, "export_job_progress")).content.decode()
    assert "hx-get" not in part
    assert job_url(job, "export_job_download") in part
    assert "3 dòng" in part


def test_the_job_pages_take_a_fixed_number_of_queries(
    client, clerk_a, three, django_assert_max_num_queries
):
    # Each page: the session, the user, the job (or the 20 latest jobs); nothing per job.
    client.force_login(clerk_a)
    jobs = [queue(client, HOUSEHOLDS) for _ in range(2)]
    export_job_run(job_id=jobs[0].pk)
    with django_assert_max_num_queries(3):
        assert client.get(job_url(jobs[0])).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(job_url(jobs[1], "export_job_progress")).status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get(reverse("export_jobs")).status_code == 200
    for _ in range(5):
        queue(client, HOUSEHOLDS)
    with django_assert_max_num_queries(3):
        page = client.get(reverse("export_jobs")).content.decode()
    assert page.count('class="report-job"') == 7


# Cleanup -----------------------------------------------------------------------------------------


def test_cleanup_deletes_old_jobs_and_files_and_keeps_recent_ones(client, clerk_a, three):
    client.force_login(clerk_a)
    old, recent = queue(client, HOUSEHOLDS), queue(client, HOUSEHOLDS)
    for job in (old, recent):
        export_job_run(job_id=job.pk)
    forgotten = queue(client, HOUSEHOLDS)  # queued, never run
    now = timezone.now()
    long_ago = now - dt.timedelta(days=8)
    ExportJob.objects.filter(pk=old.pk).update(created_at=long_ago, finished_at=long_ago)
    ExportJob.objects.filter(pk=forgotten.pk).update(created_at=long_ago)
    ExportJob.objects.filter(pk=recent.pk).update(finished_at=now - dt.timedelta(days=6))
    old_file = ExportJob.objects.get(pk=old.pk).file_path
    recent_file = ExportJob.objects.get(pk=recent.pk).file_path
    # Stored, but its job never marked done (a worker stopped in between): no job names it.
    half_written = export_storage().save("exports/99-abc.csv", ContentFile(b"x"))
    StoredFile.objects.filter(name=half_written).update(created_at=long_ago)
    # As young as the recent job: kept, it may be a job's file about to be marked done.
    young_orphan = export_storage().save("exports/98-abc.csv", ContentFile(b"y"))
    reports = [
        ReportJob.objects.create(
            owner=clerk_a, scope="ward", period="2026", calendar="g", format="docx", language="vi"
        )
        for _ in range(2)
    ]
    ReportJob.objects.filter(pk=reports[0].pk).update(created_at=long_ago, finished_at=long_ago)

    assert export_jobs_cleanup() == {"export_jobs": 2, "files": 2, "report_jobs": 1}
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert stored_names() == {recent_file, young_orphan}
    assert old_file != recent_file and half_written not in stored_names()
    assert list(ReportJob.objects.values_list("pk", flat=True)) == [reports[1].pk]
    assert client.get(job_url(recent, "export_job_download")).status_code == 200


def test_the_cleanup_runs_every_night():
    from wardsecurity.celery import app

    entry = app.conf.beat_schedule["jobs-cleanup"]
    assert entry["task"] == "wardsecurity.cleanup_jobs"
    assert entry["task"] in app.tasks


# The faster formatting reads like the pages --------------------------------------------------


def test_every_exported_cell_reads_as_the_pages_show_it(ward_a):
    """CSV: the text of the detail page (blank for "—", formula-safe); XLSX: numbers and dates
    keep their type, the rest is the same text."""
    for entity in registry():
        model = entity.model
        if model not in BUILDERS:
            continue
        record = BUILDERS[model].make(ward_a, True)
        for name in export_columns(entity):
            if name == "ward" or model._meta.get_field(name).is_relation:
                continue
            if name == "id":  # an identifier: the plain number, never grouped ("1.140")
                for for_xlsx in (False, True):
                    assert column_formatter(model, name, for_xlsx=for_xlsx)(record) == record.pk
                continue
            model_field = model._meta.get_field(name)
            value = getattr(record, name)
            shown = display_value(model_field, value)
            text = "" if shown == EMPTY else formula_safe(shown)
            assert column_formatter(model, name, for_xlsx=False)(record) == text, name
            typed = column_formatter(model, name, for_xlsx=True)(record)
            if model_field.choices or isinstance(value, bool | str | list | dict) or value is None:
                # A workbook's text cells are typed as text: no apostrophe is needed.
                assert typed == ("" if shown == EMPTY else shown), (entity.prefix, name)
            elif isinstance(value, dt.datetime):
                assert typed == timezone.localtime(value).replace(tzinfo=None), name
            else:
                assert typed == value and type(typed) is type(value), (entity.prefix, name)


def test_the_exports_can_go_to_another_storage_by_setting(
    client, clerk_a, three, settings, tmp_path
):
    """STORAGES["exports"] names the class: any Storage (e.g. S3 through django-storages) takes
    the files with no code changed; here the file system's."""
    settings.STORAGES = {
        **settings.STORAGES,
        "exports": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "elsewhere")},
        },
    }
    client.force_login(clerk_a)
    job = queue(client, HOUSEHOLDS)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (tmp_path / "elsewhere" / job.file_path).is_file() and not stored_names()
    rows = csv_of(download(client, job))
    assert {int(row[0]) for row in rows[1:]} == {h.pk for h in three["a"]}
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    assert export_jobs_cleanup()["files"] == 1
    assert not (tmp_path / "elsewhere" / job.file_path).exists()
