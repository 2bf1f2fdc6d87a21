from rest_framework import serializers

from households.fields import HOUSEHOLD_FIELDS, ORGANISATION_FIELDS, RESIDENTIAL_GROUP_FIELDS
from households.models import Household, Organisation, Province, ResidentialGroup, Ward, WardCluster
from wardsecurity.api.serializers import WardRecordSerializer

RECORD_FIELDS = ("id", "version", "created_at", "updated_at")


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ("id", "code", "name", "kind")
        read_only_fields = fields


class WardSerializer(serializers.ModelSerializer):
    province_code = serializers.CharField(source="province.code", read_only=True)

    class Meta:
        model = Ward
        fields = ("id", "code", "name", "kind", "province", "province_code")
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
