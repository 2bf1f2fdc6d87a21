"""The JSON of the reporting chain: reports with their state, transitions, manual values."""

from typing import Any

from rest_framework import serializers

from households.api.serializers import RECORD_FIELDS
from reporting.fields import MANUAL_INDICATOR_VALUE_FIELDS, PERIOD_REPORT_FIELDS
from reporting.models import ManualIndicator, ManualIndicatorValue, PeriodReport
from reporting.models import PeriodReportTransition as Transition
from wardsecurity.api.serializers import StrictSerializer, WardRecordSerializer

# Set by the chain itself (the transition services), shown to every reader.
PERIOD_REPORT_STATE_FIELDS = (
    "kind",
    "period_start",
    "period_end",
    "due_on",
    "state",
    "submitted_at",
    "submitted_by",
    "first_submitted_at",
    "reviewed_at",
    "reviewed_by",
    "return_comment",
    "snapshot_digest",
)


class PeriodReportSerializer(WardRecordSerializer):
    """A ward's period report: its heading, signer, recipients, narrative and state."""

    class Meta:
        model = PeriodReport
        fields: tuple[str, ...] = (
            *RECORD_FIELDS,
            *PERIOD_REPORT_FIELDS,
            *PERIOD_REPORT_STATE_FIELDS,
        )
        read_only_fields: tuple[str, ...] = (*RECORD_FIELDS, *PERIOD_REPORT_STATE_FIELDS)


class PeriodReportTransitionSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.get_full_name", read_only=True)

    class Meta:
        model = Transition
        fields = (
            "id",
            "action",
            "from_state",
            "to_state",
            "actor",
            "actor_name",
            "at",
            "comment",
            "snapshot_digest",
            "report_version",
        )
        read_only_fields = fields


class PeriodReportDetailSerializer(PeriodReportSerializer):
    """One report: with its frozen snapshot and its history."""

    snapshot = serializers.JSONField(read_only=True)
    transitions = serializers.SerializerMethodField()
    lean_list = False

    class Meta(PeriodReportSerializer.Meta):
        fields = (*PeriodReportSerializer.Meta.fields, "snapshot", "transitions")

    def get_transitions(self, obj) -> list[dict[str, Any]]:
        rows = self.context.get("transitions")
        if rows is None:
            rows = obj.transitions.select_related("actor").defer("snapshot").order_by("at", "pk")
        return list(PeriodReportTransitionSerializer(rows, many=True).data)


class TransitionInputSerializer(StrictSerializer):
    """The body of a transition: the version the caller saw, and a comment where one is due."""

    version = serializers.IntegerField(required=False, min_value=1)
    comment = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=20_001
    )


class ManualIndicatorValueSerializer(WardRecordSerializer):
    class Meta:
        model = ManualIndicatorValue
        fields = (
            *RECORD_FIELDS,
            *MANUAL_INDICATOR_VALUE_FIELDS,
            "indicator_code",
            "period_start",
            "period_end",
        )
        read_only_fields = (*RECORD_FIELDS, "indicator_code", "period_start", "period_end")


class ManualIndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = ManualIndicator
        fields = ("id", "code", "label_vi", "label_en", "unit", "section", "order", "active")
        read_only_fields = fields
