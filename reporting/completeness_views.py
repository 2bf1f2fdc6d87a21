"""The portal's completeness page (``/reporting/``) and consolidated reports (issue 13, 5–6).

Thin adapters: ``reporting.completeness`` computes, ``reporting.consolidation`` reads and writes.
Ward police and clerks get 403 (they see their own ward's report on its own page).
"""

from functools import lru_cache
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from households.models import Province, WardCluster
from reporting import completeness as comp
from reporting import consolidation as cons
from reporting.models import ConsolidatedReport
from reports.statistics.metrics import METRICS
from wardsecurity.portal.views import PrivatePageMixin
from wardsecurity.scope import ALL_WARDS, scope_ward_ids

WARDS_PER_PAGE = 100


def _whole(queryset, ids):
    """The provinces or clusters that have wards, every one of which ``ids`` holds."""
    rows = queryset.annotate(total=Count("wards", distinct=True)).filter(total__gt=0)
    if ids is ALL_WARDS:
        return rows
    seen = Count("wards", filter=Q(wards__id__in=ids), distinct=True)
    return rows.annotate(seen=seen).filter(total=F("seen"))


def scope_choices(user) -> list[tuple[str, str]]:
    """ "My whole scope", then the provinces and clusters every ward of which the user sees."""
    ids = scope_ward_ids(user)
    choices = [("all", _("My whole scope"))]
    for queryset, kind in (
        (Province.objects.all(), "province"),
        (WardCluster.objects.all(), "cluster"),
    ):
        rows = _whole(queryset, ids)
        key = "code" if kind == "province" else "pk"
        for value, name in rows.order_by("name").values_list(key, "name")[:200]:
            choices.append((f"{kind}:{value}", name))
    return choices


