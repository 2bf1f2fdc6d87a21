"""Measure the portal on the synthetic province, each figure beside its limit (SPEC §12).

    make bench                 # 1,000,000 households in 100 wards (generates the data first)
    make bench SCALE=small     # 50,000 households in 20 wards: a quick run
    .venv/bin/python -m bench.run --small --reuse-data --only list,export

Every measurement is a function; one whose module does not exist yet is reported as "not
available", never with a figure. The table goes to stdout and to ``.data/bench/results-<scale>.md``.
"""

import argparse
import csv
import io
import json
import os
import platform
import random
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench import generate as gen
from bench.load import LoadResult, hammer

BASE_DIR = gen.BASE_DIR
DATA_DIR = BASE_DIR / ".data" / "bench"
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8765"))


@dataclass
class Figure:
    """One row of the results table."""

    section: str
    name: str
    value: str
    limit: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Context:
    scale: str
    households: int
    wards: int
    duration: float
    url: str
    figures: list[Figure] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    server: subprocess.Popen | None = None

    def add(self, *args, **kwargs) -> Figure:
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        mark = {True: "met", False: "MISSED", None: ""}[figure.met]
        print(
            f"[{figure.section}] {figure.name}: {figure.value} (limit {figure.limit}) "
            f"{figure.ratio} {figure.target} {mark} {figure.note}".rstrip(),
            flush=True,
        )
        return figure

    def unavailable(self, section: str, name: str, why: str) -> None:
        self.add(section, name, "not available", note=why)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def per_s(value: float) -> str:
    return f"{value:,.0f}/s"


# ------------------------------------------------------------------------------------------------
# Database helpers


def raw_connection(ctx: Context):
    import psycopg

    return psycopg.connect(ctx.url, autocommit=True)


def timed_sql(ctx: Context, sql: str, params=None) -> float:
    with raw_connection(ctx) as conn:
        started = time.perf_counter()
        conn.execute(sql, params)
        return time.perf_counter() - started


def copy_file_in(conn, table: str, columns: list[str], path: Path) -> float:
    """COPY a CSV file into ``table``; the seconds it took (the file is already written)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, HEADER true)"
    started = time.perf_counter()
    with conn.cursor() as cursor, cursor.copy(sql) as copy, path.open("rb") as source:
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    return time.perf_counter() - started


# ------------------------------------------------------------------------------------------------
# Data


def csv_rows(ctx: Context) -> int:
    """1,000,000 rows at full scale (the households count at others)."""
    return 1_000_000 if ctx.scale == "full" else ctx.households


BARE_COLUMNS = ["ward_id", "group_id", "code", "address", "head_name", "member_count", "phone"]
IMPORT_HEADER = ["code", "head_name", "group", "address", "member_count", "phone"]


def prepare_csv(ctx: Context) -> None:
    """The same household rows twice: for the bare COPY (ids) and for the importer (names).

    They belong to a ward outside the synthetic province, with its own residential groups, so
    importing them collides with nothing.
    """
    from households.models import ResidentialGroup, Ward

    rows = csv_rows(ctx)
    used = set(ctx.facts["wards"])
    ward = Ward.objects.exclude(id__in=used).order_by("-code").first()
    if ward is None:
        raise SystemExit("The territory has no ward outside the benchmark province to import into.")
    groups = []
    for n in range(1, 21):
        group, _created = ResidentialGroup.objects.get_or_create(
            ward=ward, name=f"Tổ dân phố số {n}"
        )
        groups.append(group)
    remove_imported(ward)
    ctx.facts["import_ward"] = ward
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    bare_path = DATA_DIR / f"households-{rows}-{ward.id}-bare.csv"
    import_path = DATA_DIR / f"households-{rows}-{ward.id}-import.csv"
    ctx.facts["bare_csv"], ctx.facts["import_csv"] = bare_path, import_path
    if bare_path.exists() and import_path.exists():
        return  # the same seed, ward and groups: the files written by an earlier run
    rng = random.Random(gen.SEED)
    with (
        bare_path.open("w", newline="", encoding="utf-8") as bare_file,
        import_path.open("w", newline="", encoding="utf-8") as import_file,
    ):
        bare, imported = csv.writer(bare_file), csv.writer(import_file)
        bare.writerow(BARE_COLUMNS)
        imported.writerow(IMPORT_HEADER)
        for n in range(rows):
            group = groups[n % len(groups)]
            code = f"BN{n + 1:07d}"
            address = f"Số {rng.randint(1, 400)}, đường {rng.choice(gen.STREETS)}"
            name = gen.person(rng)
            members = rng.randint(1, 8)
            phone = f"09{rng.randrange(10**8):08d}"
            bare.writerow([ward.id, group.id, code, address, name, members, phone])
            imported.writerow([code, name, group.name, address, members, phone])


# ------------------------------------------------------------------------------------------------
# a. Baselines


def measure_copy(ctx: Context) -> None:
    """Plain COPY of the households CSV into a bare table with the households table's indexes."""
    path = ctx.facts["bare_csv"]
    with raw_connection(ctx) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_bare_household")
        # The same columns, defaults, checks and indexes; no triggers and no foreign keys.
        conn.execute(
            "CREATE TABLE bench_bare_household (LIKE households_household INCLUDING DEFAULTS "
            "INCLUDING CONSTRAINTS INCLUDING INDEXES)"
        )
        conn.execute(
            "ALTER TABLE bench_bare_household ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY"
        )
        # Django keeps these defaults in Python; the bare table gets them in the database.
        for column, default in (
            ("created_at", "now()"),
            ("updated_at", "now()"),
            ("version", "1"),
            ("residence", "'permanent'"),
            ("active", "true"),
        ):
            conn.execute(
                f"ALTER TABLE bench_bare_household ALTER COLUMN {column} SET DEFAULT {default}"
            )
        with conn.transaction():
            took = copy_file_in(conn, "bench_bare_household", BARE_COLUMNS, path)
        conn.execute("DROP TABLE bench_bare_household")
    rows = csv_rows(ctx)
    ctx.facts["copy_rate"] = rows / took
    ctx.add("a", f"COPY {rows:,} households (bare table)", per_s(rows / took), note=f"{took:.1f} s")


