"""Admin building blocks every app shares, and the user admin.

Only administrators reach these pages (``wardsecurity.admin_site.WardAdminSite``). Reads still go
through ``visible_to`` like everywhere else; each change page shows the record's history.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from pghistory import config as pghistory_config

from wardsecurity.admin_site import is_site_admin
from wardsecurity.api import filters as _registers_ws_fold  # noqa: F401 - the lookup
from wardsecurity.models import ApiToken, ClosedPeriod, ExportJob, ReportJob, SensitiveRead, User
from wardsecurity.scope import ScopedQuerySet
from wardsecurity.validators import fold_accents

RECORD_FIELDS = ("created_at", "updated_at", "version")
EVENT_LABELS = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}
# Bookkeeping columns that change on every update; listing them as "changed" says nothing.
UNINTERESTING_FIELDS = {"updated_at", "version"}
STALE_MESSAGE = _(
    "Someone else changed this record after you opened it. Reload the page, check their "
    "change and enter yours again."
)


def ward_filters(ward_path="ward"):
    """List filters by province and by ward (only wards that have records), for ``list_filter``."""
    return (
        f"{ward_path}__province",
        (ward_path, admin.RelatedOnlyFieldListFilter),
    )


class AdministratorPermissionsMixin:
    """Whoever gets past ``WardAdminSite`` is an administrator, who may do everything (SPEC §1):
    the rights follow the role rather than Django's per-model permissions."""

    def has_module_permission(self, request):
        return is_site_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def has_add_permission(self, request, *args):
        return is_site_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_site_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_site_admin(request.user)


class AdministratorMixin(AdministratorPermissionsMixin):
    """Rights by role and a history section on the change page, for every ModelAdmin."""

    history_limit = 20
    # Read-only fields that the model derives from others (e.g. a household's ward from its
    # group): shown on the change page, left out of the add page.
    derived_fields = ()

    def get_tail_fieldsets(self, request, obj=None):
        """Sections closing the change page, whatever the subclass lists (none on the add page)."""
        return [(_("History"), {"fields": ["history"]})]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.derived_fields, "history"]

    def get_fieldsets(self, request, obj=None):
        tail = self.get_tail_fieldsets(request, obj)
        left_out = set(flatten_fieldsets(tail))
        if obj is None:
            left_out.update(self.derived_fields)
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in left_out]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return fieldsets if obj is None else [*fieldsets, *tail]

    @admin.display(description=_("History"))
    def history(self, obj):
        """The latest events of the record: what happened, when, by whom, which fields."""
        event_model = self.model.pgh_event_model
        events = list(
            event_model.objects.filter(pgh_obj=obj)
            .select_related("pgh_context")
            .order_by("-pgh_id")[: self.history_limit + 1]
        )
        if not events:
            return _("No history recorded.")
        fields = [
            f
            for f in event_model._meta.concrete_fields
            if not f.name.startswith("pgh_") and f.name not in UNINTERESTING_FIELDS
        ]
        actor_ids = {self._actor_id(event) for event in events} - {None}
        actors = get_user_model().objects.in_bulk(actor_ids)
        rows = []
        # One event more than shown was fetched: the predecessor of the oldest one shown.
        for event, older in zip(events[: self.history_limit], [*events[1:], None], strict=False):
            changed = ""
            if event.pgh_label == "update" and older is not None:
                changed = ", ".join(
                    str(f.verbose_name)
                    for f in fields
                    if getattr(event, f.attname) != getattr(older, f.attname)
                )
            actor_id = self._actor_id(event)
            rows.append(
                (
                    EVENT_LABELS.get(event.pgh_label, event.pgh_label),
                    date_format(timezone.localtime(event.pgh_created_at), "SHORT_DATETIME_FORMAT"),
                    actors.get(actor_id, actor_id or "—"),
                    changed or "—",
                )
            )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>{}",
            _("Event"),
            _("Time"),
            _("User"),
            _("Changed fields"),
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
            self._all_events_link(obj),
        )

    @staticmethod
    def _actor_id(event):
        context = event.pgh_context
        value = context.metadata.get("user") if context is not None else None
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            return int(value)
        return None

    def _all_events_link(self, obj):
        events_model = pghistory_config.admin_queryset().model
        if not self.admin_site.is_registered(events_model):
            return ""
        try:
            url = reverse(
                f"{self.admin_site.name}:{events_model._meta.app_label}_"
                f"{events_model._meta.model_name}_changelist"
            )
        except NoReverseMatch:
            return ""
        query = urlencode({"method": "tracks", "obj": f"{obj._meta.label}:{obj.pk}"})
        return format_html('<p><a href="{}?{}">{}</a></p>', url, query, _("All events"))


class ScopedModelAdmin(AdministratorMixin, admin.ModelAdmin):
    """Admin of a model with ``visible_to``: every read (list, change page, autocomplete, the
    choices of a foreign key) starts from it; search ignores Vietnamese accents.

    Write ``search_fields`` on text as ``"name__ws_fold__contains"``: the column and the term
    are folded by ``ws_fold`` (accents, case, đ), so "nguyen" finds "Nguyễn", and the trigram
    indexes of the large tables serve it (``wardsecurity.api.filters.Fold``).
    """

    def get_queryset(self, request):
        queryset = self.model.objects.visible_to(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        related = db_field.remote_field.model
        base = queryset if queryset is not None else related._default_manager.using(db).all()
        if isinstance(base, ScopedQuerySet):
            return base.visible_to(request.user)
        return queryset

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, fold_accents(search_term))


