"""A figure as the statistics give it, for tests that check what a change did to the figures."""

from reports.statistics.selectors import stats_for
from wardsecurity.period_spec import parse_period


def ward_figure(user, ward, spec: str, key: str):
    """One metric of ``ward`` over the period ``spec``, as the statistics API computes it."""
    answer = stats_for(
        user=user, scope=f"ward:{ward.code}", period=parse_period(spec), metrics=[key]
    )
    return answer["metrics"][key]["value"]
