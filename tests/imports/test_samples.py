"""The demo files of imports/samples/: each valid file imports cleanly into the demo ward
Ba Ngòi (as its police officer: incidents are police-only); the bad file is
refused with a row-and-column report. Slow: it loads the territory and the demo."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from households.models import Household, Ward
from imports.models import ImportBatch
from imports.services import import_run
from wardsecurity.models import User

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("demo_loaded")]

SAMPLES = Path(__file__).resolve().parents[2] / "imports" / "samples"
ORDER = (
    "recorders",
    "households",
    "organisations",
    "commitments",
    "cameras",
    "teams",
    "team-members",
    "contributions",
    "outreach-sessions",
    "mediation-cases",
    "incidents",
    "patrols",
    "team-appraisals",
    "organisation-commitment-tallies",
)


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_territory", stdout=StringIO())
        call_command("load_demo", stdout=StringIO())
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


def test_every_valid_sample_imports_cleanly_and_twice_changes_nothing(db):
    ward = Ward.objects.get(code="22423")
    police = User.objects.get(username="police.bangoi")
    for kind in ORDER:
        batch = import_run(actor=police, ward=ward, kind=kind, path=SAMPLES / f"{kind}.csv")
        assert batch.status == ImportBatch.Status.COMMITTED, (kind, batch.errors[:5])
        assert batch.summary["create"] > 0 and batch.summary["error"] == 0
        again = import_run(actor=police, ward=ward, kind=kind, path=SAMPLES / f"{kind}.csv")
        assert again.summary["create"] == again.summary["update"] == 0, kind


def test_the_sample_with_errors_is_refused_with_a_readable_report(db):
    ward = Ward.objects.get(code="22423")
    clerk = User.objects.get(username="clerk.bangoi")
    before = Household.objects.filter(ward=ward).count()
    path = SAMPLES / "households_with_errors.csv"
    batch = import_run(actor=clerk, ward=ward, kind="households", path=path)
    assert batch.status == ImportBatch.Status.INVALID
    assert {e["row"] for e in batch.errors} == {2, 3, 4, 5, 6, 7, 8}
    assert all(e["column"] and e["message"] for e in batch.errors)
    assert Household.objects.filter(ward=ward).count() == before
