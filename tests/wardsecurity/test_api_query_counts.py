"""Every list endpoint costs the same number of queries for 3 rows as for 30 (no N+1).

The endpoints come from the API router, so a new resource is measured without a new test.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