class ScopedInline(AdministratorPermissionsMixin, admin.TabularInline):
    """An inline whose rows are read through ``visible_to`` too."""

    extra = 0

    def get_queryset(self, request):
        queryset = self.model.objects.visible_to(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset


class WardRecordAdminForm(forms.ModelForm):
    """Refuses a save based on a stale version (GUARANTEES G7): the form carries the version it
    was rendered with, and the row is locked while it is compared (the admin wraps the change
    view in a transaction)."""

    loaded_version = forms.IntegerField(
        label=_("version when opened"), widget=forms.HiddenInput, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        loaded = cleaned_data.get("loaded_version")
        if self.instance.pk is not None and loaded is not None:
            current = (
                type(self.instance)
                .objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current != loaded:
                raise ValidationError(STALE_MESSAGE, code="stale")
        return cleaned_data


class WardRecordAdmin(ScopedModelAdmin):
    """Base admin of a ``WardRecord``: timestamps and version read-only, stale saves refused.

    Subclasses set ``list_display``, ``list_filter`` (start it with ``ward_filters()``),
    ``search_fields``, ``ordering``, ``date_hierarchy``, ``autocomplete_fields`` and
    ``list_select_related`` (every foreign key shown in the list, so rows cost no query).
    """

    form = WardRecordAdminForm
    list_select_related = ("ward",)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *RECORD_FIELDS]

    def get_tail_fieldsets(self, request, obj=None):
        record = (_("Record"), {"fields": [*RECORD_FIELDS, "loaded_version"]})
        return [record, *super().get_tail_fieldsets(request, obj)]


@admin.register(User)
class WardUserAdmin(AdministratorMixin, UserAdmin):
    """Users with their role (SPEC §1) and scope (SPEC §4)."""

    role_fieldset = (
        _("Role and scope"),
        {"fields": ("role", "scope_kind", "scope_province", "scope_cluster", "scope_ward")},
    )
    fieldsets = (*UserAdmin.fieldsets, role_fieldset)
    add_fieldsets = (*UserAdmin.add_fieldsets, role_fieldset)
    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "scope_kind",
        "scope_display",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "scope_kind", "is_active", "is_superuser", "scope_province")
    list_select_related = ("scope_province", "scope_cluster", "scope_ward")
    autocomplete_fields = ("scope_province", "scope_cluster", "scope_ward")
    ordering = ("username",)

    @admin.display(description=_("in scope"))
    def scope_display(self, obj):
        return obj.scope_ward or obj.scope_cluster or obj.scope_province or "—"


class ViewOnlyMixin:
    """Records written only by their own services (or never): the admin shows them."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(ViewOnlyMixin, WardRecordAdmin):
    """Closing and reopening go through the period services (reason and audit), not here."""

    list_display = ("ward", "start", "end", "closed_by", "reopened_at", "reopened_by")
    list_filter = (*ward_filters(), "reopened_at")
    list_select_related = ("ward", "closed_by", "reopened_by")
    search_fields = ("ward__name__ws_fold__contains", "ward__code")
    date_hierarchy = "start"
    ordering = ("-start",)


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorMixin, admin.ModelAdmin):
    """Tokens are issued by the API; an administrator can see and revoke them."""

    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at")
    list_filter = ("revoked_at", "expires_at")
    list_select_related = ("user",)
    search_fields = ("prefix", "user__username", "name")
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at")
    fields = (*readonly_fields, "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request, *args):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@admin.register(ReportJob)
class ReportJobAdmin(ViewOnlyMixin, AdministratorMixin, admin.ModelAdmin):
    """Background period reports and who asked for them; the files themselves stay owner-only."""

    list_display = ("created_at", "owner", "scope", "period", "format", "status", "progress")
    list_filter = ("status", "format")
    list_select_related = ("owner",)
    exclude = ("content",)
    date_hierarchy = "created_at"


@admin.register(ExportJob)
class ExportJobAdmin(ViewOnlyMixin, AdministratorMixin, admin.ModelAdmin):
    """Background list exports and who asked for them; the files themselves stay owner-only."""

    list_display = ("created_at", "owner", "entity", "format", "status", "progress", "row_count")
    list_filter = ("status", "format")
    list_select_related = ("owner",)
    # The filters may hold a searched name; the file is served to its owner only.
    exclude = ("query", "file_path")
    date_hierarchy = "created_at"


@admin.register(SensitiveRead)
class SensitiveReadAdmin(ViewOnlyMixin, AdministratorMixin, admin.ModelAdmin):
    """Who read which sensitive records, when (append-only)."""

    list_display = ("at", "user", "model", "path")
    list_filter = ("model",)
    list_select_related = ("user",)
    search_fields = ("user__username", "model")
    date_hierarchy = "at"
