"""The dashboard page (SPEC §9): KPI tiles, monthly trends, the ward ranking, the groups."""

import datetime as dt

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from reporting.completeness import dashboard_tile
from reports.dashboard import content
from reports.figures.picker import (
    SEARCH_MAX_LENGTH,
    PickerForm,
    PickerMixin,
    picker_query,
    scope_search,
    selection_query,
)
from reports.statistics.metrics import METRICS
from reports.statistics.selectors import stats_for
from wardsecurity.period_spec import CIVIL
from wardsecurity.portal.views import PrivatePageMixin
from wardsecurity.replica import lag_text, replica_reads
from wardsecurity.scope import ALL_WARDS, scope_ward_ids

RANKING_ROWS = 100


class DashboardView(PrivatePageMixin, PickerMixin, View):
    """KPI tiles, monthly trends, the ward ranking and the group drill-down, for every role."""

    def get(self, request):
        user = request.user
        data = {
            "scope": request.GET.get("scope") or "all",
            "period": request.GET.get("period") or f"ytd:{timezone.localdate().isoformat()}",
            "calendar": request.GET.get("calendar") or CIVIL,
            "scope_search": request.GET.get("scope_search") or "",
        }
        form = PickerForm(data, user=user)
        valid = form.is_valid()  # first: the picker shows what the form checked and found
        context = self.picker_context(form)
        if not valid:
            return render(request, "reports/dashboard.html", context, status=400)
        rank = request.GET.get("rank")
        # The figures from the read replica when there is one (wardsecurity.replica).
        with replica_reads():
            context.update(self.figures(user, form.checked, rank))
        return render(request, "reports/dashboard.html", context)

    def figures(self, user, checked, rank):
        """Three reads of the statistics, whatever the number of wards (SPEC §12)."""
        scope, period = checked.scope, checked.period
        rank = rank if rank in content.RANKING else "commitment_coverage_pct"
        dashboard = reverse("reports:dashboard") + "?"
        tiles = [key for key, _better in content.TILES]
        main = stats_for(user=user, scope=scope.spec, period=period, metrics=tiles)
        monthly = stats_for(
            user=user, scope=scope.spec, period=period, metrics=list(content.TRENDS), by="month"
        )
        by = "group" if scope.kind == "ward" else "ward"
        table = stats_for(
            user=user, scope=scope.spec, period=period, metrics=list(content.RANKING), by=by
        )
        trends = content.trends(monthly["breakdown"])
        context = {
            "scope": scope,
            "period": period,
            "compare": main.get("compare")
            and {k: dt.date.fromisoformat(main["compare"][k]) for k in ("start", "end")},
            "as_of": main.get("as_of"),
            "replica_lag": lag_text(main.get("replica_lag")),
            "tiles": content.tiles(main["metrics"]),
            "trends": trends,
            "rank": rank,
            "rank_choices": [(k, str(METRICS[k].label)) for k in content.RANKING],
            "table_headers": content.ranking_headers(),
            "report_url": reverse("reports:report") + "?" + selection_query(checked),
            "whole_url": None,
        }
        # Who has sent the latest monthly report (issue 13): readers of a province or cluster.
        context["completeness"] = dashboard_tile(user=user, scope=scope.spec)
        # Back up from a drill-down, on the same period and order.
        drilled = scope.kind == "ward" and user.scope_kind != user.ScopeKind.WARD
        if scope.kind != "all" and (drilled or scope_ward_ids(user) is ALL_WARDS):
            context["whole_url"] = dashboard + picker_query(scope="all", period=period, rank=rank)
        if by == "ward":

            def drill_down(row):
                ward = f"ward:{row['ward']['code']}"
                return dashboard + picker_query(scope=ward, period=period, rank=rank)

            ranking = content.table_rows(
                table["breakdown"], lambda row: row["ward"]["name"], drill_down, rank
            )
            # A national scope has thousands of wards: the page shows the head of the ranking.
            context["ranking"] = ranking[:RANKING_ROWS]
            context["ranking_total"] = len(ranking)
        else:
            context["groups"] = content.table_rows(
                table["breakdown"], lambda row: row["group"]["name"], lambda row: None, rank
            )
            context["groups_note"] = content.suppression_note(context["groups"])
        return context


class ScopeSearchView(PrivatePageMixin, View):
    """The provinces, clusters and wards of the caller's scope whose name holds ``q`` (the
    scope picker's search, accent-insensitive), as JSON."""

    def get(self, request):
        text = request.GET.get("q", "")[:SEARCH_MAX_LENGTH]
        found = scope_search(user=request.user, text=text)
        return JsonResponse({"results": [option.as_dict() for option in found]})
