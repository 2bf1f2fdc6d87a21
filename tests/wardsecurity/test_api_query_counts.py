"""Every list endpoint costs the same number of queries for 3 rows as for 30 (no N+1).

The endpoints come from the API router, so a new resource is measured without a new test.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import FormerWard, WardSuccession
from movement.models import Appraisal, AppraisalThreshold, GradingDeadline, SafetyRecognition
from tests import factories as f
from tests.model_builders import BUILDERS
from wardsecurity.api.urls import router

# Configuration with one row per grade or per kind of subject: it cannot grow to 30 rows.
FIXED_SIZE = {AppraisalThreshold, GradingDeadline}
LISTS = sorted(
    (prefix, viewset)
    for prefix, viewset, _basename in router.registry
    if viewset.model not in FIXED_SIZE
)


def list_queries(client, prefix):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/{prefix}/", {"page_size": 100})
    assert response.status_code == 200, response.content[:200]
    return len(captured), len(response.json()["results"])


# One row per subject and year: these grow by year instead.
BY_YEAR = {Appraisal: f.AppraisalFactory, SafetyRecognition: f.SafetyRecognitionFactory}


def grow(model, ward, count):
    start = model._default_manager.count()
    for n in range(count):
        if model in BY_YEAR:
            BY_YEAR[model](ward=ward, year=1990 + start + n)
        else:
            BUILDERS[model].make(ward, True)


@pytest.mark.parametrize(("prefix", "viewset"), LISTS, ids=[p for p, _v in LISTS])
def test_list_query_count_does_not_grow_with_rows(client, admin_user, ward_a, prefix, viewset):
    # Expected, whatever the number of rows: the session, the user, COUNT(*), the page, the
    # resource's prefetches (e.g. groups of teams, incident ids of tips) and, for sensitive
    # resources, one INSERT into the read log.
    client.force_login(admin_user)
    model = viewset.model
    grow(model, ward_a, 3)
    few, shown_few = list_queries(client, prefix)
    grow(model, ward_a, 27)
    many, shown_many = list_queries(client, prefix)
    assert shown_many >= shown_few + 27
    assert many == few


def test_the_ward_list_with_predecessors_costs_the_same_for_3_and_30_wards(client, admin_user):
    # The session, the user, COUNT(*), the page of wards with their province, and the
    # predecessors of the page's wards with their former ward (one prefetch).
    client.force_login(admin_user)

    def wards_with_predecessors(start, count):
        for n in range(start, start + count):
            ward = f.WardFactory(code=f"8{n:04d}")
            for k in range(2):
                unit = FormerWard.objects.create(
                    code=f"{n:03d}{k:02d}", name=f"Phường Cũ {n}-{k}", kind="phuong",
                    district_name="Quận Cũ", province_name="Tỉnh Cũ", search_name=f"cu {n}",
                )  # fmt: skip
                WardSuccession.objects.create(former_ward=unit, ward=ward, partly=k == 1)

    wards_with_predecessors(0, 3)
    with CaptureQueriesContext(connection) as few:
        response = client.get("/api/v1/wards/", {"page_size": 100})
    assert [len(w["predecessors"]) for w in response.json()["results"]] == [2, 2, 2]
    wards_with_predecessors(3, 27)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/wards/", {"page_size": 100})
    assert len(response.json()["results"]) == 30
    assert response.json()["results"][0]["predecessors"] == [
        {"code": "00000", "name": "Phường Cũ 0-0", "partly": False},
        {"code": "00001", "name": "Phường Cũ 0-1", "partly": True},
    ]
    assert len(many) == len(few) == 5, [q["sql"][:80] for q in many]