class ReaderPageMixin(PrivatePageMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not comp.may_see_completeness(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class CompletenessForm(forms.Form):
    # Offered from the caller's provinces and clusters; any other scope spec is checked by
    # ``completeness`` itself (400 when malformed, 404 outside the caller's scope, as the API).
    scope = forms.CharField(
        label=pgettext_lazy("completeness", "Scope"), required=False, max_length=40
    )
    period = forms.ChoiceField(label=pgettext_lazy("completeness", "Period"), required=False)
    year = forms.IntegerField(
        label=gettext_lazy("Year of the monthly table"),
        required=False,
        min_value=2000,
        max_value=2100,
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = scope_choices(user)
        current = self.data.get("scope")
        if current and current not in dict(choices):
            choices.append((current, current))
        self.fields["scope"].widget = forms.Select(choices=choices)
        cast("forms.ChoiceField", self.fields["period"]).choices = comp.period_options()


@lru_cache(maxsize=256)
def _cell_html(state: str, on_time: bool | None, overdue: bool, language: str) -> str:
    cell = comp.Cell(state, on_time, overdue)
    return format_html(
        '<td><span class="state {}" title="{}">{}'
        '<span class="visually-hidden">{}</span></span></td>',
        cell.css,
        cell.label,
        cell.symbol,
        cell.label,
    )


def cells_html(cells: list[comp.Cell]) -> str:
    """A row of the year table: each of the few distinct cells is rendered once per language
    (a national page has 1,200 cells a page; the template engine would take most of a second)."""
    language = get_language() or ""
    return mark_safe(  # noqa: S308 - joined from format_html's escaped snippets
        "".join(_cell_html(c.state, c.on_time, c.overdue, language) for c in cells)
    )


class CompletenessPageView(ReaderPageMixin, View):
    """Every ward's state for a period, the rates, the missing wards with their police's
    contacts, and the year's monthly table (100 wards a page)."""

    def get(self, request):
        default = comp.default_period()
        data = {
            "scope": request.GET.get("scope") or "all",
            "period": request.GET.get("period") or default.spec,
            "year": request.GET.get("year") or "",
        }
        form = CompletenessForm(data, user=request.user)
        context: dict[str, Any] = {"form": form}
        if not form.is_valid():
            return render(request, "reporting/completeness.html", context, status=400)
        scope, period = form.cleaned_data["scope"], form.cleaned_data["period"]
        try:
            found = comp.completeness(user=request.user, scope=scope or "all", period=period)
        except ValidationError as exc:
            _add_errors(form, exc)
            return render(request, "reporting/completeness.html", context, status=400)
        year = form.cleaned_data["year"] or found.period.end.year
        table = comp.year_table(user=request.user, scope=scope, year=year)
        page = Paginator(table.rows, WARDS_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = [(ward, cells_html(cells)) for ward, cells in page.object_list]
        wards = Paginator(found.wards, WARDS_PER_PAGE).get_page(page.number).object_list
        missing = Paginator(found.missing, WARDS_PER_PAGE).get_page(page.number).object_list
        scope = scope or "all"
        query = {"scope": scope, "period": period, "year": year}
        context.update(
            found=found,
            table=table,
            table_page=page,
            ward_rows=wards,
            missing=missing,
            page_query=urlencode(query),
            consolidated_url=reverse("completeness:consolidated_list")
            + "?"
            + urlencode({"scope": scope, "period": found.period.spec}),
            may_consolidate=cons.may_consolidate(request.user)
            and found.scope.kind in ("province", "cluster"),
        )
        return render(request, "reporting/completeness.html", context)


# Consolidated reports ----------------------------------------------------------------------------


class ConsolidatedForm(forms.ModelForm):
    class Meta:
        model = ConsolidatedReport
        fields = list(cons.CONSOLIDATED_TEXT_FIELDS)
        widgets = {
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "recipients": forms.Textarea(attrs={"rows": 4}),
            **{
                name: forms.Textarea(attrs={"rows": 8})
                for name in ConsolidatedReport.NARRATIVE_FIELDS
            },
        }


class NewConsolidatedForm(forms.Form):
    scope = forms.ChoiceField(label=pgettext_lazy("completeness", "Province or cluster"))
    period = forms.ChoiceField(label=pgettext_lazy("completeness", "Period"))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        scopes = [c for c in scope_choices(user) if c[0] != "all"]
        cast("forms.ChoiceField", self.fields["scope"]).choices = scopes
        cast("forms.ChoiceField", self.fields["period"]).choices = comp.period_options()


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class ConsolidatedListView(ReaderPageMixin, View):
    """The consolidated reports in scope; a reviewer starts a new one."""

    def get(self, request, new_form=None, status=200):
        reports = cons.consolidated_report_list(user=request.user)
        page = Paginator(reports, 50).get_page(request.GET.get("page"))
        may_write = cons.may_consolidate(request.user)
        initial = {k: request.GET.get(k) for k in ("scope", "period") if request.GET.get(k)}
        if new_form is None and may_write:
            new_form = NewConsolidatedForm(initial=initial, user=request.user)
        context = {"page": page, "new_form": new_form}
        return render(request, "reporting/consolidated_list.html", context, status=status)

    def post(self, request):
        if not cons.may_consolidate(request.user):
            raise PermissionDenied
        form = NewConsolidatedForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                report = cons.consolidated_report_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("The consolidated report was created."))
                url = reverse("completeness:consolidated_detail", args=[report.pk])
                return HttpResponseRedirect(url)
        return self.get(request, new_form=form, status=400)


def figure_rows(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The summed figures in the statistics' order, the manual indicators after them."""
    metrics = figures.get("metrics") or {}
    order = {key: index for index, key in enumerate(METRICS)}
    rows = []
    for key in sorted(metrics, key=lambda k: (order.get(k, len(order)), k)):
        entry = metrics[key]
        if entry.get("value") in (None, 0) and entry.get("previous") in (None, 0):
            continue
        item = METRICS.get(key)
        rows.append(
            {
                "key": key,
                "label": str(item.label) if item else entry.get("label", key),
                "ratio": "numerator" in entry,
                **entry,
            }
        )
    return rows


class ConsolidatedDetailView(ReaderPageMixin, View):
    """One consolidated report: its figures, the wards missing; a reviewer edits and issues."""

    template = "reporting/consolidated_detail.html"

    def report(self, request, pk) -> ConsolidatedReport:
        return cons.consolidated_report_get(user=request.user, pk=pk)

    def get(self, request, pk, form=None, status=200):
        report = self.report(request, pk)
        figures = cons.report_figures(report)
        may_write = cons.may_consolidate(request.user) and report.state == report.State.DRAFT
        if form is None and may_write:
            form = ConsolidatedForm(instance=report)
        context = {
            "report": report,
            "figures": figures,
            "rows": figure_rows(figures),
            "form": form,
            "may_write": may_write,
            "state_labels": {k: str(v) for k, v in comp.STATE_LABELS.items()},
        }
        return render(request, self.template, context, status=status)

    def post(self, request, pk):
        if not cons.may_consolidate(request.user):
            raise PermissionDenied
        report = self.report(request, pk)
        action = request.POST.get("action", "save")
        version = request.POST.get("version")
        try:
            if action == "issue":
                cons.consolidated_report_issue(
                    actor=request.user, instance=report, expected_version=version
                )
                messages.success(request, _("The consolidated report was issued."))
            elif action == "delete":
                cons.consolidated_report_delete(
                    actor=request.user, instance=report, expected_version=version
                )
                messages.success(request, _("The consolidated report was deleted."))
                return HttpResponseRedirect(reverse("completeness:consolidated_list"))
            else:
                form = ConsolidatedForm(request.POST, instance=report)
                if not form.is_valid():
                    return self.get(request, pk, form=form, status=400)
                data = {name: request.POST.get(name, "") for name in form.fields}
                cons.consolidated_report_update(
                    actor=request.user, instance=report, data=data, expected_version=version
                )
                messages.success(request, _("The consolidated report was saved."))
        except ValidationError as exc:
            form = ConsolidatedForm(request.POST or None, instance=self.report(request, pk))
            form.is_valid()
            _add_errors(form, exc)
            return self.get(request, pk, form=form, status=400)
        return HttpResponseRedirect(reverse("completeness:consolidated_detail", args=[pk]))