# The hand-written aggregation over the same source rows the rollup reads: one row per ward,
# day and metric for the flows, per ward for the stocks.
GROUP_BY_SQL = """
INSERT INTO bench_bare_rollup (ward_id, day, metric, value)
SELECT ward_id, (occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'incidents.' || category,
       count(*) FROM incidents_incident GROUP BY 1, 2, 3
UNION ALL
SELECT ward_id, (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'tips', count(*)
  FROM incidents_tip GROUP BY 1, 2
UNION ALL
SELECT ward_id, held_on, 'outreach_attendees', sum(attendees) FROM movement_outreachsession
 GROUP BY 1, 2
UNION ALL
SELECT ward_id, received_on, 'mediation.' || outcome, count(*) FROM movement_mediationcase
 GROUP BY 1, 2, 3
UNION ALL
SELECT ward_id, signed_on, 'commitments.' || kind, count(*) FROM movement_commitment
 GROUP BY 1, 2, 3
UNION ALL
SELECT ward_id, contributed_on, 'contributions_vnd', sum(amount_vnd) FROM cameras_contribution
 GROUP BY 1, 2
UNION ALL
SELECT ward_id, installed_on, 'cameras.' || owner_kind, count(*) FROM cameras_camera
 GROUP BY 1, 2, 3
UNION ALL
SELECT ward_id, recorded_on, 'vneid_level2_activated', sum(vneid_level2_activated)
  FROM movement_eidtally GROUP BY 1, 2
UNION ALL
SELECT ward_id, (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'households', count(*)
  FROM households_household GROUP BY 1, 2
UNION ALL
SELECT ward_id, (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'residents',
       sum(member_count) FROM households_household GROUP BY 1, 2
UNION ALL
SELECT t.ward_id, m.joined_on, 'team_members.' || t.kind, count(*)
  FROM movement_teammember m JOIN movement_team t ON t.id = m.team_id GROUP BY 1, 2, 3
"""


