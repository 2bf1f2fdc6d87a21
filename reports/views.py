"""Browser pages of the statistics and reports (SPEC §9, §10): dashboard and downloads."""

import datetime as dt

from django import forms
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from households.models import Ward
from reports.api.reports import file_response
from reports.documents import dashboard
from reports.documents.generate import report_build, report_render, report_request
from reports.documents.jobs import report_job_create, report_job_for, report_job_requeue_if_stalled
from reports.documents.render_print import STYLESHEET, render_print
from reports.selectors import stats_for
from wardsecurity.models import ReportJob
from wardsecurity.period_spec import CALENDAR_LABELS, CALENDARS, CIVIL, parse_period
from wardsecurity.portal.views import PrivatePageMixin

# Wards listed in the scope picker; a larger scope picks "all" and drills down from the ranking.
PICKER_WARDS = 60
RECENT_JOBS = 10
RANKING_ROWS = 100


def period_suggestions(today: dt.date) -> list[tuple[str, str]]:
    """Periods offered in the picker (any other spec may be typed): this year's, and last year."""
    specs = [f"ytd:{today.isoformat()}"]
    if today.month > 1:
        specs.append(f"months:{today.year}:{today.month - 1}")
    specs += [f"month:{today.year}-{month:02d}" for month in range(today.month, 0, -1)]
    specs += [f"quarter:{today.year}-Q{q}" for q in range((today.month + 2) // 3, 0, -1)]
    specs += [f"half:{today.year}-H{h}" for h in range(1 if today.month <= 6 else 2, 0, -1)]
    specs += [f"year:{today.year - 1}", f"half:{today.year - 1}-H2", f"half:{today.year - 1}-H1"]
    return [(spec, str(parse_period(spec).label)) for spec in specs]


def scope_choices(user) -> list[tuple[str, str]]:
    """ "My whole scope", then each ward of it when there are few enough to list."""
    wards = list(
        Ward.objects.visible_to(user)
        .order_by("name")
        .values_list("code", "name")[: PICKER_WARDS + 1]
    )
    choices = [("all", _("My whole scope"))]
    if len(wards) <= PICKER_WARDS:
        choices += [(f"ward:{code}", name) for code, name in wards]
    return choices


class ReportForm(forms.Form):
    """Scope, period and calendar (the dashboard); and the file format (the reports page)."""

    scope = forms.CharField(label=gettext_lazy("Scope"), required=False, max_length=40)
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        max_length=40,
        help_text=gettext_lazy(
            "Pick one or type one: month:2023-08, quarter:2023-Q3, half:2023-H1, year:2023, "
            "months:2023:8, ytd:2023-08-20, range:2023-01-01..2023-08-31."
        ),
    )
    calendar = forms.ChoiceField(
        label=gettext_lazy("Calendar"),
        required=False,
        choices=[(key, CALENDAR_LABELS[key]) for key in CALENDARS],
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("docx", gettext_lazy("Word document (.docx)")),
            ("xlsx", gettext_lazy("Spreadsheet (.xlsx)")),
            ("csv", gettext_lazy("Figures (.csv)")),
            ("pdf", gettext_lazy("Print view (print to PDF)")),
        ],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request_checked = None

    def clean(self):
        data = super().clean()
        try:
            self.request_checked = report_request(
                user=self.user,
                scope=data.get("scope") or "all",
                period=data.get("period") or f"ytd:{timezone.localdate().isoformat()}",
                calendar=data.get("calendar") or CIVIL,
                fmt=data.get("format") or "docx",
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        # A scope outside the caller's raises Http404 on through: a 404, as everywhere (SPEC §4).
        return data


def report_query(checked, **extra) -> str:
    return urlencode(
        {
            "scope": checked.scope.spec,
            "period": checked.period.spec,
            "calendar": checked.period.calendar,
            **extra,
        }
    )


class PickerMixin:
    def picker_context(self, form):
        return {
            "form": form,
            "scope_choices": scope_choices(self.request.user),
            "period_suggestions": period_suggestions(timezone.localdate()),
        }


class DashboardView(PrivatePageMixin, PickerMixin, View):
    """KPI tiles, monthly trends, the ward ranking and the group drill-down, for every role."""

    def get(self, request):
        user = request.user
        data = {
            "scope": request.GET.get("scope") or "all",
            "period": request.GET.get("period") or f"ytd:{timezone.localdate().isoformat()}",
            "calendar": request.GET.get("calendar") or CIVIL,
        }
        form = ReportForm(data, user=user)
        context = self.picker_context(form)
        if not form.is_valid():
            return render(request, "reports/dashboard.html", context, status=400)
        rank = request.GET.get("rank")
        context.update(self.figures(user, form.request_checked, rank))
        return render(request, "reports/dashboard.html", context)

    def figures(self, user, checked, rank):
        """Three reads of the statistics, whatever the number of wards (SPEC §12)."""
        scope, period = checked.scope, checked.period
        rank = rank if rank in dashboard.RANKING else "commitment_coverage_pct"
        tiles = [key for key, _better in dashboard.TILES]
        main = stats_for(user=user, scope=scope.spec, period=period, metrics=tiles)
        monthly = stats_for(
            user=user, scope=scope.spec, period=period, metrics=list(dashboard.TRENDS), by="month"
        )
        by = "group" if scope.kind == "ward" else "ward"
        table = stats_for(
            user=user, scope=scope.spec, period=period, metrics=list(dashboard.RANKING), by=by
        )
        trends = dashboard.trends(monthly["breakdown"])
        context = {
            "scope": scope,
            "period": period,
            "compare": main.get("compare")
            and {k: dt.date.fromisoformat(main["compare"][k]) for k in ("start", "end")},
            "as_of": main.get("as_of"),
            "tiles": dashboard.tiles(main["metrics"]),
            "trends": trends,
            "rank": rank,
            "rank_choices": [(k, str(dashboard.METRICS[k].label)) for k in dashboard.RANKING],
            "table_headers": dashboard.ranking_headers(),
            "report_url": reverse("reports:report") + "?" + report_query(checked),
        }
        if by == "ward":
            base = reverse("reports:dashboard") + "?"

            def drill_down(row):
                return base + urlencode(
                    {
                        "scope": f"ward:{row['ward']['code']}",
                        "period": period.spec,
                        "calendar": period.calendar,
                    }
                )

            ranking = dashboard.table_rows(
                table["breakdown"], lambda row: row["ward"]["name"], drill_down, rank
            )
            # A national scope has thousands of wards: the page shows the head of the ranking.
            context["ranking"] = ranking[:RANKING_ROWS]
            context["ranking_total"] = len(ranking)
        else:
            context["groups"] = dashboard.table_rows(
                table["breakdown"], lambda row: row["group"]["name"], lambda row: None, rank
            )
        return context


class ReportPageView(PrivatePageMixin, PickerMixin, View):
    """Pick a scope, period, calendar and format; one ward downloads at once, more run as a job."""

    template_name = "reports/report.html"

    def get(self, request):
        initial = {key: request.GET.get(key) for key in ("scope", "period", "calendar")}
        initial["format"] = "docx"
        form = ReportForm(initial=initial, user=request.user)
        return self.page(request, form)

    def post(self, request):
        form = ReportForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.page(request, form, status=400)
        checked = form.request_checked
        if checked.format == "pdf":
            return redirect(reverse("reports:print") + "?" + report_query(checked))
        if checked.background:
            report_job_create(actor=request.user, request=checked, calendar=checked.period.calendar)
            return redirect("reports:report")
        report = report_build(user=request.user, scope=checked.scope, period=checked.period)
        return file_response(*report_render(report, checked.format))

    def page(self, request, form, status=200):
        jobs = ReportJob.objects.filter(owner=request.user).defer("content")[:RECENT_JOBS]
        context = {**self.picker_context(form), "jobs": jobs}
        return render(request, self.template_name, context, status=status)


class PrintView(PrivatePageMixin, PickerMixin, View):
    """The report as a page to print (or save as PDF) from the browser."""

    def get(self, request):
        data = {key: request.GET.get(key, "") for key in ("scope", "period", "calendar")}
        form = ReportForm({**data, "format": "pdf"}, user=request.user)
        if not form.is_valid():
            context = {**self.picker_context(form), "jobs": []}
            return render(request, "reports/report.html", context, status=400)
        checked = form.request_checked
        report = report_build(user=request.user, scope=checked.scope, period=checked.period)
        html = render_print(
            report,
            stylesheet_url=staticfiles_storage.url(STYLESHEET),
            back_url=reverse("reports:report") + "?" + report_query(checked),
        )
        return file_response(None, "text/html; charset=utf-8", html)


class JobProgressView(PrivatePageMixin, View):
    """The progress of one of the caller's report jobs (polled by htmx until it is done)."""

    def get(self, request, pk):
        job = report_job_for(user=request.user, job_id=pk)
        report_job_requeue_if_stalled(job=job)
        return render(request, "reports/_job.html", {"job": job})


class JobDownloadView(PrivatePageMixin, View):
    """The file of one of the caller's finished report jobs."""

    def get(self, request, pk):
        job = report_job_for(user=request.user, job_id=pk)
        if job.status != ReportJob.Status.DONE:
            raise Http404
        content = ReportJob.objects.values_list("content", flat=True).get(pk=job.pk)
        return file_response(job.filename, job.content_type, bytes(content))
