"""The reporting chain at scale (issue 13): data generated set-based, then measured.

The wards of the main province (the one holding the most generated households: its generated
wards and its others) get 24 monthly reports each, in mixed states, with the 12
manual indicators of every month and an annual report of the last year (the consolidated report
reads the accepted ones). Every other ward of the territory
gets the 12 latest monthly reports, so ``scope=all`` is the national view (3,321 wards × 12
months with the full territory). Rows are written with COPY and explicit ids, history triggers
bypassed (``session_replication_role = replica``), as ``bench.generate`` does; no service is
called per row.

Measured interleaved with their limits (``bench.run.http_pair``: the same SQL in a minimal view;
python-docx writing a plain document for the .docx):

- the completeness page and API of the province for the latest due month: p95 < 200 ms;
- the consolidated report of the province × last year as .docx (the path the due-date summary
  takes: ``reporting.notifications``), in-process: < 2 s, beside python-docx writing a document
  of as many paragraphs;
- the national completeness page and API (every ward × the latest month, and the year table of
  the monthly reports): p95 < 1 s.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bench import generate as gen

if TYPE_CHECKING:
    from bench.run import Context

MONTHS_PROVINCE = 24
MONTHS_NATIONAL = 12
# State of a month's report: (not started, draft, submitted, returned, accepted) weights; the
# latest month is still being sent and reviewed, older ones are mostly accepted.
LATEST_WEIGHTS = (15, 10, 30, 5, 40)
OLDER_WEIGHTS = (4, 3, 4, 3, 86)
STATES = ("none", "draft", "submitted", "returned", "accepted")
ON_TIME_SHARE = 0.8
NARRATIVE = {
    "assessment": "Tình hình an ninh chính trị, trật tự an toàn xã hội cơ bản ổn định.",
    "shortcomings": "Một số tổ dân phố chưa duy trì thường xuyên việc tuần tra ban đêm.",
    "directions": "Tiếp tục đẩy mạnh phong trào Toàn dân bảo vệ an ninh Tổ quốc.",
    "proposals": "Đề nghị Công an tỉnh hỗ trợ kinh phí lắp đặt camera an ninh.",
}
RETURN_COMMENT = "Đề nghị bổ sung số liệu tuần tra và ký đúng thẩm quyền."


def copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return gen.N
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def columns_of(model) -> list[tuple[str, str]]:
    """``(attname, column)`` of the model's concrete columns, in order."""
    return [(f.attname, f.column) for f in model._meta.concrete_fields]


