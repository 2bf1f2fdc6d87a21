"""Browser pages of imports: upload, progress (htmx), preview with errors, commit, cancel."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from households.models import Ward
from imports import services
from imports.kinds import KINDS
from imports.models import ImportBatch
from imports.parsing import TOO_LARGE, max_bytes
from imports.tasks import queue_commit, queue_validation

COMMITTED_MESSAGE = _("The file has been imported.")
COMMIT_QUEUED_MESSAGE = _(
    "The file is large: its rows are being written in the background. This page shows how far "
    "it is."
)
CANCELLED_MESSAGE = _("The import has been cancelled.")


def _may_import(user):
    if not user.can_write:
        raise PermissionDenied


def _kinds(user):
    """The kinds ``user`` may import: a clerk is not offered police-only kinds."""
    return {name: kind for name, kind in KINDS.items() if kind.may_import(user)}


def _batch(user, pk):
    batch = ImportBatch.objects.visible_to(user).select_related("ward").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of records"))
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=Ward.objects.none())
    file = forms.FileField(label=_("CSV or Excel file"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(name, kind.label) for name, kind in _kinds(user).items()]
        wards = Ward.objects.visible_to(user).order_by("code")
        self.fields["ward"].queryset = wards
        if user.scope_kind == user.ScopeKind.WARD:
            self.fields["ward"].initial = user.scope_ward_id
            self.fields["ward"].widget = forms.HiddenInput()


@login_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """The upload form; a valid upload goes to its progress page."""
    _may_import(request.user)
    form = UploadForm(user=request.user)
    if request.method == "POST":
        # Refused from the declared length, before Django reads the file to a temporary file.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > max_bytes() + 64 * 1024:
            context = {"form": form, "kinds": _kinds(request.user), "error": TOO_LARGE}
            return render(request, "imports/upload.html", context, status=400)
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > max_bytes():
                    raise ValidationError(TOO_LARGE)
                batch = services.import_start(
                    actor=request.user,
                    ward=form.cleaned_data["ward"],
                    kind=form.cleaned_data["kind"],
                    filename=upload.name or "",
                    content=upload.read(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                queue_validation(batch)
                return redirect("imports:detail", pk=batch.pk)
    return render(request, "imports/upload.html", {"form": form, "kinds": _kinds(request.user)})


@login_required
def detail(request, pk):
    """Progress while checking; then the counts, the errors and the preview rows."""
    _may_import(request.user)
    batch = _batch(request.user, pk)
    return render(request, "imports/detail.html", {"batch": batch, **_context(batch)})


@login_required
def progress(request, pk):
    """The progress bar fragment htmx polls; once the worker is done the page reloads."""
    _may_import(request.user)
    batch = _batch(request.user, pk)
    if not batch.working:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/_progress.html", {"batch": batch})


@login_required
@require_POST
def commit(request, pk):
    _may_import(request.user)
    batch = _batch(request.user, pk)
    try:
        if services.commits_in_worker(batch):
            batch = services.import_commit_queue(actor=request.user, batch=batch)
            queue_commit(batch)
            messages.info(request, COMMIT_QUEUED_MESSAGE)
        else:
            services.import_commit(actor=request.user, batch=batch)
            messages.success(request, COMMITTED_MESSAGE)
    except (ValidationError, services.ImportNotReady) as exc:
        messages.error(request, getattr(exc, "message", None) or "; ".join(exc.messages))
    return redirect("imports:detail", pk=batch.pk)


@login_required
@require_POST
def cancel(request, pk):
    _may_import(request.user)
    batch = _batch(request.user, pk)
    try:
        services.import_cancel(actor=request.user, batch=batch)
    except services.ImportNotReady as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, CANCELLED_MESSAGE)
    return redirect("imports:detail", pk=batch.pk)


def _context(batch):
    summary = {"create": 0, "update": 0, "unchanged": 0, "error": 0, **(batch.summary or {})}
    columns = list(batch.preview[0]["values"]) if batch.preview else []
    return {
        "summary": summary,
        "columns": columns,
        "preview": [
            {**row, "cells": [row["values"].get(c, "") for c in columns]} for row in batch.preview
        ],
        "kind": KINDS.get(batch.kind),
        "more_errors": batch.error_count - len(batch.errors),
    }
