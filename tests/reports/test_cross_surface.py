"""Every surface prints the stats API's figures (issue 12): for random records, scopes, periods and
calendars, the .docx, .xlsx, .csv and print report, the dashboard's tiles, trends, group table
and ward ranking show exactly what ``GET /api/v1/stats/`` answers, read back from the files and
the pages as a person reads them. The demo wards' version is in tests/demo/test_report_demo.py.
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from reports.statistics import rollup
from tests.reports.surfaces import check_ranking, check_ward_surfaces
from tests.reports.test_exactness import KINDS, SPECS, World, make_period, records_strategy

pytestmark = pytest.mark.django_db

query_strategy = st.tuples(
    st.sampled_from(SPECS),
    st.sampled_from(("civil", "reporting")),
    st.integers(2021, 2023),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 18),
)


@settings(
    max_examples=3,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=records_strategy, query=query_strategy)
# A reporting-calendar range from 3 May: its months are 05 (3–14 May), 06 and 07, each named
# once and each compared with the same days of 2021 (an incident of 20 April 2021 is in
# reporting May 2021 but not in its 3–14 May). Found by this test: the trends once named the
# first two rows both "05/2022" and compared the first with all of reporting May 2021.
@example(
    records=[("incident", 1, 129, None, 0), ("incident", 1, 109, None, 0)],
    query=(SPECS[6], "reporting", 2022, 5, 3, 2),
)
def test_every_surface_shows_the_apis_figures(
    ward_a, ward_b, ward_c, cluster_a, viewer_all, officer_a, records, query
):
    with transaction.atomic():
        cache.clear()
        world = World([ward_a, ward_b, ward_c], officer_a)
        for i, kind in enumerate(KINDS):  # every kind at least once, in ward B
            world.build(kind, 1, 100 + i, 30, i)
        for spec in records:
            world.build(*spec)
        rollup.process_dirty()
        period = make_period(*query)
        client = Client()
        client.force_login(viewer_all)
        asked = {"period": period.spec, "calendar": period.calendar}
        check_ward_surfaces(client, scope=f"ward:{ward_b.code}", **asked)
        check_ranking(client, scope=f"cluster:{cluster_a.pk}", **asked)
        transaction.set_rollback(True)