def latest_months(count: int) -> list:
    """The ``count`` latest monthly reporting periods, the latest one due first."""
    from reporting.completeness import default_period
    from reporting.models import period_spec, reporting_period

    period = default_period()
    year, month = period.year or period.end.year, period.number or period.end.month
    found = []
    for _n in range(count):
        found.append(reporting_period(period_spec("month", year, month)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return found


def snapshot_template(ward_id: int, spec: str, admin) -> dict[str, Any]:
    """A real snapshot (``reporting.content.take_snapshot``) of one ward's report, once: the
    shape every generated snapshot of the province copies with its own figures."""
    from households.models import Ward
    from reporting.content import take_snapshot
    from reporting.models import PeriodReport

    report = PeriodReport(ward=Ward.objects.select_related("province").get(id=ward_id), period=spec)
    report.derive_fields()
    return take_snapshot(report=report, user=admin)


def varied(template: dict[str, Any], rng: random.Random, ward, spec: str) -> dict[str, Any]:
    """The template with this ward's own figures (ratios keep their parts consistent)."""
    snapshot = json.loads(json.dumps(template))
    snapshot["ward"] = {"id": ward[0], "code": ward[1], "name": ward[2]}
    snapshot.setdefault("period", {})["spec"] = spec
    for entry in snapshot.get("metrics", {}).values():
        if "numerator" in entry:
            denominator = rng.randint(50, 4000)
            numerator = rng.randint(0, denominator)
            entry.update(numerator=numerator, denominator=denominator)
            entry["value"] = round(100 * numerator / denominator, 1)
        else:
            entry["value"] = rng.randint(0, 60)
            entry["previous"] = rng.randint(0, 60)
    return snapshot


def generate(ctx: Context) -> dict[str, Any]:
    """Empty the reporting tables and fill them (COPY, explicit ids); counts and seconds."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from households.models import Ward
    from reporting import completeness
    from reporting.models import (
        ConsolidatedReport,
        ManualIndicator,
        ManualIndicatorValue,
        PeriodReport,
        PeriodReportTransition,
        reporting_period,
    )

    rng = random.Random(gen.SEED + 13)
    due_days = completeness._due_days()
    due_dates: dict[str, date] = {}
    started = time.perf_counter()
    user_model = get_user_model()
    admin = user_model.objects.get(username="bench.admin")
    province_wards = list(ctx.facts["wards"])
    province_id = Ward.objects.get(id=province_wards[0]).province_id
    officer, _created = user_model.objects.update_or_create(
        username="bench.officer",
        defaults={"role": "ward_police", "scope_kind": "ward", "scope_ward_id": province_wards[0]},
    )
    reviewer, _created = user_model.objects.update_or_create(
        username="bench.reviewer",
        defaults={
            "role": "province_reviewer",
            "scope_kind": "province",
            "scope_province_id": province_id,
            "scope_ward_id": None,
        },
    )
    national, _created = user_model.objects.update_or_create(
        username="bench.national",
        defaults={"role": "steering_viewer", "scope_kind": "all", "scope_ward_id": None},
    )
    ctx.facts.update(reviewer=reviewer, national=national)
    months = latest_months(MONTHS_PROVINCE)
    last_year = reporting_period(f"year:{months[0].end.year - 1}")
    ctx.facts.update(report_months=months, report_year=last_year)
    wards = list(Ward.objects.order_by("id").values_list("id", "code", "name", "province_id"))
    # Every ward of the synthetic province's real province (168 with the full territory, the
    # benchmark's 100 among them): the completeness and the consolidated report read them all.
    in_province = {ward[0] for ward in wards if ward[3] == province_id}
    indicators = list(ManualIndicator.objects.order_by("id").values_list("id", "code"))

    closed = PeriodReport.closed_periods.through._meta.db_table
    tables = [
        m._meta.db_table
        for m in (PeriodReportTransition, ManualIndicatorValue, PeriodReport, ConsolidatedReport)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join([closed, *tables])} RESTART IDENTITY CASCADE")
    template = snapshot_template(province_wards[0], months[0].spec, admin)
    # Outside the province a submitted report keeps a small snapshot: completeness never reads
    # the snapshot (a large one is TOASTed out of the row), only the consolidated report does.
    small: dict[str, Any] = {"schema": template.get("schema"), "metrics": {}, "text": {}}

    report_columns = columns_of(PeriodReport)
    transition_columns = columns_of(PeriodReportTransition)
    value_columns = columns_of(ManualIndicatorValue)
    reports: list[list[str]] = []
    transitions: list[list[str]] = []
    values: list[list[str]] = []
    ids = {"report": 0, "transition": 0, "value": 0}

    def local(day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=UTC) - (
            timedelta(hours=7)
        )

    def add_report(ward, period, state: str, snapshot: dict | None) -> None:
        ids["report"] += 1
        pk = ids["report"]
        due = due_dates.setdefault(period.spec, completeness.due_on(period, due_days))
        created = local(period.end - timedelta(days=rng.randrange(1, 6)), 9)
        row: dict[str, Any] = {
            "id": pk,
            "created_at": created,
            "updated_at": created,
            "version": 1,
            "ward_id": ward[0],
            "period": period.spec,
            "kind": period.kind,
            "period_start": period.start,
            "period_end": period.end,
            "due_on": due,
            "number": str(rng.randint(1, 300)),
            "symbol": "BC-CAP",
            "issued_on": period.end,
            "place": ward[2],
            "signer_form": "",
            "signer_for_title": "",
            "signer_title": "Trưởng Công an",
            "signer_name": gen.person(rng),
            "recipients": "- Công an tỉnh;\n- Lưu: VT.",
            "situation_text": "",
            "results_text": "",
            **NARRATIVE,
            "state": state,
            "submitted_at": None,
            "submitted_by_id": None,
            "first_submitted_at": None,
            "reviewed_at": None,
            "reviewed_by_id": None,
            "return_comment": "",
            "snapshot": None,
            "snapshot_digest": "",
        }
        steps: list[tuple[str, str, str, datetime, str]] = []
        if state != "draft":
            on_time = rng.random() < ON_TIME_SHARE
            day = (
                due - timedelta(days=rng.randrange(0, 4))
                if on_time
                else due + timedelta(days=rng.randrange(1, 10))
            )
            first = local(day, rng.randrange(8, 17))
            text = json.dumps(snapshot, ensure_ascii=False, sort_keys=True)
            row.update(
                submitted_at=first,
                submitted_by_id=officer.pk,
                first_submitted_at=first,
                snapshot=text,
                snapshot_digest=hashlib.sha256(text.encode()).hexdigest(),
                version=2,
                updated_at=first,
            )
            steps.append(("submit", "draft", "submitted", first, ""))
            if state == "returned":
                back = first + timedelta(days=1)
                row.update(reviewed_at=back, reviewed_by_id=reviewer.pk)
                row.update(return_comment=RETURN_COMMENT, version=3, updated_at=back)
                steps.append(("return", "submitted", "returned", back, RETURN_COMMENT))
            elif state == "accepted":
                seen = first + timedelta(days=rng.randrange(1, 4))
                row.update(reviewed_at=seen, reviewed_by_id=reviewer.pk, version=3)
                row.update(updated_at=seen)
                steps.append(("accept", "submitted", "accepted", seen, ""))
        reports.append([copy_text(row[name]) for name, _column in report_columns])
        for version, (action, before, after, at, comment) in enumerate(steps, start=2):
            ids["transition"] += 1
            step = {
                "id": ids["transition"],
                "report_id": pk,
                "action": action,
                "from_state": before,
                "to_state": after,
                "actor_id": officer.pk if action == "submit" else reviewer.pk,
                "at": at,
                "comment": comment,
                "snapshot": None,  # the report row holds the submitted snapshot
                "snapshot_digest": "",
                "report_version": version,
            }
            transitions.append([copy_text(step[name]) for name, _column in transition_columns])

    for ward in wards:
        mine = ward[0] in in_province
        for index, period in enumerate(months[: MONTHS_PROVINCE if mine else MONTHS_NATIONAL]):
            weights = LATEST_WEIGHTS if index == 0 else OLDER_WEIGHTS
            state = rng.choices(STATES, weights=weights)[0]
            if mine:
                for indicator_id, code in indicators:
                    ids["value"] += 1
                    when = local(period.end, 10)
                    value = {
                        "id": ids["value"],
                        "created_at": when,
                        "updated_at": when,
                        "version": 1,
                        "ward_id": ward[0],
                        "indicator_id": indicator_id,
                        "indicator_code": code,
                        "period": period.spec,
                        "period_start": period.start,
                        "period_end": period.end,
                        "value": rng.randint(0, 40),
                    }
                    values.append([copy_text(value[name]) for name, _column in value_columns])
            if state == "none":
                continue
            snapshot = varied(template, rng, ward, period.spec) if mine else small
            add_report(ward, period, state, None if state == "draft" else snapshot)
        if mine:
            # The annual report of last year: the consolidated report sums the accepted ones.
            state = rng.choices(("submitted", "accepted"), weights=(5, 95))[0]
            add_report(ward, last_year, state, varied(template, rng, ward, last_year.spec))

    counts = {}
    raw = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        for model, columns, rows in (
            (PeriodReport, report_columns, reports),
            (PeriodReportTransition, transition_columns, transitions),
            (ManualIndicatorValue, value_columns, values),
        ):
            table = model._meta.db_table
            sql = f"COPY {table} ({', '.join(c for _n, c in columns)}) FROM STDIN"
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for start in range(0, len(rows), 5_000):
                    chunk = rows[start : start + 5_000]
                    copy.write("\n".join("\t".join(row) for row in chunk) + "\n")
            counts[table] = len(rows)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")
    with connection.cursor() as cursor:
        from django.core.management.color import no_style

        for sql in connection.ops.sequence_reset_sql(
            no_style(), [PeriodReport, PeriodReportTransition, ManualIndicatorValue]
        ):
            cursor.execute(sql)
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(counts)}")
    took = time.perf_counter() - started
    return {"tables": counts, "rows": sum(counts.values()), "seconds": took}


# ------------------------------------------------------------------------------------------------
# Measurements


def session_cookie(user) -> dict[str, str]:
    """A signed-in browser's cookie for ``user`` (a database session the server reads)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"Cookie": f"{name}={client.cookies[name].value}"}


def bearer(user) -> dict[str, str]:
    from wardsecurity.api.authentication import token_issue

    return {"Authorization": f"Bearer {token_issue(user=user, name='bench-reporting')[0]}"}


def http_limit_figure(
    ctx: Context, key: str, name: str, path: str, headers: dict[str, str], *, limit: float
) -> None:
    """Latency beside the same SQL in the minimal view, interleaved (``bench.run.http_pair``):
    p95 < ``limit`` seconds and every answer a 200."""
    from bench.run import capture, http_pair, register_sql

    limit_path = register_sql(ctx, capture(path, headers))
    http_pair(
        ctx, "f", key, name, [path], [limit_path], headers=headers, limit_name="same SQL", p95=limit
    )


def measure(ctx: Context) -> None:
    """Generate the reports, then: completeness (province, national), consolidated .docx."""
    from urllib.parse import urlencode

    data = generate(ctx)
    ctx.add(
        "f",
        "reporting data generation (COPY, triggers bypassed)",
        f"{data['rows'] / data['seconds']:,.0f} rows/s",
        note=f"{data['rows']:,} rows in {data['seconds']:.1f} s: "
        + ", ".join(f"{t.removeprefix('reporting_')} {n:,}" for t, n in data["tables"].items()),
    )
    from households.models import Province

    reviewer, national = ctx.facts["reviewer"], ctx.facts["national"]
    province = Province.objects.get(pk=reviewer.scope_province_id)
    latest = ctx.facts["report_months"][0]
    year = latest.end.year
    wards = province.wards.count()
    for who, user, scope, limit in (
        (f"province ({wards} wards)", reviewer, f"province:{province.code}", 0.200),
        ("national (every ward)", national, "all", 1.0),
    ):
        page = "/reporting/?" + urlencode({"scope": scope, "period": latest.spec})
        api = "/api/v1/reporting/completeness/?" + urlencode(
            {"scope": scope, "period": latest.spec}
        )
        year_api = "/api/v1/reporting/completeness/year/?" + urlencode(
            {"scope": scope, "year": year}
        )
        cookie, token = session_cookie(user), bearer(user)
        level = "province" if scope != "all" else "national"
        http_limit_figure(
            ctx,
            f"reporting.{level}.page",
            f"completeness page, {who}, {latest.spec} (with the year table's first page)",
            page,
            cookie,
            limit=limit,
        )
        http_limit_figure(
            ctx,
            f"reporting.{level}.api",
            f"completeness API, {who}, {latest.spec}",
            api,
            token,
            limit=limit,
        )
        http_limit_figure(
            ctx,
            f"reporting.{level}.year",
            f"completeness year API, {who}, {year} (monthly reports)",
            year_api,
            token,
            limit=limit,
        )
    measure_consolidated(ctx, reviewer, province)


def measure_consolidated(ctx: Context, reviewer, province) -> None:
    """The province × last year's consolidated report as .docx, as the due-date summary
    builds it, beside python-docx writing a document of as many paragraphs."""
    import io

    import docx

    from bench.load import interleave
    from reporting.completeness import completeness_rates, completeness_scope
    from reporting.consolidation import consolidated_figures
    from reporting.documents.generate import consolidated_file
    from reporting.notifications import summary_source

    period = ctx.facts["report_year"]
    state: dict[str, Any] = {"content": b"", "rates": None}

    def consolidated() -> float:
        started = time.perf_counter()
        scope = completeness_scope(user=reviewer, spec=f"province:{province.code}")
        state["rates"] = completeness_rates(scope=scope, period=period)
        figures = consolidated_figures(scope=scope, period=period)
        _name, _type, state["content"] = consolidated_file(
            summary_source(scope, period, figures), "docx"
        )
        return time.perf_counter() - started

    consolidated()  # once first: the plain document writes the same paragraphs
    made = docx.Document(io.BytesIO(state["content"]))
    paragraphs = [p.text for p in made.paragraphs]
    cells = [c.text for t in made.tables for row in t.rows for c in row.cells]

    def plain_document() -> float:
        started = time.perf_counter()
        plain = docx.Document()
        for text in paragraphs + cells:
            plain.add_paragraph(text)
        plain.save(io.BytesIO())
        return time.perf_counter() - started

    pairs = interleave(consolidated, plain_document, lambda a, b: a / b, pairs=max(5, ctx.pairs))
    took, limit = max(pairs.a), statistics.median(pairs.b)
    rates, content = state["rates"], state["content"]
    ctx.add(
        "f",
        f"consolidated report .docx, {province.name} × {period.spec} "
        f"({rates.accepted if rates else 0} of {rates.wards if rates else 0} wards accepted; "
        f"{len(content) / 1024:.0f} KB; slowest of {len(pairs.a)}, median "
        f"{statistics.median(pairs.a):.2f} s)",
        f"{took:.2f} s",
        limit=f"{limit:.3f} s (python-docx, {len(paragraphs) + len(cells)} paragraphs)",
        ratio=f"{pairs.ratio:.1f}× ({pairs.spread}); {took / 2:.2f}× target",
        target="< 2 s",
        met=took < 2,
        key="reporting.consolidated",
        number=took,
        unit="s",
        limit_number=limit,
        ratio_number=pairs.ratio,
    )
