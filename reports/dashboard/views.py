"""The dashboard page (SPEC §9): KPI tiles, monthly trends, the ward ranking, the groups."""

import datetime as dt

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views import View

from reports.dashboard import content
from reports.figures.picker import PickerForm, PickerMixin, selection_query
from reports.statistics.metrics import METRICS
from reports.statistics.selectors import stats_for
from wardsecurity.period_spec import CIVIL
from wardsecurity.portal.views import PrivatePageMixin

RANKING_ROWS = 100


class DashboardView(PrivatePageMixin, PickerMixin, View):
    """KPI tiles, monthly trends, the ward ranking and the group drill-down, for every role."""

    def get(self, request):
        user = request.user
        data = {
            "scope": request.GET.get("scope") or "all",
            "period": request.GET.get("period") or f"ytd:{timezone.localdate().isoformat()}",
            "calendar": request.GET.get("calendar") or CIVIL,
        }
        form = PickerForm(data, user=user)
        context = self.picker_context(form)
        if not form.is_valid():
            return render(request, "reports/dashboard.html", context, status=400)
        rank = request.GET.get("rank")
        context.update(self.figures(user, form.checked, rank))
        return render(request, "reports/dashboard.html", context)

    def figures(self, user, checked, rank):
        """Three reads of the statistics, whatever the number of wards (SPEC §12)."""
        scope, period = checked.scope, checked.period
        rank = rank if rank in content.RANKING else "commitment_coverage_pct"
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
            "tiles": content.tiles(main["metrics"]),
            "trends": trends,
            "rank": rank,
            "rank_choices": [(k, str(METRICS[k].label)) for k in content.RANKING],
            "table_headers": content.ranking_headers(),
            "report_url": reverse("reports:report") + "?" + selection_query(checked),
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
        return context
