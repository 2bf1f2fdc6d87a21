"""Pages that belong to no entity: sign-in, the home page of each role, reporting periods."""

import calendar
import datetime as dt
from importlib import import_module

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from wardsecurity.models import ClosedPeriod
from wardsecurity.periods import period_close, period_reopen
from wardsecurity.portal import entities_for, optional_url
from wardsecurity.portal.forms import PeriodCloseForm, PeriodReopenForm
from wardsecurity.portal.views import PrivatePageMixin

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    """The sign-in page; django-axes locks a username+address after five failures (G9)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Steering viewers land on the dashboard (SPEC §9); everyone else on their home page."""
        user = self.request.user
        dashboard = optional_url("reports:dashboard")
        if dashboard and user.is_authenticated and user.is_reader_role:
            return dashboard
        return super().get_default_redirect_url()


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def previous_month(day: dt.date) -> dt.date:
    return day.replace(day=1) - dt.timedelta(days=1)


def month_closed(periods, start, end) -> bool:
    """Whether closed periods (not reopened) cover every day of ``start``–``end``."""
    covered = start
    for period in sorted(periods, key=lambda p: p.start):
        if period.start <= covered <= period.end:
            covered = period.end + dt.timedelta(days=1)
        if covered > end:
            return True
    return False


def is_ward_role(user) -> bool:
    return user.role in (user.Role.WARD_POLICE, user.Role.WARD_STAFF) and bool(user.scope_ward_id)


