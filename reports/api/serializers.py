"""The query parameters and the answer of ``GET /api/v1/stats/`` (SPEC §8)."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.figures.picker import PERIOD_MAX_LENGTH
from reports.statistics.compute import NO_PREVIOUS, SUPPRESSED
from reports.statistics.selectors import (
    BREAKDOWNS,
    PAGE_SIZE_DEFAULT,
    PAGE_SIZE_MAX,
    SCOPE_PATTERN,
    SHAPES,
)
from wardsecurity.api.serializers import StrictSerializer
from wardsecurity.period_spec import CALENDARS, SPEC_FORMATS, WRITTEN_FORMATS, parse_period

# A period as typed: no space or line break at either end (a period with one is refused, not
# repaired); what it says is then read by wardsecurity.period_spec.parse_period.
PERIOD_PATTERN = r"\S([\s\S]*\S)?"
PERIOD_HELP = (
    "A period written as in a report, with or without accents: "
    + "; ".join(WRITTEN_FORMATS)
    + " (or in English: month 8/2023, quarter III/2023, first 8 months of 2023, year 2023, "
    "from 15/12/2022 to 14/06/2023); or as a code: "
    + ", ".join(SPEC_FORMATS)
    + " (months:2023:8 is the first 8 months, ytd: alone the year to date). "
    f"At most {PERIOD_MAX_LENGTH} characters; default: the year to date. A period that cannot "
    "be read is a 400 saying how to write one."
)
METRICS_PATTERN = r"[a-z0-9_.]{1,64}(,[a-z0-9_.]{1,64}){0,199}"


def _regex(pattern, **kwargs):
    # Not trimmed: " year:2023" breaks the documented pattern, so it is refused, not repaired.
    return serializers.RegexField(rf"^({pattern})$", trim_whitespace=False, **kwargs)


class StatsQuerySerializer(StrictSerializer):
    scope = _regex(
        SCOPE_PATTERN,
        required=False,
        default="all",
        help_text="all (the caller's scope), ward:<code>, province:<code> or cluster:<id>",
        error_messages={"invalid": _("Use all, ward:<code>, province:<code> or cluster:<id>.")},
    )
    period = _regex(
        PERIOD_PATTERN,
        required=False,
        default="ytd:",
        max_length=PERIOD_MAX_LENGTH,
        help_text=PERIOD_HELP,
        error_messages={
            "invalid": _("Write the period without spaces or line breaks before or after it.")
        },
    )
    calendar = serializers.ChoiceField(CALENDARS, required=False, default="civil")
    compare = serializers.ChoiceField(
        ("same_period", "none"),
        required=False,
        default="same_period",
        help_text="same_period: each figure with the same period one year earlier",
    )
    metrics = _regex(
        METRICS_PATTERN,
        required=False,
        help_text="comma-separated metric keys (default: every metric)",
        error_messages={"invalid": _("List metric keys separated by commas.")},
    )
    by = serializers.ChoiceField(
        BREAKDOWNS,
        required=False,
        help_text="a breakdown: by ward, residential group, predecessor (the former ward, before "
        "1 July 2025, of each record's residential group; one-ward scope) or month",
    )
    page = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=1_000_000,
        help_text="the page of the breakdown, from 1: with it the answer has `page` (number, "
        "size, count of rows, pages) and only that page's rows; the scope's `metrics` are "
        f"those of the whole scope. A by=ward breakdown of more than {PAGE_SIZE_MAX} wards "
        "(the country) is answered in pages only; a page past the last is a 400",
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=PAGE_SIZE_MAX,
        help_text=f"rows a page (default {PAGE_SIZE_DEFAULT}, at most {PAGE_SIZE_MAX}); "
        "alone, it asks for page 1",
    )
    shape = serializers.ChoiceField(
        SHAPES,
        required=False,
        default="nested",
        help_text="nested: `breakdown`, a list of rows each with its metrics (the default); "
        "compact: `table` instead, the rows' labels once and every metric's figures as "
        "columns, about a fifth of the size (docs/statistics.md, Pages and the compact "
        "shape). Named shape, not format: `format` chooses DRF's renderer",
    )

    def validate(self, attrs):
        # RegexField searches with "$", which also matches before a final newline: a value must
        # match its documented pattern exactly.
        for name, pattern in PATTERNS.items():
            if name in self.initial_data and not re.fullmatch(pattern, self.initial_data[name]):
                raise serializers.ValidationError(
                    {name: [self.fields[name].error_messages["invalid"]]}
                )
        if "by" not in attrs:
            # shape=nested, the default, is what a generated client sends with every question.
            alone = [name for name in ("page", "page_size") if name in self.initial_data]
            if attrs.get("shape") == "compact":
                alone.append("shape")
            if alone:
                message = _("Pages and shapes are of a breakdown: give by= too.")
                raise serializers.ValidationError({name: [message] for name in alone})
        return attrs

    def validate_period(self, value: str) -> str:
        """A period ``parse_period`` reads, or its message (how to write one) as the 400."""
        try:
            parse_period(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value


PATTERNS = {"scope": SCOPE_PATTERN, "period": PERIOD_PATTERN, "metrics": METRICS_PATTERN}


class PeriodAnswerSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    spec = serializers.CharField()
    calendar = serializers.ChoiceField(CALENDARS)
    # a declared field named like Field.label: the stubs see it as overriding the attribute
    label = serializers.CharField()  # type: ignore[assignment]


class ScopeAnswerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(("all", "province", "cluster", "ward"))
    code = serializers.CharField(allow_null=True)
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_blank=True)
    wards = serializers.IntegerField(allow_null=True, help_text="number of wards (null: all)")


@extend_schema_field({"type": "number", "nullable": True})
class NumberField(serializers.Field):
    """A figure as computed: a whole number stays an integer in JSON, a quantity a decimal."""

    def to_representation(self, value):
        return value


class FigureSerializer(serializers.Serializer):
    value = NumberField(allow_null=True)
    previous = NumberField(allow_null=True)
    change = NumberField(allow_null=True)
    change_pct = serializers.FloatField(allow_null=True)
    no_previous = serializers.ChoiceField(
        NO_PREVIOUS,
        required=False,
        help_text="present when previous is null, saying why: no_data (nothing was recorded "
        "for the same period: docs/statistics.md), undefined (a ratio over zero in the same "
        "period), not_compared (compare=none) or suppressed (a small cell, below)",
    )
    no_value = serializers.ChoiceField(
        (SUPPRESSED,),
        required=False,
        help_text="suppressed: in a by=group breakdown, a figure counting police-only records "
        "that is above 0 and below STATS_MIN_CELL_SIZE (or that would give such a figure away) "
        "is hidden from roles other than ward police and administrators; every number of the "
        "entry is then null (docs/statistics.md, Small cells)",
    )
    numerator = NumberField(required=False, help_text="a ratio's numerator")
    denominator = NumberField(required=False, help_text="a ratio's denominator")


class FiguresField(serializers.DictField):
    child = FigureSerializer()


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField(required=False)
    name = serializers.CharField()


class PredecessorAnswerSerializer(NamedSerializer):
    partly = serializers.BooleanField(
        required=False, help_text="true: only part of the former ward went into this ward"
    )


class BreakdownSerializer(serializers.Serializer):
    ward = NamedSerializer(required=False, help_text="by=ward")
    group = NamedSerializer(required=False, help_text="by=group (id null: no group)")
    predecessor = PredecessorAnswerSerializer(
        required=False,
        help_text="by=predecessor (id null: records without a group or whose group names no "
        "former ward)",
    )
    period = PeriodAnswerSerializer(required=False, help_text="by=month")
    metrics = FiguresField()


class StatsPageSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="this page, from 1")
    size = serializers.IntegerField(help_text="rows a page")
    count = serializers.IntegerField(help_text="rows of the whole breakdown")
    pages = serializers.IntegerField(help_text="pages of the whole breakdown (at least 1)")


class StatsRowSerializer(serializers.Serializer):
    """A row's label in ``table``: a breakdown entry without its metrics."""

    ward = NamedSerializer(required=False, help_text="by=ward")
    group = NamedSerializer(required=False, help_text="by=group")
    predecessor = PredecessorAnswerSerializer(required=False, help_text="by=predecessor")
    period = PeriodAnswerSerializer(required=False, help_text="by=month")


