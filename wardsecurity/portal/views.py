"""The generic pages of every entity: list, detail with history, create, edit, delete, export.

Rules, in the order they are checked (the API's, GUARANTEES G1/G2/G4):
signed in (else the login page) → the role may see the kind of record (else 403, before any lookup)
→ for a write, the role may write (else 403) → the record is in scope (else 404).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from wardsecurity.audit import sensitive_read_log
from wardsecurity.pagination import CountingPaginator
from wardsecurity.personal import record_label
from wardsecurity.portal import EXPORT_FORMATS, exports
from wardsecurity.portal.display import display_value
from wardsecurity.portal.export_jobs import over_sync_limit
from wardsecurity.portal.filters import filter_panel
from wardsecurity.portal.history import record_history
from wardsecurity.submissions import ALREADY_SUBMITTED, AlreadySubmitted, submit_once
from wardsecurity.tasks import export_job_queue

PAGE_SIZE = 50


class PrivatePageMixin(LoginRequiredMixin):
    """Signed-in pages hold personal data: never stored by a browser or a proxy (G15)."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)
        patch_cache_control(response, no_store=True, private=True)
        return response


class EntityMixin(PrivatePageMixin):
    entity = None
    write = False

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            if not self.entity.may_view(user):
                raise PermissionDenied
            if self.write and not self.entity.may_write(user):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_record(self):
        """The record of the URL, through the app's selector: a 404 when it is not in scope."""
        return self.entity.record(self.request.user, self.kwargs["pk"])

    def log_sensitive_read(self, ids):
        sensitive_read_log(
            user=self.request.user, model=self.entity.model, ids=ids, path=self.request.path
        )

    def breadcrumbs(self, record=None):
        """Ward → group → the list → the record (the ward and group when the record has them)."""
        entity = self.entity
        crumbs = []
        if record is not None:
            ward = _follow(record, entity.model.ward_path)
            if ward is not None:
                crumbs.append((str(ward), f"{entity.url('list')}?{urlencode({'ward': ward.pk})}"))
            group = getattr(record, "group", None) if _has(entity.model, "group") else None
            if group is not None:
                from wardsecurity.portal import entity_for_model

                group_entity = entity_for_model(type(group))
                url = group_entity.url("detail", group.pk) if group_entity else None
                crumbs.append((str(group), url))
        crumbs.append((capfirst(entity.label_plural), entity.url("list")))
        return crumbs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["entity"] = self.entity
        context["may_write"] = self.entity.may_write(self.request.user)
        context["list_url"] = self.entity.url("list")
        context["create_url"] = self.entity.url("create")
        record = context.get("record")
        if record is not None and record.pk:
            for action in ("detail", "update", "delete"):
                context[f"{action}_url"] = self.entity.url(action, record.pk)
        return context


def _has(model, name):
    return any(f.name == name for f in model._meta.concrete_fields)


def _follow(record, path):
    obj = record
    for hop in path.split("__"):
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return obj


class RecordListView(EntityMixin, TemplateView):
    template_name = "portal/record_list.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request") and self.request.headers.get("HX-Target") == (
            "list-results"
        ):
            return ["portal/_record_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity, request = self.entity, self.request
        # Invalid filters show their errors and no rows, never the unfiltered list.
        queryset, filterset = entity.filtered(request.user, request.GET)
        queryset, sort_key = entity.sorted(queryset, request.GET.get("sort", ""), request.user)
        # Counted exactly up to API_EXACT_COUNT_LIMIT rows, "more than" past it: a province's
        # million households are never counted on every page. A page that is not one is a 404.
        paginator = CountingPaginator(queryset, PAGE_SIZE)
        try:
            page = paginator.get_page(request.GET.get("page"))
        except InvalidPage as exc:
            raise Http404(_("This page of the list does not exist.")) from exc
        records = list(page.object_list)
        self.log_sensitive_read(r.pk for r in records)
        model = entity.model
        columns = [
            {
                "name": name,
                "label": capfirst(model._meta.get_field(name).verbose_name),
                "sortable": name in entity.sortable_for(request.user),
                "numeric": _numeric(model._meta.get_field(name)),
                "sort_url": self.query_url(sort=_next_sort(name, sort_key), page=None),
                "sorted": "asc" if sort_key == name else ("desc" if sort_key == f"-{name}" else ""),
            }
            for name in entity.columns_for(request.user)
        ]
        rows = [
            {
                "record": record,
                "url": entity.url("detail", record.pk),
                "cells": [
                    {"value": _cell(record, c["name"], model, request.user), **c} for c in columns
                ],
            }
            for record in records
        ]
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("sort", None)
        with_ids = params.copy()
        with_ids["with_ids"] = "1"
        context.update(
            page=page,
            rows=rows,
            columns=columns,
            panel=filter_panel(filterset, request.user),
            filters_valid=not filterset.errors,
            total=paginator.count,
            count_at_least=paginator.count_at_least,
            export_csv=f"{entity.url('export', fmt='csv')}?{params.urlencode()}",
            export_xlsx=f"{entity.url('export', fmt='xlsx')}?{params.urlencode()}",
            export_xlsx_ids=f"{entity.url('export', fmt='xlsx')}?{with_ids.urlencode()}",
            sort_key=sort_key,
            previous_url=self.query_url(page=page.previous_page_number())
            if page.has_previous()
            else None,
            next_url=self.query_url(page=page.next_page_number()) if page.has_next() else None,
            crumbs=self.breadcrumbs(),
        )
        return context

    def query_url(self, **changes):
        params = self.request.GET.copy()
        for key, value in changes.items():
            if value in (None, ""):
                params.pop(key, None)
            else:
                params[key] = value
        return f"?{params.urlencode()}" if params else "?"


def _numeric(model_field):
    from django.db import models

    return isinstance(model_field, models.IntegerField | models.DecimalField) and not (
        model_field.choices or model_field.is_relation
    )


def _next_sort(name, current):
    return f"-{name}" if current == name else name


def _cell(record, name, model, user):
    """A field of ``record`` as a person reads it; a linked record named by personal data
    (a household) by its code when ``user`` may not see personal data."""
    model_field = model._meta.get_field(name)
    if model_field.many_to_many:
        return ", ".join(record_label(o, user) for o in getattr(record, name).all()) or "—"
    value = getattr(record, name)
    if model_field.is_relation:
        return record_label(value, user) if value is not None else "—"
    return display_value(model_field, value)


class RecordDetailView(EntityMixin, TemplateView):
    template_name = "portal/record_detail.html"

    def get_context_data(self, **kwargs):
        record = self.get_record()
        context = super().get_context_data(record=record, **kwargs)
        self.log_sensitive_read([record.pk])
        model = self.entity.model
        user = self.request.user
        # Personal fields are absent for a user who may not see them (wardsecurity.personal).
        names = list(self.entity.export_columns_for(user))
        if "ward" not in names and _has(model, "ward"):
            names.insert(0, "ward")
        fields = [
            (capfirst(model._meta.get_field(name).verbose_name), _cell(record, name, model, user))
            for name in names
        ]
        context.update(
            record_label=record_label(record, user),
            fields=fields,
            history=record_history(record, self.request.user),
            crumbs=self.breadcrumbs(record),
        )
        return context


class RecordFormView(EntityMixin, TemplateView):
    template_name = "portal/record_form.html"
    write = True

    def get_form(self, record=None):
        data = self.request.POST if self.request.method == "POST" else None
        return self.entity.form_class(data, instance=record, user=self.request.user)

    def render_form(self, form, record=None, status=200):
        if record is not None:
            self.log_sensitive_read([record.pk])  # the form shows every field, the informant too
        context = self.get_context_data(
            form=form, record=record, crumbs=self.breadcrumbs(record), creating=record is None
        )
        return self.render_to_response(context, status=status)


class RecordCreateView(RecordFormView):
    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_valid():
            create, _update, _delete = self.entity.services
            try:
                # The form's one-time token: posted again, it leads to the first record.
                record = submit_once(
                    user=request.user,
                    nonce=form.token_nonce,
                    create=lambda: create(actor=request.user, data=form.service_data()),
                    result_url=lambda created: self.entity.url("detail", created.pk),
                )
            except AlreadySubmitted as repeat:
                messages.info(request, ALREADY_SUBMITTED)
                return redirect(repeat.submission.result_url)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.entity.url("detail", record.pk))
        return self.render_form(form, status=400)