def measure_group_by(ctx: Context) -> None:
    """The hand-written INSERT … SELECT … GROUP BY into a bare table: the rollup's limit."""
    with raw_connection(ctx) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_bare_rollup")
        conn.execute(
            "CREATE TABLE bench_bare_rollup (ward_id bigint NOT NULL, day date, "
            "metric text NOT NULL, value numeric NOT NULL)"
        )
        started = time.perf_counter()
        with conn.transaction():
            conn.execute(GROUP_BY_SQL)
        took = time.perf_counter() - started
        written = conn.execute("SELECT count(*) FROM bench_bare_rollup").fetchone()[0]
        conn.execute("DROP TABLE bench_bare_rollup")
    sources = sum(
        ctx.facts["tables"].get(t, 0)
        for t in (
            "incidents_incident",
            "incidents_tip",
            "movement_outreachsession",
            "movement_mediationcase",
            "movement_commitment",
            "cameras_contribution",
            "cameras_camera",
            "movement_eidtally",
            "households_household",
            "movement_teammember",
        )
    )
    ctx.facts["group_by_seconds"] = took
    ctx.add(
        "a",
        "INSERT … SELECT … GROUP BY (bare table)",
        f"{took:.2f} s",
        note=f"{sources:,} source rows → {written:,} ward×day×metric rows",
    )


# ------------------------------------------------------------------------------------------------
# The server


