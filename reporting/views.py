"""The portal's pages of the reporting chain: the reports in scope, and one page per report.

The report's page holds everything a ward does for a period in one place: the heading, signer,
recipients and narrative of the draft, the manual indicators of the period, sections I and II
from the figures (live for a draft, the frozen snapshot once submitted), the buttons of the
user's role, and the history of its states. Every write goes through ``reporting.services``.
"""

from typing import cast

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from households.models import Ward
from reporting import selectors, services
from reporting.content import live_figures, report_sections
from reporting.fields import (
    MANUAL_INDICATOR_VALUE_FIELDS,
    MANUAL_INDICATOR_VALUE_ORDERING,
    MANUAL_INDICATOR_VALUE_SORTABLE,
    PERIOD_REPORT_FIELDS,
    PERIOD_REPORT_ORDERING,
    PERIOD_REPORT_SORTABLE,
)
from reporting.filtersets import ManualIndicatorValueFilterSet, PeriodReportFilterSet
from reporting.forms import CommentForm, PeriodReportForm, StartReportForm
from reporting.models import ManualIndicatorValue, PeriodReport
from wardsecurity.models import User
from wardsecurity.portal import NAV_MOVEMENT, Entity
from wardsecurity.portal.views import PrivatePageMixin
from wardsecurity.services import OutOfScope, StaleVersion

State = PeriodReport.State
PAGE_SIZE = 50

# The records' own pages (list, detail with history, forms, export), like every ward record's;
# the chain's pages below (``/ward-reports/``) are where a ward drafts and submits and a reviewer
# reviews.
ENTITIES = [
    Entity(
        model=PeriodReport,
        prefix="period-reports",
        filterset_class=PeriodReportFilterSet,
        services=(
            services.period_report_create,
            services.period_report_update,
            services.period_report_delete,
        ),
        selectors=(selectors.period_report_list, selectors.period_report_get),
        fields=PERIOD_REPORT_FIELDS,
        sortable=PERIOD_REPORT_SORTABLE,
        ordering=PERIOD_REPORT_ORDERING,
        columns=("ward", "period", "kind", "state", "due_on", "submitted_at"),
        nav=NAV_MOVEMENT,
    ),
    Entity(
        model=ManualIndicatorValue,
        prefix="manual-indicator-values",
        filterset_class=ManualIndicatorValueFilterSet,
        services=(
            services.manual_indicator_value_create,
            services.manual_indicator_value_update,
            services.manual_indicator_value_delete,
        ),
        selectors=(selectors.manual_indicator_value_list, selectors.manual_indicator_value_get),
        fields=MANUAL_INDICATOR_VALUE_FIELDS,
        sortable=MANUAL_INDICATOR_VALUE_SORTABLE,
        ordering=MANUAL_INDICATOR_VALUE_ORDERING,
        columns=("ward", "indicator", "period", "value"),
        nav=NAV_MOVEMENT,
    ),
]
STATE_BADGES = {
    State.DRAFT: "",
    State.SUBMITTED: "badge--warn",
    State.RETURNED: "badge--warn",
    State.ACCEPTED: "badge--ok",
}


def _id(value: object) -> int:
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        raise OutOfScope
    return int(text)


def _form_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: each message under its field, the rest on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            form.add_error(target, [m for e in errors for m in e.messages])
    else:
        form.add_error(None, error.messages)


class SignedInPage(PrivatePageMixin, TemplateView):
    def user(self) -> User:
        """The signed-in user (``PrivatePageMixin`` sends anyone else to the sign-in page)."""
        return cast("User", self.request.user)