class RecordUpdateView(RecordFormView):
    def get(self, request, *args, **kwargs):
        record = self.get_record()
        return self.render_form(self.get_form(record), record)

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        form = self.get_form(record)
        if form.is_valid():
            _create, update, _delete = self.entity.services
            try:
                record = update(
                    actor=request.user,
                    instance=record,
                    data=form.service_data(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.entity.url("detail", record.pk))
        return self.render_form(form, record, status=400)


class RecordDeleteView(EntityMixin, TemplateView):
    template_name = "portal/record_delete.html"
    write = True

    def get(self, request, *args, **kwargs):
        record = self.get_record()
        return self.render_to_response(self.context(record, []))

    def context(self, record, errors):
        self.log_sensitive_read([record.pk])
        return self.get_context_data(record=record, errors=errors, crumbs=self.breadcrumbs(record))

    def post(self, request, *args, **kwargs):
        record = self.get_record()
        _create, _update, delete = self.entity.services
        try:
            delete(
                actor=request.user,
                instance=record,
                expected_version=request.POST.get("version") or None,
            )
        except ValidationError as error:
            return self.render_to_response(self.context(record, error.messages), status=400)
        messages.success(request, _("Deleted."))
        return redirect(self.entity.url("list"))


class RecordExportView(EntityMixin, View):
    """The filtered, sorted list as CSV (streamed) or XLSX, with every column of the record.

    Up to ``EXPORT_SYNC_LIMIT`` rows the file is the answer; past it (a gunicorn worker has 30
    seconds, a province minutes of rows) a GET asks to confirm and the form's POST queues an
    export job, then leads to the job's page.
    """

    def export_format(self):
        fmt = self.kwargs["fmt"]
        if fmt not in EXPORT_FORMATS:
            raise Http404
        return fmt

    def get(self, request, *args, **kwargs):
        fmt = self.export_format()
        queryset = self.entity.export_queryset(request.user, request.GET)
        if over_sync_limit(queryset):
            return render(
                request,
                "portal/export_job_confirm.html",
                {
                    "entity": self.entity,
                    "format": fmt,
                    "limit": settings.EXPORT_SYNC_LIMIT,
                    "list_url": self.entity.url("list"),
                    "crumbs": self.breadcrumbs(),
                },
            )
        if self.entity.model.sensitive:
            self.log_sensitive_read(queryset.values_list("pk", flat=True))
        filename = self.entity.prefix
        if fmt == "csv":
            return exports.csv_response(self.entity, queryset, filename, user=request.user)
        return exports.xlsx_response(
            self.entity,
            queryset,
            filename,
            user=request.user,
            with_ids=exports.asks_for_ids(request.GET),
        )

    def post(self, request, *args, **kwargs):
        fmt = self.export_format()
        params = request.GET.copy()
        params.pop("page", None)
        job = export_job_queue(
            actor=request.user, entity=self.entity, query=params.urlencode(), fmt=fmt
        )
        return redirect("export_job", pk=job.pk)
