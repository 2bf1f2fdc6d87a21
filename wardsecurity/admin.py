"""Admin building blocks every app shares, and the user admin.

Only administrators reach these pages (``wardsecurity.admin_site.WardAdminSite``). The admin is
one more entry point beside the API and the portal: a ward record's admin reads through the app's
list selector and writes through the app's services (scope, same-ward links, versions, closed
periods, roster recounts), so a change made here obeys the rules a change made anywhere else
does, with the same messages. Each change page shows the record's history.
"""

from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import router, transaction
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from pghistory import config as pghistory_config

from wardsecurity import search as _registers_ws_fold  # noqa: F401 - the lookup
from wardsecurity.admin_site import is_site_admin
from wardsecurity.audit import sensitive_read_log
from wardsecurity.models import (
    ApiToken,
    ClosedPeriod,
    ExportJob,
    FormSubmission,
    ReportJob,
    SensitiveRead,
    User,
)
from wardsecurity.scope import ScopedQuerySet
from wardsecurity.services import STALE_MESSAGE as STALE_MESSAGE  # the admin's refusal too
from wardsecurity.validators import fold_accents

RECORD_FIELDS = ("created_at", "updated_at", "version")
EVENT_LABELS = {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}
# Bookkeeping columns that change on every update; listing them as "changed" says nothing.
UNINTERESTING_FIELDS = {"updated_at", "version"}


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
    derived_fields: tuple[str, ...] = ()

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


def _through_selector(selector, request, model):
    """The admin's rows: the app's list selector without its prefetches (no admin list shows a
    many-valued link: they would cost a query a page), or ``visible_to`` without a selector."""
    if selector is None:
        return model.objects.visible_to(request.user)
    return selector(user=request.user).prefetch_related(None)


class ScopedModelAdmin(AdministratorMixin, admin.ModelAdmin):
    """Admin of a model with ``visible_to``: every read (list, change page, autocomplete, the
    choices of a foreign key) starts from it; search ignores Vietnamese accents.

    ``selector``, the app's ``<noun>_list`` (``staticmethod(...)``), is where the reads start
    when it is set: it applies ``visible_to`` and joins what the list shows.

    Write ``search_fields`` on text as ``"name__ws_fold__contains"``: the column and the term
    are folded by ``ws_fold`` (accents, case, đ), so "nguyen" finds "Nguyễn", and the trigram
    indexes of the large tables serve it (``wardsecurity.search.Fold``).
    """

    selector: Callable[..., QuerySet[Any]] | None = None
    # The selector joins what the list shows (without one, declare the joins here).
    list_select_related: ClassVar[bool | list[str] | tuple[str, ...]] = ()

    def get_queryset(self, request):
        queryset = _through_selector(self.selector, request, self.model)
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


# Writes through the services (how: see WardRecordAdmin) ------------------------------------


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the fields it names that the form shows (their
    codes kept), the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = form.fields.get(name)
        shown = field is not None and not field.disabled and not field.widget.is_hidden
        form.add_error(name if shown else None, errors)


def service_data(form, names) -> dict:
    """The cleaned values of the fields ``names`` in the shape the services take."""
    data = {}
    for name in names:
        field = form.fields.get(name)
        if field is None or field.disabled or name not in form.cleaned_data:
            continue
        value = form.cleaned_data[name]
        data[name] = list(value) if isinstance(value, QuerySet) else value
    return data


def adopt(instance, record) -> None:
    """Give ``instance`` (the form's) the values of ``record`` (the service's saved row), so that
    the admin logs, names and redirects to the saved record and inline rows go under it."""
    for field in type(record)._meta.concrete_fields:
        setattr(instance, field.attname, getattr(record, field.attname))
    instance._state.adding = False
    instance._state.db = record._state.db


class ServiceRefusal(Exception):
    """A service refused to delete ``record``: shown as an error message, nothing deleted."""

    def __init__(self, record, error: ValidationError):
        super().__init__(record, error)
        self.record, self.error = record, error

    def message(self) -> str:
        return f"{self.record}: {' '.join(self.error.messages)}"


