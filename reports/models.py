"""Rollup tables of the statistics (SPEC §7) and the outbox that marks their buckets dirty.

``StatDay`` is the truth of the rollup: one row per ward × local day × residential group ×
metric, holding what the day adds (a flow's count, a stock's change). ``StatMonth`` is derived
from it per ward × civil month × metric: the month's total and the running total since the
beginning (``closing``), kept dense from a series' first month up to ``RollupState.horizon``,
so any cumulative figure at a date costs one row per ward and metric plus the days of one month.
``StatSeries`` keeps the first day of each ward's series, for the "no data" of a comparison.
Wards and groups are plain integers, not foreign keys: a rollup never blocks or cascades a write.

Both tables also hold each province's total, under ``ward_id = province_row(province id)`` (the
province id negated) with no group: a province or the whole country is then read from one row
per metric (or per province), not summed over every ward's rows on each request.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


def province_row(province_id: int) -> int:
    """The ``ward_id`` under which the rollup keeps a province's total."""
    return -province_id


class StatDay(models.Model):
    """What one ward's records add to a metric on one local day (per residential group)."""

    ward_id = models.IntegerField(_("ward"))
    day = models.DateField(_("day"))
    group_id = models.IntegerField(_("residential group"), null=True)
    metric = models.CharField(_("metric"), max_length=64)
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=3)

    class Meta:
        verbose_name = _("daily statistic")
        verbose_name_plural = _("daily statistics")
        indexes = [
            # Covering: a partial month of a whole province is read from the index alone.
            models.Index(
                fields=["ward_id", "day"],
                include=["group_id", "metric", "value"],
                name="statday_ward_day_cover_idx",
            ),
            models.Index(fields=["day"], name="statday_day_idx"),
        ]

    def __str__(self):
        return f"{self.metric} {self.ward_id} {self.day}: {self.value}"


class StatMonth(models.Model):
    """A ward's metric in one civil month: the month's total and the running total at its end."""

    ward_id = models.IntegerField(_("ward"))
    month = models.DateField(_("month"))  # the first day of the civil month
    metric = models.CharField(_("metric"), max_length=64)
    delta = models.DecimalField(_("change in the month"), max_digits=24, decimal_places=3)
    closing = models.DecimalField(_("running total"), max_digits=24, decimal_places=3)

    class Meta:
        verbose_name = _("monthly statistic")
        verbose_name_plural = _("monthly statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["ward_id", "metric", "month"], name="statmonth_ward_metric_month_uniq"
            )
        ]
        # Covering: one month of a province is read from the index alone, not from ~20,000 heap
        # pages scattered over the table (bench/: 347 ms -> 53 ms for a province-year).
        indexes = [
            models.Index(
                fields=["month", "ward_id", "metric"],
                include=["closing", "delta"],
                name="statmonth_month_cover_idx",
            )
        ]

    def __str__(self):
        return f"{self.metric} {self.ward_id} {self.month:%m/%Y}: {self.closing}"


class StatSeries(models.Model):
    """The first day a ward's (or a province total's) series of a metric has a day row.

    Derived from ``StatDay`` like ``StatMonth``: before that day the scope had recorded nothing
    that feeds the metric, so a comparison with a period ending earlier has no data
    (docs/statistics.md, "No data").
    """

    ward_id = models.IntegerField(_("ward"))
    metric = models.CharField(_("metric"), max_length=64)
    first_day = models.DateField(_("first day"))

    class Meta:
        verbose_name = _("statistic series")
        verbose_name_plural = _("statistic series")
        constraints = [
            models.UniqueConstraint(
                fields=["ward_id", "metric"], name="statseries_ward_metric_uniq"
            )
        ]

    def __str__(self):
        return f"{self.metric} {self.ward_id} {self.first_day}"


class DirtyBucket(models.Model):
    """Outbox: a ward and day whose records changed since the rollup last computed them.

    Written by PostgreSQL triggers in the transaction of the change (whatever wrote it), and
    deleted by the rollup in the transaction that recomputes the bucket.
    """

    id = models.BigAutoField(primary_key=True)
    ward_id = models.IntegerField(_("ward"))
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created at"), db_default=models.functions.Now())

    class Meta:
        verbose_name = _("changed day")
        verbose_name_plural = _("changed days")

    def __str__(self):
        return f"{self.ward_id} {self.day}"


class RollupState(models.Model):
    """The one row of rollup bookkeeping: how far ``StatMonth`` is dense, and when it last ran."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    horizon = models.DateField(_("dense up to month"), null=True)
    processed_at = models.DateTimeField(_("last processed"), null=True)
    rebuilt_at = models.DateTimeField(_("last rebuilt"), null=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self):
        return f"{self.horizon} {self.processed_at}"