class HomeView(PrivatePageMixin, TemplateView):
    """Ward roles: this month's to-do. Steering viewers and administrators: their wards."""

    def get_template_names(self):
        if is_ward_role(self.request.user):
            return ["portal/home_ward.html"]
        return ["portal/home_overview.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["dashboard_url"] = optional_url("reports:dashboard")
        context["reports_url"] = optional_url("reports:index")
        if is_ward_role(user):
            context.update(self.ward_todo(user))
        else:
            context.update(self.ward_overview(user))
        return context

    def ward_todo(self, user):
        """Which dated record kinds have nothing for this month, and the months' closing state."""
        today = timezone.localdate()
        start, end = month_bounds(today)
        todo, done = [], []
        for entity in entities_for(user):
            field = entity.model.period_date_field
            if not field:
                continue
            model_field = entity.model._meta.get_field(field)
            dated = model_field.get_internal_type() == "DateTimeField"
            lookup = f"{field}__date" if dated else field
            entered = (
                entity.queryset(user)
                .filter(**{f"{lookup}__gte": start, f"{lookup}__lte": end})
                .exists()
            )
            item = {
                "label": entity.label_plural,
                "list_url": entity.url("list"),
                "create_url": entity.url("create") if entity.may_write(user) else None,
            }
            (done if entered else todo).append(item)
        periods = list(
            ClosedPeriod.objects.visible_to(user)
            .filter(reopened_at__isnull=True)
            .order_by("-start")[:24]
        )
        last_start, last_end = month_bounds(previous_month(today))
        # The units of the map before 1 July 2025 merged into the ward (docs/domain.md).
        predecessors = user.scope_ward.successions.select_related("former_ward").order_by(
            "former_ward__code"
        )
        # The movement's yearly gradings still owed, with their deadlines (QĐ 510/QĐ-BCA-V05).
        gradings_due = import_module("movement.selectors").gradings_due
        # Criminal cases entered before severity was recorded, for an officer to classify.
        unclassified = import_module("incidents.selectors").unclassified_cases(user=user)
        incidents_url = optional_url("incidents:incident_list")
        return {
            "unclassified_cases": unclassified,
            "unclassified_url": incidents_url and f"{incidents_url}?severity=unclassified",
            "gradings": gradings_due(user=user, today=today),
            "ward": user.scope_ward,
            "predecessors": list(predecessors),
            "month": today,
            "todo": todo,
            "done": done,
            "this_month_closed": month_closed(periods, start, end),
            "last_month": last_start,
            "last_month_closed": month_closed(periods, last_start, last_end),
            "periods_url": optional_url("periods"),
            "grading_url": optional_url("movement:appraisal_list"),
        }

    def ward_overview(self, user):
        """The wards in scope, 50 a page, each with its key counts in one query."""
        ward_model = apps.get_model("households", "Ward")
        counts = {
            "n_households": ("households", "Household", Q(active=True)),
            "n_groups": ("households", "ResidentialGroup", Q()),
            "n_teams": ("movement", "Team", Q(dissolved_on__isnull=True)),
            "n_cameras": ("cameras", "Camera", Q(status="active")),
        }
        wards = ward_model.objects.visible_to(user).select_related("province").order_by("name")
        search = self.request.GET.get("q", "").strip()
        if search:
            wards = wards.filter(search_name__unaccent__icontains=search)
        for key, (app, name, condition) in counts.items():
            model = apps.get_model(app, name)
            subquery = (
                model.objects.visible_to(user)
                .filter(condition, ward=OuterRef("pk"))
                .order_by()
                .values("ward")
                .annotate(n=Count("pk"))
                .values("n")
            )
            wards = wards.annotate(
                **{key: Coalesce(Subquery(subquery, output_field=IntegerField()), Value(0))}
            )
        page = Paginator(wards, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return {"page": page, "wards": list(page.object_list), "search": search}


class PeriodsView(PrivatePageMixin, TemplateView):
    """A ward's closed reporting periods; ward police and administrators close and reopen them."""

    template_name = "portal/periods.html"

    def ward(self):
        ward_model = apps.get_model("households", "Ward")
        user = self.request.user
        ward_id = self.request.GET.get("ward") or self.request.POST.get("ward")
        if ward_id is None and user.scope_ward_id:
            ward_id = user.scope_ward_id
        if ward_id is None:
            return None
        ward_id = str(ward_id)
        if not (ward_id.isascii() and ward_id.isdigit()):
            raise Http404  # like an id outside the scope
        return get_object_or_404(ward_model.objects.visible_to(user), pk=int(ward_id))

    def may_close(self):
        user = self.request.user
        return user.is_admin_role or user.role == user.Role.WARD_POLICE

    def get(self, request, *args, **kwargs):
        ward = self.ward()
        return self.render_to_response(self.page_context(ward, PeriodCloseForm(), None))

    def page_context(self, ward, close_form, reopen_form, reopen_id=None):
        user = self.request.user
        periods = []
        if ward is not None:
            periods = list(
                ClosedPeriod.objects.visible_to(user)
                .filter(ward=ward)
                .select_related("closed_by", "reopened_by")
                .order_by("-start")[:100]
            )
        wards = None
        if not user.scope_ward_id:
            ward_model = apps.get_model("households", "Ward")
            wards = ward_model.objects.visible_to(user).order_by("name").only("pk", "name")[:500]
        today = timezone.localdate()
        last_start, last_end = month_bounds(previous_month(today))
        if not close_form.is_bound:
            close_form.initial = {"start": last_start, "end": last_end}
        return self.get_context_data(
            ward=ward,
            wards=wards,
            periods=periods,
            may_close=self.may_close() and ward is not None,
            close_form=close_form,
            reopen_form=reopen_form or PeriodReopenForm(),
            reopen_id=reopen_id,
        )

    def post(self, request, *args, **kwargs):
        if not self.may_close():
            raise PermissionDenied
        ward = self.ward()
        if ward is None:
            return redirect("periods")
        action = request.POST.get("action")
        close_form, reopen_form, reopen_id = PeriodCloseForm(), None, None
        try:
            if action == "close":
                close_form = PeriodCloseForm(request.POST)
                if close_form.is_valid():
                    period_close(actor=request.user, ward=ward, **close_form.cleaned_data)
                    messages.success(request, _("The period is closed."))
                    return redirect(f"{request.path}?ward={ward.pk}")
            elif action == "reopen":
                period_id = request.POST.get("period", "")
                period = get_object_or_404(
                    ClosedPeriod.objects.visible_to(request.user).filter(ward=ward),
                    pk=int(period_id) if period_id.isascii() and period_id.isdigit() else 0,
                )
                reopen_id = period.pk
                reopen_form = PeriodReopenForm(request.POST)
                if reopen_form.is_valid():
                    period_reopen(
                        actor=request.user, period=period, reason=reopen_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The period is reopened."))
                    return redirect(f"{request.path}?ward={ward.pk}")
            else:
                return redirect(f"{request.path}?ward={ward.pk}")
        except ValidationError as error:
            form = close_form if action == "close" else reopen_form
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    target = name if name in form.fields else None
                    form.add_error(target, [m for e in errors for m in e.messages])
            else:
                form.add_error(None, error.messages)
        context = self.page_context(ward, close_form, reopen_form, reopen_id)
        return self.render_to_response(context, status=400)
