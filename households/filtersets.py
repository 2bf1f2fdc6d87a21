"""Filters for the territory and households: one definition for the API, UI lists and exports."""

import django_filters
from django.utils.translation import gettext_lazy as _

from households.models import Household, Organisation, Province, ResidentialGroup, Ward, WardCluster
from wardsecurity.filters import IdFilter, WardRecordFilterSet


class ProvinceFilterSet(django_filters.FilterSet):
    code = django_filters.CharFilter()
    search = django_filters.CharFilter(field_name="search_name", lookup_expr="unaccent__icontains")

    class Meta:
        model = Province
        fields = ["code", "kind"]


class WardFilterSet(django_filters.FilterSet):
    province = IdFilter(field_name="province_id", label=_("province (id)"))
    province_code = django_filters.CharFilter(field_name="province__code")
    search = django_filters.CharFilter(field_name="search_name", lookup_expr="unaccent__icontains")

    class Meta:
        model = Ward
        fields = ["code", "kind", "province", "province_code"]


class WardClusterFilterSet(django_filters.FilterSet):
    class Meta:
        model = WardCluster
        fields = ["name"]


class ResidentialGroupFilterSet(WardRecordFilterSet):
    search_fields = ("name",)

    class Meta:
        model = ResidentialGroup
        fields = ["ward", "ward_code", "kind"]


class HouseholdFilterSet(WardRecordFilterSet):
    # By id, not ModelChoiceFilter: another ward's group must look like a missing one.
    group = IdFilter(field_name="group_id", label=_("residential group (id)"))
    search_fields = ("code", "head_name", "address")
    word_search_fields = ("code", "head_name", "address")  # households 0009
    word_search_table = ("households_householdsearchwords", "household_id")

    class Meta:
        model = Household
        fields = ["ward", "ward_code", "group", "residence", "active"]


class OrganisationFilterSet(WardRecordFilterSet):
    group = IdFilter(field_name="group_id", label=_("residential group (id)"))
    search_fields = ("name",)

    class Meta:
        model = Organisation
        fields = ["ward", "ward_code", "group", "kind"]