class PeriodReportListView(SignedInPage):
    """The reports the user may see, newest period first; ward roles start a report here."""

    template_name = "reporting/list.html"

    def wards(self):
        return Ward.objects.visible_to(self.user()).order_by("name").only("pk", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.user()
        filters = {k: v for k, v in self.request.GET.items() if k in ("state", "kind", "period")}
        try:
            reports = selectors.period_report_list(user=user, filters=filters)
        except ValidationError:
            reports = selectors.period_report_list(user=user)
        reports = reports.order_by("-period_end", "ward__name")
        page = Paginator(reports, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            page=page,
            reports=list(page.object_list),
            states=State.choices,
            filters=filters,
            badges=STATE_BADGES,
            may_draft=services.may_draft(user),
        )
        if services.may_draft(user) and "start_form" not in context:
            context["start_form"] = StartReportForm(wards=self.wards()[:500])
        return context

    def post(self, request, *args, **kwargs):
        user = self.user()
        if not services.may_draft(user):
            raise PermissionDenied
        form = StartReportForm(request.POST, wards=self.wards())
        if form.is_valid():
            ward_id = form.cleaned_data["ward"]
            existing = selectors.period_report_find(user=user, ward_id=ward_id, period=form.period)
            if existing is not None:
                return redirect("reporting:report", pk=existing.pk)
            try:
                report = services.period_report_create(
                    actor=user, data={"ward": ward_id, "period": form.period}
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("The draft is started from the figures of the period."))
                return redirect("reporting:report", pk=report.pk)
        context = self.get_context_data(start_form=form)
        return self.render_to_response(context, status=400)


class PeriodReportView(SignedInPage):
    """One ward's report for one period: the draft, the manual indicators, the figures, the
    actions of the user's role and the history."""

    template_name = "reporting/report.html"

    def report(self) -> PeriodReport:
        return selectors.period_report_get(user=self.user(), pk=_id(self.kwargs["pk"]))

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.page(self.report()))

    def page(self, report, *, form=None, manual_errors=None, comment_form=None, status=None):
        user = self.user()
        editable = report.state in (State.DRAFT, State.RETURNED) and services.may_draft(user)
        if form is None and editable:
            form = PeriodReportForm(instance=report, initial={"version": report.version})
        catalogue = list(selectors.indicator_catalogue(active_only=True))
        values = {
            row.indicator_code: row
            for row in selectors.manual_indicator_value_list(
                user=user, filters={"ward": report.ward_id, "period": report.period}
            )
        }
        posted = self.request.POST if manual_errors is not None else {}
        manual = [
            {
                "code": item.code,
                "label": item.label,
                "unit": item.get_unit_display(),
                "section": item.get_section_display(),
                "value": posted.get(
                    f"manual-{item.code}", getattr(values.get(item.code), "value", "")
                ),
                "version": getattr(values.get(item.code), "version", ""),
                "errors": (manual_errors or {}).get(item.code, []),
            }
            for item in catalogue
        ]
        if report.snapshot is not None and report.state != State.DRAFT and not editable:
            figures = report.snapshot
        else:
            figures = live_figures(report=report, user=user)
        return self.get_context_data(
            report=report,
            form=form,
            editable=editable,
            manual=manual,
            sections=report_sections(figures),
            frozen=figures is report.snapshot,
            transitions=list(selectors.period_report_transition_list(user=user, report=report)),
            may_submit=services.may_submit(user) and report.state in (State.DRAFT, State.RETURNED),
            may_review=services.may_review(user) and report.state == State.SUBMITTED,
            may_reopen=services.may_review(user) and report.state == State.ACCEPTED,
            comment_form=comment_form or CommentForm(),
            badge=STATE_BADGES[State(report.state)],
        )

    def post(self, request, *args, **kwargs):
        user = self.user()
        report = self.report()
        action = request.POST.get("action", "")
        version = request.POST.get("version") or None
        try:
            if action == "save":
                return self.save(report)
            if action == "submit":
                services.period_report_submit(actor=user, instance=report, expected_version=version)
                messages.success(request, _("The report is submitted."))
            elif action in ("return", "reopen"):
                comment_form = CommentForm(request.POST)
                if not comment_form.is_valid():
                    return self.refused(report, comment_form=comment_form)
                comment = comment_form.cleaned_data["comment"]
                if action == "return":
                    services.period_report_return(
                        actor=user, instance=report, comment=comment, expected_version=version
                    )
                    messages.success(request, _("The report is returned to the ward."))
                else:
                    services.period_report_reopen(
                        actor=user, instance=report, reason=comment, expected_version=version
                    )
                    messages.success(request, _("The report is reopened and returned to the ward."))
            elif action == "accept":
                services.period_report_accept(actor=user, instance=report, expected_version=version)
                messages.success(request, _("The report is accepted."))
            else:
                return redirect("reporting:report", pk=report.pk)
        except StaleVersion as error:
            messages.error(request, error.messages[0])
            return self.refused(self.report())
        except ValidationError as error:
            for message in _messages(error):
                messages.error(request, message)
            return self.refused(self.report())
        return redirect("reporting:report", pk=report.pk)

    def refused(self, report, **kwargs) -> HttpResponse:
        return self.render_to_response(self.page(report, **kwargs), status=400)

    def save(self, report) -> HttpResponse:
        """The draft's text and the period's manual values, saved together or not at all."""
        user = self.user()
        if not services.may_draft(user):
            raise PermissionDenied
        form = PeriodReportForm(self.request.POST, instance=PeriodReport.objects.get(pk=report.pk))
        manual_errors: dict[str, list[str]] = {}
        if not form.is_valid():
            return self.refused(report, form=form, manual_errors={})
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        values = {
            key.removeprefix("manual-"): value
            for key, value in self.request.POST.items()
            if key.startswith("manual-")
        }
        versions = {
            key.removeprefix("version-"): value
            for key, value in self.request.POST.items()
            if key.startswith("version-") and value
        }
        try:
            with transaction.atomic():
                services.period_report_update(
                    actor=user,
                    instance=report,
                    data=data,
                    expected_version=form.cleaned_data["version"],
                )
                if values:
                    try:
                        services.manual_indicator_values_save(
                            actor=user,
                            ward=report.ward,
                            period=report.period,
                            values=values,
                            versions=versions,
                        )
                    except ValidationError as error:
                        manual_errors = {
                            code: list(msgs) for code, msgs in error.message_dict.items()
                        }
                        raise
        except StaleVersion as error:
            form.add_error(None, error.messages[0])
            return self.refused(report, form=form, manual_errors={})
        except ValidationError as error:
            if not manual_errors:
                _form_errors(form, error)
            else:
                form.add_error(
                    None, _("Some manual indicators could not be saved; nothing was saved.")
                )
            return self.refused(report, form=form, manual_errors=manual_errors)
        messages.success(self.request, _("The draft is saved."))
        return redirect(reverse("reporting:report", kwargs={"pk": report.pk}))


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        found = []
        for name, errors in error.message_dict.items():
            label = name if name != "__all__" else ""
            for message in errors:
                found.append(f"{_field_label(label)}: {message}" if label else message)
        return found
    return list(error.messages)


def _field_label(name: str) -> str:
    if name in ("comment", "reason"):
        return _("Comment")
    try:
        field = PeriodReport._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name)).capitalize()
