from rest_framework import serializers

from households.fields import HOUSEHOLD_FIELDS, ORGANISATION_FIELDS, RESIDENTIAL_GROUP_FIELDS
from households.models import (
    Household,
    Organisation,
    Province,
    ResidentialGroup,
    Ward,
    WardCluster,
    WardSuccession,
)
from wardsecurity.api.serializers import WardRecordSerializer

RECORD_FIELDS = ("id", "version", "created_at", "updated_at")


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ("id", "code", "name", "kind")
        read_only_fields = fields


class PredecessorSerializer(serializers.ModelSerializer):
    """A unit of the map before 1 July 2025 merged into the ward, wholly or in part."""

    code = serializers.CharField(source="former_ward.code", read_only=True)
    name = serializers.CharField(source="former_ward.name", read_only=True)
    partly = serializers.BooleanField(
        read_only=True, help_text="true: only part of the former ward went into this ward"
    )

    class Meta:
        model = WardSuccession
        fields = ("code", "name", "partly")
        read_only_fields = fields


class WardSerializer(serializers.ModelSerializer):
    province_code = serializers.CharField(source="province.code", read_only=True)
    predecessors = PredecessorSerializer(
        source="successions",
        many=True,
        read_only=True,
        help_text="the former wards (before 1 July 2025) merged into this ward",
    )

    class Meta:
        model = Ward
        fields = ("id", "code", "name", "kind", "province", "province_code", "predecessors")
        read_only_fields = fields


class WardClusterSerializer(serializers.ModelSerializer):
    class Meta:
        model = WardCluster
        fields = ("id", "name", "description", "wards")
        read_only_fields = fields


class ResidentialGroupSerializer(WardRecordSerializer):
    class Meta:
        model = ResidentialGroup
        fields = (*RECORD_FIELDS, *RESIDENTIAL_GROUP_FIELDS)
        read_only_fields = RECORD_FIELDS


class HouseholdSerializer(WardRecordSerializer):
    class Meta:
        model = Household
        # The ward follows the residential group.
        fields = (*RECORD_FIELDS, "ward", *HOUSEHOLD_FIELDS)
        read_only_fields = (*RECORD_FIELDS, "ward")


class OrganisationSerializer(WardRecordSerializer):
    class Meta:
        model = Organisation
        fields = (*RECORD_FIELDS, *ORGANISATION_FIELDS)
        read_only_fields = RECORD_FIELDS
