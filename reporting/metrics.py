"""Manual indicators in the statistics engine: ``manual.<code>`` for each catalogue entry.

A value is entered for one reporting period and counts, as a flow, on the last day of that
period (``period_end``): any span containing that day sums it, so a quarter adds its months'
values, and the same period a year earlier compares like any flow. The catalogue is read at run
time (``reports.statistics.metrics.register_family``), so an indicator an administrator adds is
a metric at once. docs/statistics.md, "Manual indicators".
"""

from django.utils.translation import gettext_lazy as _

from reporting.models import ManualIndicator, ManualIndicatorValue
from reports.statistics.metrics import FLOW, Metric, Source, register, register_family

PREFIX = "manual"
# The engine's unit of each noun: people are people, the rest are counts.
METRIC_UNITS: dict[str, str] = {ManualIndicator.Unit.PERSON.value: "people"}


class IndicatorLabel:
    """The indicator's label in the active language, chosen when shown."""

    def __init__(self, vi: str, en: str) -> None:
        self.vi, self.en = vi, en

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.en if (get_language() or "vi").startswith("en") else self.vi

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IndicatorLabel) and (self.vi, self.en) == (other.vi, other.en)

    def __hash__(self) -> int:
        return hash((self.vi, self.en))


def manual_metrics() -> list[Metric]:
    """A flow metric for every indicator of the catalogue, active or not (one query)."""
    rows = ManualIndicator.objects.order_by("section", "order", "code").values_list(
        "code", "label_vi", "label_en", "unit"
    )
    return [
        Metric(
            f"{PREFIX}.{code}",
            IndicatorLabel(label_vi, label_en),  # type: ignore[arg-type]
            METRIC_UNITS.get(unit, "count"),
            FLOW,
            definition=_(
                "Entered by the ward for a reporting period; counted on the last day of that "
                "period."
            ),
        )
        for code, label_vi, label_en, unit in rows
    ]


register(
    Source(
        ManualIndicatorValue,
        PREFIX,
        date="period_end",
        by="indicator_code",
        value="value",
    ),
)
register_family(PREFIX, manual_metrics)
