"""Admin of the territory (provinces, wards, clusters, residential groups) and its households."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from households.models import Household, Organisation, Province, ResidentialGroup, Ward, WardCluster
from wardsecurity.admin import ScopedModelAdmin, WardRecordAdmin, ward_filters
from wardsecurity.validators import fold_accents


class TerritoryAdmin(ScopedModelAdmin):
    """Provinces and wards come from ``load_territory``; an edited name refreshes search_name."""

    def save_model(self, request, obj, form, change):
        obj.search_name = fold_accents(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(Province)
class ProvinceAdmin(TerritoryAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "search_name")
    ordering = ("code",)


@admin.register(Ward)
class WardAdmin(TerritoryAdmin):
    list_display = ("code", "name", "kind", "province")
    list_filter = ("kind", "province")
    list_select_related = ("province",)
    search_fields = ("code", "search_name", "province__search_name")
    autocomplete_fields = ("province",)
    ordering = ("code",)


@admin.register(WardCluster)
class WardClusterAdmin(ScopedModelAdmin):
    list_display = ("name", "ward_count")
    search_fields = ("name__ws_fold__contains",)
    autocomplete_fields = ("wards",)
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(ward_count=Count("wards"))

    @admin.display(description=_("number of wards"), ordering="ward_count")
    def ward_count(self, obj):
        return obj.ward_count


@admin.register(ResidentialGroup)
class ResidentialGroupAdmin(WardRecordAdmin):
    list_display = ("name", "kind", "ward")
    list_filter = (*ward_filters(), "kind")
    search_fields = ("name__ws_fold__contains", "ward__search_name", "ward__code")
    autocomplete_fields = ("ward",)
    ordering = ("ward__code", "name")


@admin.register(Household)
class HouseholdAdmin(WardRecordAdmin):
    list_display = (
        "code",
        "head_name",
        "address",
        "member_count",
        "residence",
        "active",
        "group",
        "ward",
    )
    list_filter = (*ward_filters(), "residence", "active")
    list_select_related = ("ward", "group")
    search_fields = ("code", "head_name__ws_fold__contains", "address__ws_fold__contains", "phone")
    autocomplete_fields = ("group",)
    # The ward follows the group (Household.derive_fields); a group of another ward is refused.
    derived_fields = ("ward",)
    ordering = ("ward__code", "code")


@admin.register(Organisation)
class OrganisationAdmin(WardRecordAdmin):
    list_display = ("name", "kind", "ward", "group")
    list_filter = (*ward_filters(), "kind")
    list_select_related = ("ward", "group")
    search_fields = ("name__ws_fold__contains",)
    autocomplete_fields = ("ward", "group")
    ordering = ("ward__code", "name")