@extend_schema_field(
    {
        "type": "object",
        "description": "metric key → field (value, previous, change, change_pct, no_previous, "
        "no_value, numerator, denominator) → one item per row of `rows`. value, previous, "
        "change and change_pct are always there; numerator and denominator for a ratio; "
        "no_previous and no_value are null where the nested entry has no such field.",
        "additionalProperties": {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {"oneOf": [{"type": "number"}, {"type": "string"}], "nullable": True},
            },
        },
    }
)
class ColumnsField(serializers.DictField):
    pass


class StatsTableSerializer(serializers.Serializer):
    rows = StatsRowSerializer(many=True, help_text="the rows' labels, in the breakdown's order")
    metrics = ColumnsField()


class StatsSerializer(serializers.Serializer):
    scope = ScopeAnswerSerializer()
    period = PeriodAnswerSerializer()
    compare = PeriodAnswerSerializer(allow_null=True)
    as_of = serializers.DateTimeField(
        help_text="the figures include every change recorded before this time"
    )
    metrics = FiguresField()
    page = StatsPageSerializer(required=False, help_text="with page or page_size")
    breakdown = BreakdownSerializer(many=True, required=False, help_text="with by, shape=nested")
    table = StatsTableSerializer(required=False, help_text="with by and shape=compact")
