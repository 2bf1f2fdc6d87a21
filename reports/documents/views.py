"""Browser pages of the period reports (SPEC §10): pick, download, print, follow a job."""

from django import forms
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.views import View

from reports.documents.generate import (
    DOCUMENT_LANGUAGE,
    ReportRequest,
    file_response,
    report_build,
    report_file,
    report_request,
)
from reports.documents.jobs import report_job_create, report_job_for, report_job_requeue_if_stalled
from reports.documents.render_print import STYLESHEET, render_print
from reports.figures.picker import PickerForm, PickerMixin, selection_query
from wardsecurity.models import ReportJob
from wardsecurity.portal.views import PrivatePageMixin

RECENT_JOBS = 10


class ReportForm(PickerForm):
    """Scope, period and calendar, the file format and the document's language."""

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
    lang = forms.ChoiceField(
        label=gettext_lazy("Language of the document"),
        required=False,
        choices=[
            ("vi", gettext_lazy("Vietnamese (the official document)")),
            ("en", gettext_lazy("English (a copy to read)")),
        ],
    )

    def check(self, *, scope: str, period: str, calendar: str) -> ReportRequest:
        return report_request(
            user=self.user,
            scope=scope,
            period=period,
            calendar=calendar,
            fmt=self.cleaned_data.get("format") or "docx",
            lang=self.cleaned_data.get("lang") or DOCUMENT_LANGUAGE,
        )


def report_query(request: ReportRequest) -> str:
    """The query string of ``request``'s page: its selection, and its language unless official."""
    extra = {} if request.language == DOCUMENT_LANGUAGE else {"lang": request.language}
    return selection_query(request, **extra)


class ReportPageView(PrivatePageMixin, PickerMixin, View):
    """Pick a scope, period, calendar and format; one ward downloads at once, more run as a job."""

    template_name = "reports/report.html"

    def get(self, request):
        initial = {key: request.GET.get(key) for key in ("scope", "period", "calendar")}
        initial["format"] = "docx"
        initial["lang"] = request.GET.get("lang") or DOCUMENT_LANGUAGE
        form = ReportForm(initial=initial, user=request.user)
        return self.page(request, form)

    def post(self, request):
        form = ReportForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.page(request, form, status=400)
        checked = form.checked
        if checked.format == "pdf":
            return redirect(reverse("reports:print") + "?" + report_query(checked))
        if checked.background:
            report_job_create(actor=request.user, request=checked, calendar=checked.period.calendar)
            return redirect("reports:report")
        content = report_file(user=request.user, request=checked)
        return file_response(*content, language=checked.language)

    def page(self, request, form, status=200):
        jobs = ReportJob.objects.filter(owner=request.user).defer("content")[:RECENT_JOBS]
        context = {**self.picker_context(form), "jobs": jobs}
        return render(request, self.template_name, context, status=status)


class PrintView(PrivatePageMixin, PickerMixin, View):
    """The report as a page to print (or save as PDF) from the browser."""

    def get(self, request):
        data = {key: request.GET.get(key, "") for key in ("scope", "period", "calendar", "lang")}
        form = ReportForm({**data, "format": "pdf"}, user=request.user)
        if not form.is_valid():
            context = {**self.picker_context(form), "jobs": []}
            return render(request, "reports/report.html", context, status=400)
        checked = form.checked
        back_url = reverse("reports:report") + "?" + report_query(checked)
        # The page is the document: in the document's language, not the interface's.
        with translation.override(checked.language):
            report = report_build(user=request.user, scope=checked.scope, period=checked.period)
            html = render_print(
                report, stylesheet_url=staticfiles_storage.url(STYLESHEET), back_url=back_url
            )
        return file_response(None, "text/html; charset=utf-8", html, language=checked.language)


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
        return file_response(job.filename, job.content_type, bytes(content), language=job.language)