class WardRecordAdminForm(forms.ModelForm):
    """A ward record's admin form: its model-validation step is the record's service, which
    validates and saves (see ``WardRecordAdmin``); ``loaded_version`` carries the version the
    form was opened with, so a save based on a stale one is refused (GUARANTEES G7).

    ``WardRecordAdmin.get_form`` sets ``actor`` and ``services`` on the form class it makes.
    """

    loaded_version = forms.IntegerField(
        label=_("version when opened"), widget=forms.HiddenInput, required=False
    )
    actor: Any = None
    services: tuple[Callable[..., Any], ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def _post_clean(self):
        if self._errors:  # a field or the form is refused already: nothing to save
            return
        create, update, _delete = self.services
        data = service_data(self, [name for name in self.fields if name != "loaded_version"])
        try:
            if self.instance.pk is None:
                record = create(actor=self.actor, data=data)
            else:
                record = update(
                    actor=self.actor,
                    instance=self.instance,
                    data=data,
                    expected_version=self.cleaned_data.get("loaded_version"),
                )
        except ValidationError as error:
            add_service_errors(self, error)
        else:
            adopt(self.instance, record)


class WardRecordInlineForm(forms.ModelForm):
    """An inline row of a ward record: the fields' own checks; the formset's validation runs the
    row's service, which does the model's (see ``WardRecordAdmin``)."""

    def _post_clean(self):
        pass


class WardRecordInlineFormSet(BaseInlineFormSet):
    """Inline rows written through their services in the formset's validation step, under the
    parent record the parent's form saved just before. ``ScopedInline.get_formset`` sets
    ``actor`` and ``services``."""

    actor: Any = None
    services: tuple[Callable[..., Any], ...] = ()

    def clean(self):
        super().clean()
        # What Django's save_formset would have listed, for the change message.
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        if any(self.errors) or self._non_form_errors or self.instance.pk is None:
            return  # the page shows the rows again: nothing is written
        create, update, delete = self.services
        for form in self.forms:
            deleting = self.can_delete and self._should_delete_form(form)
            adding = form.instance.pk is None
            if (adding and deleting) or not (deleting or form.has_changed()):
                continue
            names = [name for name in form._meta.fields if name != self.fk.name]
            try:
                if deleting:
                    delete(actor=self.actor, instance=form.instance)
                    self.deleted_objects.append(form.instance)
                elif adding:
                    data = {self.fk.name: self.instance.pk, **service_data(form, names)}
                    self.new_objects.append(create(actor=self.actor, data=data))
                else:
                    record = update(
                        actor=self.actor, instance=form.instance, data=service_data(form, names)
                    )
                    self.changed_objects.append((record, form.changed_data))
            except ValidationError as error:
                add_service_errors(form, error)


class ScopedInline(AdministratorPermissionsMixin, admin.TabularInline):
    """An inline of ward records: rows read through the app's list selector (``selector``) and
    written through its services (``services``: create, update, delete)."""

    extra = 0
    selector: Callable[..., QuerySet[Any]] | None = None
    services: tuple[Callable[..., Any], ...] = ()
    form = WardRecordInlineForm
    formset = WardRecordInlineFormSet

    def get_queryset(self, request):
        queryset = _through_selector(self.selector, request, self.model)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # ``inlineformset_factory`` made this class for this request: it says who writes, how.
        formset.actor = request.user
        formset.services = self.services
        return formset


class WardRecordAdmin(ScopedModelAdmin):
    """Base admin of a ``WardRecord``: reads through the app's list selector, writes through its
    services, timestamps and version read-only, stale saves refused.

    How a record is written here. Django validates a model form in two steps: each field's own
    checks, then the model's (``ModelForm._post_clean``: ``full_clean`` on the instance). In
    this admin the second step is the record's service (``WardRecordAdminForm._post_clean``): it
    checks what ``full_clean`` would and what only the services know (scope, the version the
    form was opened with, closed periods) and saves, in one transaction. Its ``ValidationError``
    thus becomes the form's errors like any validation error (never a 500, nothing saved), and
    Django's own flow goes on: an invalid form is shown again; a valid one reaches
    ``save_model``, which keeps the record the service saved. Inline rows are written the same
    way, in their formset's validation step (``WardRecordInlineFormSet.clean``), under the
    parent the form has just saved. Running the service after validation instead, in
    ``save_model``, would leave its refusals nowhere to go but a 500.

    One case needs more: the form can be valid and an inline row refused, or the other way
    round, after the other's service wrote. ``changeform_view`` therefore undoes the whole
    submission whenever the answer shows the form again: such an answer never saved anything.
    Deletes have no form: a refused delete (a closed period, a record still in use) is an error
    message on the page it came from, and nothing is deleted (``delete_view``; the deletion of
    selected records, all or nothing, in ``changelist_view``).

    Subclasses set ``selector`` (``staticmethod(<noun>_list)``: it joins every foreign key the
    list shows, so rows cost no query), ``services`` (``<noun>_create``, ``_update``,
    ``_delete``), ``list_display``, ``list_filter`` (start it with ``ward_filters()``),
    ``search_fields``, ``ordering``, ``date_hierarchy`` and ``autocomplete_fields``; the fields a
    service sets itself are ``derived_fields`` (shown, never written).
    """

    form = WardRecordAdminForm
    services: tuple[Callable[..., Any], ...] = ()

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *RECORD_FIELDS]

    def get_tail_fieldsets(self, request, obj=None):
        record = (_("Record"), {"fields": [*RECORD_FIELDS, "loaded_version"]})
        return [record, *super().get_tail_fieldsets(request, obj)]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # ``modelform_factory`` made this class for this request: it says who writes, and how.
        form.actor = request.user
        form.services = self.services
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            response = super().changeform_view(request, object_id, form_url, extra_context)
            return self.log_sensitive_read(request, response, "original")
        with transaction.atomic(using=router.db_for_write(self.model)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if "adminform" in (getattr(response, "context_data", None) or {}):
                # The form is shown again: something was refused, so nothing is kept, not even
                # what a service wrote while the rest was being validated.
                transaction.set_rollback(True)
        # Shown again, the record is read again: logged after the rollback, so the log stays.
        return self.log_sensitive_read(request, response, "original")

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self.log_sensitive_read(request, response, "object")

    def log_sensitive_read(self, request, response, key):
        """Log the sensitive record a change, delete or history page shows (GUARANTEES G4), as
        the portal and the API do; ``key`` names it in the page's context. Returns ``response``."""
        context = getattr(response, "context_data", None) or {}
        record = context.get(key)
        if response.status_code == 200 and record is not None and record.pk is not None:
            sensitive_read_log(
                user=request.user, model=self.model, ids=[record.pk], path=request.path
            )
        return response

    def save_model(self, request, obj, form, change):
        """The form's service saved the record while validating it; ``obj`` holds its row."""
        if not isinstance(form, WardRecordAdminForm):  # e.g. list_editable: it would not save
            raise ImproperlyConfigured(f"{type(self).__name__} saves through WardRecordAdminForm")

    def save_related(self, request, form, formsets, change):
        # The service set the many-to-many links with the record; the formsets saved their rows.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, WardRecordInlineFormSet):
            super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        _create, _update, delete = self.services
        try:
            delete(actor=request.user, instance=obj)
        except ValidationError as error:
            raise ServiceRefusal(obj, error) from error

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            response = super().delete_view(request, object_id, extra_context)
        except ServiceRefusal as refusal:
            self.message_user(request, refusal.message(), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return self.log_sensitive_read(request, response, "object")

    def changelist_view(self, request, extra_context=None):
        if request.method != "POST":
            response = super().changelist_view(request, extra_context)
            changelist = (getattr(response, "context_data", None) or {}).get("cl")
            if changelist is not None and getattr(self.model, "sensitive", False):
                # The page's rows (the template reads the same evaluated list: no extra query).
                ids = [record.pk for record in changelist.result_list]
                sensitive_read_log(user=request.user, model=self.model, ids=ids, path=request.path)
            return response
        try:
            # An action (the deletion of the selected records) is all or nothing.
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().changelist_view(request, extra_context)
        except ServiceRefusal as refusal:
            self.message_user(request, refusal.message(), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(User)
class WardUserAdmin(AdministratorMixin, UserAdmin):
    """Users with their role (SPEC §1) and scope (SPEC §4)."""

    role_fieldset: Any = (
        _("Role and scope"),
        {"fields": ("role", "scope_kind", "scope_province", "scope_cluster", "scope_ward")},
    )
    fieldsets = (*(UserAdmin.fieldsets or ()), role_fieldset)
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


@admin.register(FormSubmission)
class FormSubmissionAdmin(ViewOnlyMixin, AdministratorMixin, admin.ModelAdmin):
    """Create forms' one-time tokens and the record each created (deleted once expired)."""

    list_display = ("created_at", "user", "model", "object_id")
    list_filter = ("model",)
    list_select_related = ("user",)
    exclude = ("nonce",)
    date_hierarchy = "created_at"
