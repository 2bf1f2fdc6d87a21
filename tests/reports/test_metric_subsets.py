"""A metric's figures never depend on which other metrics are asked for (issue 12).

For random records and random subsets of metrics — ratios and spans with or without their
parts — every metric's entry (value, same period, change, the reason for no same-period figure,
a ratio's parts) in the scope's figures and in each row of a breakdown is the one it has when
it is asked for alone.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.statistics import rollup
from reports.statistics.metrics import COMPOSED, METRICS
from reports.statistics.selectors import stats_for
from tests.reports.test_exactness import KINDS, SPECS, World, make_period, resolve

pytestmark = pytest.mark.django_db

COMPOSED_KEYS = sorted(key for key, item in METRICS.items() if item.kind in COMPOSED)
PART_KEYS = sorted({part for key in COMPOSED_KEYS for part in METRICS[key].parts})
subsets = st.lists(
    st.one_of(
        st.sampled_from(COMPOSED_KEYS), st.sampled_from(PART_KEYS), st.sampled_from(list(METRICS))
    ),
    min_size=1,
    max_size=8,
    unique=True,
)
questions = st.tuples(
    st.sampled_from(("all", "ward", "province", "cluster")),
    st.sampled_from((None, "ward", "group", "month")),
    st.sampled_from(SPECS),
    st.sampled_from(("civil", "reporting")),
    st.integers(2021, 2023),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 18),
)


@pytest.fixture
def world(ward_a, ward_b, ward_c, cluster_a, officer_a):
    """Every kind of record in every ward, over three years, processed once."""
    built = World([ward_a, ward_b, ward_c], officer_a)
    for i, kind in enumerate(KINDS * 3):
        built.build(kind, i % 3, (i * 37) % (3 * 365), (i * 13) % 200 or None, i)
    rollup.process_dirty()
    return {"wards": [ward_a, ward_b, ward_c], "cluster": cluster_a}


def rows_of(answer):
    """{slot: metrics}: the scope's figures, and each breakdown row's."""
    rows = {"scope": answer["metrics"]}
    for row in answer.get("breakdown", []):
        slot = row.get("ward") or row.get("group") or row.get("period")
        rows[repr(sorted(slot.items()))] = row["metrics"]
    return rows


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(keys=subsets, question=questions)
def test_every_metric_is_the_same_as_when_asked_alone(world, viewer_all, keys, question):
    scope_kind, by, *period_args = question
    if by == "group":
        scope_kind = "ward"
    scope, _ward_ids = resolve(world, scope_kind)
    period = make_period(*period_args)

    def ask(metrics):
        return rows_of(
            stats_for(user=viewer_all, scope=scope, period=period, metrics=metrics, by=by)
        )

    together = ask(keys)
    everything = ask(None)
    for key in keys:
        alone = ask([key])
        assert set(alone) == set(together)
        for slot, metrics in alone.items():
            assert together[slot][key] == metrics[key], (key, keys, slot)
            assert everything[slot][key] == metrics[key], (key, slot)