def start_server(ctx: Context) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": ctx.url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    # Our own gunicorn with fixed arguments: nothing comes from outside.
    ctx.server = subprocess.Popen(  # noqa: S603
        [
            str(BASE_DIR / ".venv" / "bin" / "gunicorn"),
            "wardsecurity.wsgi:application",
            *("--workers", "2", "--bind", f"{HOST}:{PORT}", "--log-level", "warning"),
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    import http.client

    for _ in range(120):
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=5)
            conn.request("GET", "/bench/bare/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /bench/bare/")


def stop_server(ctx: Context) -> None:
    if ctx.server and ctx.server.poll() is None:
        os.killpg(ctx.server.pid, signal.SIGTERM)
        ctx.server.wait(timeout=30)


def bench_users(ctx: Context) -> None:
    """A steering viewer of the synthetic province (lists) and an administrator (police-only)."""
    from django.contrib.auth import get_user_model

    from households.models import Ward
    from wardsecurity.api.authentication import token_issue

    user_model = get_user_model()
    province_id = Ward.objects.get(id=ctx.facts["wards"][0]).province_id
    viewer, _created = user_model.objects.update_or_create(
        username="bench.viewer",
        defaults={
            "role": "steering_viewer",
            "scope_kind": "province",
            "scope_province_id": province_id,
        },
    )
    admin = user_model.objects.get(username="bench.admin")
    ctx.facts["viewer_token"] = token_issue(user=viewer, name="bench")[0]
    ctx.facts["admin_token"] = token_issue(user=admin, name="bench")[0]
    ctx.facts["viewer"], ctx.facts["admin"] = viewer, admin


def auth(ctx: Context, who: str = "viewer") -> dict:
    return {"Authorization": f"Bearer {ctx.facts[f'{who}_token']}"}


def load(ctx: Context, paths: list[str], who: str | None = "viewer") -> LoadResult:
    result = hammer(
        HOST,
        PORT,
        paths,
        headers=auth(ctx, who) if who else None,
        concurrency=2,
        duration=ctx.duration,
    )
    return result


def measure_bare(ctx: Context) -> None:
    """The limit of every HTTP figure: the bare Django JSON view, same gunicorn, same client."""
    result = load(ctx, ["/bench/bare/"], who=None)
    ctx.facts["bare"] = result
    ctx.add(
        "a",
        "bare Django JSON view (gunicorn, 2 workers)",
        f"{per_s(result.rate)}, p50 {ms(result.p50)}, p95 {ms(result.p95)}",
        note=f"{result.requests:,} requests, 2 client threads",
    )


def http_figure(ctx: Context, section: str, name: str, result: LoadResult, *, share: float):
    """Latency and throughput beside the bare view: p95 < 100 ms and ≥ ``share`` × its rate."""
    bare = ctx.facts["bare"]
    ratio = result.rate / bare.rate
    met = result.p95 < 0.100 and ratio >= share and result.ok
    failed = result.requests - result.statuses.get(200, 0)
    ctx.add(
        section,
        name,
        f"{per_s(result.rate)}, p50 {ms(result.p50)}, p95 {ms(result.p95)}",
        limit=f"{per_s(bare.rate)}, p95 {ms(bare.p95)}",
        ratio=f"{ratio:.2f}×",
        target=f"p95 < 100 ms, ≥ {share}× bare",
        met=met,
        note=f"{failed} of {result.requests} requests failed {result.statuses}" if failed else "",
    )


# ------------------------------------------------------------------------------------------------
# b. List API


def ward_ids_by_size(ctx: Context) -> list[int]:
    """The province's wards, most households first (computed once per run)."""
    from django.db.models import Count

    from households.models import Household

    if "wards_by_size" not in ctx.facts:
        ctx.facts["wards_by_size"] = list(
            Household.objects.filter(ward_id__in=ctx.facts["wards"])
            .values("ward_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("ward_id", flat=True)
        )
    return ctx.facts["wards_by_size"]


def measure_lists(ctx: Context) -> None:
    wards = ward_ids_by_size(ctx)
    largest, median = wards[:3], wards[len(wards) // 2]
    base = "/api/v1/households/"
    scenarios = [
        ("households, ward filter (3 largest wards)", [f"{base}?ward={w}" for w in largest]),
        (
            "households, ward filter + search",
            [f"{base}?ward={largest[0]}&search=le+minh", f"{base}?ward={median}&search=hung"],
        ),
        ("households, no filter (province scope, page 1)", [base]),
        ("households, page 200 of a ward", [f"{base}?ward={largest[0]}&page=200"]),
        (
            "incidents, ward filter + date range (police view)",
            [f"/api/v1/incidents/?ward={w}&occurred_at_after=2025-01-01" for w in largest],
        ),
        # Last: without a ward, the unindexed search may outlast gunicorn's 30 s timeout.
        (
            "households, search, whole province (common and rare names)",
            [f"{base}?search=nguyen+van", f"{base}?search=tran+thi+lan", f"{base}?search=ta+xuan"],
        ),
    ]
    for name, paths in scenarios:
        who = "admin" if "incidents" in name else "viewer"
        http_figure(ctx, "b", name, load(ctx, paths, who=who), share=0.15)


def measure_cursor(ctx: Context) -> None:
    """Cursor pages (``?cursor=``) walk a big list without counting it."""
    import http.client

    base = "/api/v1/households/?cursor="
    conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
    conn.request("GET", base, headers=auth(ctx))
    response = conn.getresponse()
    body = json.loads(response.read())
    if response.status != 200 or "next" not in body or "count" in body:
        ctx.unavailable("b", "households, cursor pages", f"answered {response.status}")
        return
    paths, following = [], body["next"]
    for _ in range(10):
        if not following:
            break
        path = following.split(f"{HOST}:{PORT}", 1)[-1]
        paths.append(path)
        conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
        conn.request("GET", path, headers=auth(ctx))
        following = json.loads(conn.getresponse().read()).get("next")
    http_figure(
        ctx, "b", "households, cursor pages 2–11 (province scope)", load(ctx, paths), share=0.15
    )


# ------------------------------------------------------------------------------------------------
# c. Export memory

EXPORT_PROBE = r"""
import json, os, resource, sys, time
import django
django.setup()
from django.test import Client
mode, target = sys.argv[1], sys.argv[2]
floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
size = 0
if mode == "copy":
    from django.db import connection
    connection.ensure_connection()
    with connection.connection.cursor() as c, c.copy(target) as copy:
        for chunk in copy:
            size += len(chunk)
elif mode == "job":
    # What the worker runs for an export past EXPORT_SYNC_LIMIT rows: the owner's whole list.
    from django.contrib.auth import get_user_model
    from wardsecurity.models import ExportJob
    from wardsecurity.portal.export_jobs import export_job_run, export_root
    owner = get_user_model().objects.get(username="bench.admin")
    job = ExportJob.objects.create(owner=owner, entity=target, query="", format="csv",
                                   language="vi")
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    if job.status != "done":
        print(json.dumps({"status": job.status})); sys.exit(0)
    path = export_root() / job.file_path
    size = path.stat().st_size
    path.unlink()
    job.delete()
else:
    from django.contrib.auth import get_user_model
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench.admin"))
    response = client.get(target)
    if response.status_code != 200:
        print(json.dumps({"status": response.status_code})); sys.exit(0)
    for chunk in response.streaming_content if response.streaming else [response.content]:
        size += len(chunk)
print(json.dumps({"status": 200, "floor_kb": floor, "peak_kb":
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "bytes": size,
    "seconds": time.perf_counter() - started}))
"""


def probe(ctx: Context, mode: str, target: str) -> dict:
    env = {**os.environ, "DATABASE_URL": ctx.url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    done = subprocess.run(  # noqa: S603 - our interpreter, our probe script
        [sys.executable, "-c", EXPORT_PROBE, mode, target],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_export(ctx: Context) -> None:
    """Peak RSS of a process that exports every household in scope, beside raw COPY TO."""
    limit = probe(ctx, "copy", "COPY households_household TO STDOUT WITH (FORMAT csv)")
    ctx.add(
        "c",
        "COPY TO STDOUT of all households (same process kind)",
        f"peak RSS {limit['peak_kb'] / 1024:.0f} MB",
        note=f"{limit['bytes'] / 1e6:.0f} MB in {limit['seconds']:.1f} s; "
        f"process floor {limit['floor_kb'] / 1024:.0f} MB",
    )
    # Past EXPORT_SYNC_LIMIT rows the portal exports in a background job (the worker's process).
    result = probe(ctx, "job", "households.household")
    if result["status"] != 200:
        ctx.unavailable("c", "export job of all households", f"job {result['status']}")
        return
    peak = result["peak_kb"] / 1024
    rows = ctx.facts["tables"]["households_household"]
    ctx.add(
        "c",
        f"portal CSV export job of all households ({rows:,}, rows/s"
        f" {rows / result['seconds']:,.0f})",
        f"peak RSS {peak:.0f} MB",
        limit=f"{limit['peak_kb'] / 1024:.0f} MB",
        ratio=f"{peak / (limit['peak_kb'] / 1024):.2f}×",
        target="< 200 MB",
        met=peak < 200,
        note=f"{result['bytes'] / 1e6:.0f} MB in {result['seconds']:.1f} s",
    )


# ------------------------------------------------------------------------------------------------
# d. Statistics


def measure_stats(ctx: Context) -> None:
    try:
        from reports.statistics import rollup
    except ImportError as exc:
        ctx.unavailable("d", "rollup rebuild", f"reports.statistics.rollup: {exc}")
        return
    if not hasattr(rollup, "rebuild"):
        ctx.unavailable("d", "rollup rebuild", "reports.statistics.rollup.rebuild missing")
        return
    started = time.perf_counter()
    rollup.rebuild()
    took = time.perf_counter() - started
    limit = ctx.facts["group_by_seconds"]
    ctx.add(
        "d",
        "rollup full rebuild",
        f"{took:.2f} s",
        limit=f"{limit:.2f} s (GROUP BY)",
        ratio=f"{took / limit:.2f}×",
        target="≤ 1.5× GROUP BY",
        met=took <= 1.5 * limit,
    )
    measure_incremental(ctx, rollup)
    measure_stats_api(ctx)


def measure_incremental(ctx: Context, rollup) -> None:
    """One changed record, then ten in ten wards: the work follows the dirty buckets."""
    from django.db import connection

    from incidents.models import Incident
    from incidents.services import incident_update

    admin = ctx.facts["admin"]
    timings = {}
    for count in (1, 10):
        wards = ward_ids_by_size(ctx)[:count]
        changed = [Incident.objects.filter(ward_id=w).latest("id") for w in wards]
        started = time.perf_counter()
        for incident in changed:
            incident_update(
                actor=admin,
                instance=incident,
                data={"suspects": incident.suspects + 1},
                expected_version=None,
            )
        buckets = rollup.process_dirty(wait=True)
        timings[count] = (time.perf_counter() - started, buckets)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_statday")
        total_buckets = cursor.fetchone()[0]
    one, ten = timings[1], timings[10]
    ctx.add(
        "d",
        "incremental update: 1 incident changed → rollup current",
        f"{one[0]:.2f} s ({one[1]} dirty bucket(s))",
        limit=f"rollup size: {total_buckets:,} day rows",
        target="≤ 2 s",
        met=one[0] <= 2,
        note=f"10 incidents in 10 wards: {ten[0]:.2f} s ({ten[1]} buckets)",
    )


def measure_stats_api(ctx: Context) -> None:
    import http.client

    from households.models import Ward

    ward = Ward.objects.get(id=ward_ids_by_size(ctx)[0])
    province = ward.province.code
    year = date.today().year - 1
    conn = http.client.HTTPConnection(HOST, PORT, timeout=60)
    conn.request("GET", f"/api/v1/stats/?scope=all&period=year:{year}", headers=auth(ctx))
    if conn.getresponse().status != 200:
        ctx.unavailable("d", "stats API", "GET /api/v1/stats/ does not answer 200")
        return
    for label, scope in (("one ward", f"ward:{ward.code}"), ("province", f"province:{province}")):
        # Cold: a different period on every request, so no answer can come from a cache.
        cold = [
            f"/api/v1/stats/?scope={scope}&period=range:{year}-01-01..{year}-{m:02d}-{d:02d}"
            f"&compare=same_period"
            for m in range(1, 13)
            for d in range(1, 29)
        ]
        warm = [f"/api/v1/stats/?scope={scope}&period=year:{year}&compare=same_period"]
        name = f"stats API, {label} × one year"
        http_figure(ctx, "d", f"{name}, uncached", load(ctx, cold), share=0)
        http_figure(ctx, "d", f"{name}, repeated", load(ctx, warm), share=0.5)


# ------------------------------------------------------------------------------------------------
# e. Import


def remove_imported(ward) -> None:
    """Put the province back as generated: the imported ward's households and their history
    go, and the tables are vacuumed (this server runs without autovacuum: a run's dead rows
    would slow the next one)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM households_household WHERE ward_id = %s", [ward.id])
        cursor.execute("DELETE FROM households_householdevent WHERE ward_id = %s", [ward.id])
        # Under replica the households' trigger does not remove their search words.
        cursor.execute("DELETE FROM households_householdsearchwords WHERE ward_id = %s", [ward.id])
        cursor.execute("SET session_replication_role = origin")
        cursor.execute(
            "VACUUM (ANALYZE) households_household, households_householdevent,"
            " households_householdsearchwords"
        )


def measure_import(ctx: Context) -> None:
    try:
        from imports.services import import_run
    except ImportError as exc:
        ctx.unavailable("e", "households CSV import", f"imports.services.import_run: {exc}")
        return
    if "copy_rate" not in ctx.facts:
        ctx.unavailable("e", "households CSV import", "the plain COPY limit was not measured")
        return
    ward = ctx.facts["import_ward"]
    rows = csv_rows(ctx)
    remove_imported(ward)  # what an interrupted earlier run may have left
    started = time.perf_counter()
    batch = import_run(
        actor=ctx.facts["admin"], ward=ward, kind="households", path=ctx.facts["import_csv"]
    )
    took = time.perf_counter() - started
    from households.models import Household

    created = Household.objects.filter(ward=ward).count()
    remove_imported(ward)
    if created != rows:
        ctx.add(
            "e",
            f"households CSV import ({rows:,} rows)",
            "failed",
            note=f"status {batch.status}, {created:,} rows created",
        )
        return
    limit = ctx.facts["copy_rate"]
    ratio = rows / took / limit
    ctx.add(
        "e",
        f"households CSV import ({rows:,} rows, imports.services.import_run)",
        per_s(rows / took),
        limit=f"{per_s(limit)} (plain COPY)",
        ratio=f"{ratio:.2f}×",
        target="≥ 0.5× COPY",
        met=ratio >= 0.5,
        note=f"{took:.1f} s end to end",
    )


# ------------------------------------------------------------------------------------------------
# f. Reporting chain


def measure_reporting(ctx: Context) -> None:
    """Reports of the province and of every ward generated, then measured (``bench.reporting``)."""
    try:
        from bench import reporting
        from reporting import completeness  # noqa: F401
    except ImportError as exc:
        ctx.unavailable("f", "reporting chain", f"reporting: {exc}")
        return
    reporting.measure(ctx)


# ------------------------------------------------------------------------------------------------


MEASUREMENTS = {
    "copy": measure_copy,
    "groupby": measure_group_by,
    "lists": measure_lists,
    "cursor": measure_cursor,
    "export": measure_export,
    "stats": measure_stats,
    "import": measure_import,
    "reporting": measure_reporting,
}
NEEDS_SERVER = {"lists", "cursor", "stats", "reporting"}


def machine() -> str:
    import psutil

    with raw_connection_url(gen.bench_url()) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, PostgreSQL {pg}, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )


def raw_connection_url(url):
    import psycopg

    return psycopg.connect(url)


def table(ctx: Context) -> str:
    out = io.StringIO()
    out.write(f"Scale: {ctx.households:,} households in {ctx.wards} wards ({ctx.scale}); ")
    out.write(f"{ctx.facts.get('rows', 0):,} generated rows. Machine: {ctx.facts['machine']}.\n\n")
    out.write("| | measurement | figure | limit (same run) | ratio | target | met |\n")
    out.write("|---|---|---|---|---|---|---|\n")
    for f in ctx.figures:
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        name = f"{f.name} — {f.note}" if f.note else f.name
        cells = [f.section, name, f.value, f.limit, f.ratio, f.target, met]
        out.write("| " + " | ".join(cells) + " |\n")
    return out.getvalue()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--households", type=int)
    parser.add_argument("--wards", type=int)
    parser.add_argument("--reuse-data", action="store_true", help="skip generation")
    parser.add_argument("--only", help=f"comma-separated: {','.join(MEASUREMENTS)}")
    parser.add_argument("--duration", type=float, help="seconds of load per HTTP scenario")
    args = parser.parse_args(argv)
    scale_name = "small" if args.small else "full"
    scale = dict(gen.SCALES[scale_name])
    if args.households:
        scale["households"], scale_name = args.households, "custom"
    if args.wards:
        scale["wards"], scale_name = args.wards, "custom"
    url = gen.bench_url()
    ctx = Context(
        scale_name,
        scale["households"],
        scale["wards"],
        args.duration or (8.0 if scale_name == "small" else 15.0),
        url,
    )
    gen.ensure_database(url)
    gen.manage(url, "migrate", "--no-input", "-v0")
    if not args.reuse_data:
        gen.manage(url, "load_territory")
    gen.setup_django(url)
    if args.reuse_data:
        from django.db import connection

        from bench.schema import domain_models

        with connection.cursor() as cursor:
            for model in domain_models():
                table_name = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"SELECT count(*) FROM {table_name}")  # noqa: S608 - a model's table
                ctx.facts.setdefault("tables", {})[model._meta.db_table] = cursor.fetchone()[0]
            cursor.execute(
                "SELECT DISTINCT ward_id FROM households_household ORDER BY ward_id LIMIT %s",
                [scale["wards"]],
            )
            ctx.facts["wards"] = [row[0] for row in cursor.fetchall()]
        ctx.facts["rows"] = sum(ctx.facts["tables"].values())
    else:
        generated = gen.generate(households=scale["households"], wards=scale["wards"])
        ctx.facts.update(tables=generated["tables"], wards=generated["wards"])
        ctx.facts["rows"] = generated["rows"]
        ctx.add(
            "—",
            "data generation (Python + COPY, triggers bypassed)",
            f"{generated['rows'] / generated['seconds']:,.0f} rows/s",
            note=f"{generated['rows']:,} rows in {generated['seconds']:.0f} s",
        )
    ctx.facts["machine"] = machine()
    wanted = args.only.split(",") if args.only else list(MEASUREMENTS)
    from django.contrib.auth import get_user_model

    gen.bench_officer(get_user_model())
    bench_users(ctx)
    plan = [key for key in MEASUREMENTS if key in wanted]
    # The rollup is set beside the GROUP BY, the importer beside COPY: measure the limit too.
    if "stats" in plan and "groupby" not in plan:
        plan.insert(0, "groupby")
    if "import" in plan and "copy" not in plan:
        plan.insert(0, "copy")
    if {"copy", "import"} & set(plan):
        prepare_csv(ctx)
    # A terminated run still stops its gunicorn (started in its own session).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        if NEEDS_SERVER & set(plan):
            start_server(ctx)
            measure_bare(ctx)
        for key in plan:
            try:
                MEASUREMENTS[key](ctx)
            except Exception as exc:  # one failing measurement must not hide the others
                traceback.print_exc()
                ctx.add(key, key, "error", note=f"{type(exc).__name__}: {str(exc)[:200]}")
    finally:
        stop_server(ctx)
    report = table(ctx)
    print("\n" + report)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    suffix = "-" + "-".join(plan) if args.only else ""
    out = DATA_DIR / f"results-{scale_name}{suffix}.md"
    out.write_text(f"# Benchmark results ({date.today().isoformat()})\n\n{report}")
    print(f"written to {out.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
