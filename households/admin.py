"""Admin of the territory (provinces, wards, clusters, residential groups) and its households."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from households import selectors, services
from households.models import (
    FormerWard,
    Household,
    Organisation,
    Province,
    ResidentialGroup,
    Ward,
    WardCluster,
    WardSuccession,
)
from wardsecurity.admin import ScopedModelAdmin, WardRecordAdmin, ward_filters
from wardsecurity.validators import fold_accents


class TerritoryAdmin(ScopedModelAdmin):
    """Provinces and wards come from ``load_territory``; an edited name refreshes search_name."""

    def save_model(self, request, obj, form, change):
        obj.search_name = fold_accents(obj.name)
        super().save_model(request, obj, form, change)


@admin.register(Province)
class ProvinceAdmin(TerritoryAdmin):
    selector = staticmethod(selectors.province_list)
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "search_name")
    ordering = ("code",)


@admin.register(Ward)
class WardAdmin(TerritoryAdmin):
    selector = staticmethod(selectors.ward_list)
    list_display = ("code", "name", "kind", "province")
    list_filter = ("kind", "province")
    search_fields = ("code", "search_name", "province__search_name")
    autocomplete_fields = ("province",)
    ordering = ("code",)


class ReferenceAdmin(admin.ModelAdmin):
    """The map before July 2025: the package's data, rebuilt by ``load_territory``; read only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FormerWard)
class FormerWardAdmin(ReferenceAdmin):
    list_display = ("code", "name", "kind", "district_name", "province_name")
    list_filter = ("kind",)
    search_fields = ("code", "search_name")
    ordering = ("code",)


@admin.register(WardSuccession)
class WardSuccessionAdmin(ReferenceAdmin):
    list_display = ("former_ward", "ward", "partly")
    list_filter = ("partly",)
    list_select_related = ("former_ward", "ward")
    search_fields = ("former_ward__code", "former_ward__search_name", "ward__code")
    ordering = ("former_ward__code",)


@admin.register(WardCluster)
class WardClusterAdmin(ScopedModelAdmin):
    selector = staticmethod(selectors.ward_cluster_list)
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
    selector = staticmethod(selectors.residential_group_list)
    services = (
        services.residential_group_create,
        services.residential_group_update,
        services.residential_group_delete,
    )
    list_display = ("name", "kind", "former_ward", "ward")
    list_filter = (*ward_filters(), "kind")
    search_fields = ("name__ws_fold__contains", "ward__search_name", "ward__code")
    autocomplete_fields = ("ward",)
    # Over 10,000 former wards: typed by id; the service checks it is one of the ward's.
    raw_id_fields = ("former_ward",)
    ordering = ("ward__code", "name")


@admin.register(Household)
class HouseholdAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.household_list)
    services = (services.household_create, services.household_update, services.household_delete)
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
    search_fields = ("code", "head_name__ws_fold__contains", "address__ws_fold__contains", "phone")
    autocomplete_fields = ("group",)
    # The ward follows the group (Household.derive_fields); a group of another ward is refused.
    derived_fields = ("ward",)
    ordering = ("ward__code", "code")


@admin.register(Organisation)
class OrganisationAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.organisation_list)
    services = (
        services.organisation_create,
        services.organisation_update,
        services.organisation_delete,
    )
    list_display = ("name", "kind", "ward", "group")
    list_filter = (*ward_filters(), "kind")
    search_fields = ("name__ws_fold__contains",)
    autocomplete_fields = ("ward", "group")
    ordering = ("ward__code", "name")
