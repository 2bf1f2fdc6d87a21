"""Measure the portal at several national-shape sizes, each figure beside its limit (SPEC §12).

    make bench                 # 100,000 and 300,000 households (national shape), ~40 min
    make bench SCALE=small     # 20,000 and 40,000 households: a quick run
    .venv/bin/python -m bench.run --sizes 300000,600000
    .venv/bin/python -m bench.run --households 250000 --reuse-data --only lists,export

Every figure is measured **interleaved with its limit**: a short round of the figure, a short
round of the limit, again, at least three pairs (A B A B A B); the ratio is taken within each
pair and the figure's ratio is the median of those, reported with both raw values. The limits
are the physical floor of the same job: the SQL the portal ran for the same request, executed in
a minimal Django view (lists, uncached reads); the stored bytes of the answer (repeated reads);
COPY (imports); the rollup's own source rows in one INSERT … SELECT … GROUP BY (rebuilds); a
process of the same kind streaming COPY TO STDOUT (the export's peak memory, read from the
process itself).

A measurement whose module does not exist is reported as "not available", never with a figure.
Each size's table goes to stdout and ``.data/bench/results-<size>.md``; the multi-size table,
each figure's slope across sizes and the projection to 27 M households go to
``.data/bench/results-<scale>.md`` and, for a full run, into BENCHMARKS.md (``bench.results``).
"""

import argparse
import csv
import hashlib
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
from datetime import UTC, date, datetime
from pathlib import Path

from bench import generate as gen
from bench.load import LoadResult, Pairs, hammer, interleave, merged, rate_ratio

BASE_DIR = gen.BASE_DIR
DATA_DIR = BASE_DIR / ".data" / "bench"
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "8765"))
SIZES = {
    # Under an hour on this machine (2 cores): 250,000 alone took 22 minutes (December 2026),
    # so 250,000 + 500,000 + 1,000,000 took about two hours.
    "full": [100_000, 300_000],
    "small": [20_000, 40_000],
}
# Authentication is not the job: its queries are left out of a request's captured SQL.
AUTH_TABLES = ("wardsecurity_apitoken", "wardsecurity_user", "django_session")
WARMUP = 2  # unrecorded requests before each round (connections, the worker's first use)


@dataclass
class Figure:
    """One row of the results table; ``key`` names it across sizes, ``number`` is its value."""

    section: str
    name: str
    value: str
    limit: str = ""
    ratio: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""
    key: str = ""
    number: float | None = None
    unit: str = ""
    limit_number: float | None = None
    ratio_number: float | None = None


@dataclass
class Context:
    scale: str
    households: int
    url: str
    round: float  # seconds of one HTTP round (a figure's or its limit's)
    pairs: int
    import_rows: int
    figures: list[Figure] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    server: subprocess.Popen | None = None
    limits: dict = field(default_factory=lambda: {"sql": {}, "bytes": {}})

    @property
    def limits_file(self) -> Path:
        return DATA_DIR / f"limits-{PORT}.json"

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

    def unavailable(self, section: str, name: str, why: str, key: str = "") -> None:
        self.add(section, name, "not available", note=why, key=key)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def per_s(value: float) -> str:
    return f"{value:,.0f}/s"


# ------------------------------------------------------------------------------------------------
# Database helpers


def raw_connection(ctx: Context):
    import psycopg

    return psycopg.connect(ctx.url, autocommit=True)


def copy_file_in(conn, table: str, columns: list[str], path: Path) -> float:
    """COPY a CSV file into ``table``; the seconds it took (the file is already written)."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, HEADER true)"
    started = time.perf_counter()
    with conn.cursor() as cursor, cursor.copy(sql) as copy, path.open("rb") as source:
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    return time.perf_counter() - started


# ------------------------------------------------------------------------------------------------
# Limits served by bench.urls


def save_limits(ctx: Context) -> None:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    temporary = ctx.limits_file.with_suffix(".tmp")
    temporary.write_text(json.dumps(ctx.limits), encoding="utf-8")
    temporary.replace(ctx.limits_file)


def register_sql(ctx: Context, statements: list[str]) -> str:
    """The path of ``/bench/sql/`` that runs ``statements``."""
    key = hashlib.sha256("\n;\n".join(statements).encode()).hexdigest()[:24]
    if key not in ctx.limits["sql"]:
        ctx.limits["sql"][key] = statements
        save_limits(ctx)
    return f"/bench/sql/{key}/"


def register_bytes(ctx: Context, body: bytes, content_type: str) -> str:
    """The path of ``/bench/bytes/`` that answers ``body``."""
    import base64

    key = hashlib.sha256(body).hexdigest()[:24]
    if key not in ctx.limits["bytes"]:
        ctx.limits["bytes"][key] = [base64.b64encode(body).decode(), content_type]
        save_limits(ctx)
    return f"/bench/bytes/{key}/"


def is_job_query(sql: str) -> bool:
    """A data statement of the request: a read, not authentication or transaction control."""
    text = sql.lstrip().lower()
    if not text.startswith(("select", "with", "explain")):
        return False
    first_from = text.find(' from "')
    if first_from >= 0:
        table = text[first_from + 7 :].split('"', 1)[0]
        if table in AUTH_TABLES:
            return False
    return True


def capture(path: str, headers: dict[str, str] | None) -> list[str]:
    """The SQL the portal runs to answer ``path`` (in-process, no cache), authentication left
    out: what the minimal view executes as the request's limit."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    no_cache = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=no_cache), CaptureQueriesContext(connection) as captured:
        response = Client().get(path, headers=headers or {})
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in-process")
    statements = [q["sql"] for q in captured.captured_queries if is_job_query(q["sql"])]
    if not statements:
        raise RuntimeError(f"{path}: no SQL captured")
    return statements


def fetch(ctx: Context, path: str, headers: dict | None) -> tuple[int, bytes, str]:
    import http.client

    conn = http.client.HTTPConnection(HOST, PORT, timeout=120)
    conn.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, response.getheader("Content-Type", "application/json")


# ------------------------------------------------------------------------------------------------
# Interleaved figures


def http_pair(
    ctx: Context,
    section: str,
    key: str,
    name: str,
    paths: list[str],
    limit_paths: list[str],
    *,
    headers: dict | None,
    limit_name: str,
    p95: float | None = 0.100,
    share: float | None = None,
) -> Figure:
    """``paths`` and ``limit_paths`` in alternating rounds; the median of the pairs' rate
    ratios, p50 and p95 of all the figure's rounds beside those of the limit's."""
    offsets = {"a": 0, "b": 0}

    def run(which: str, targets: list[str], with_headers) -> LoadResult:
        result = hammer(
            HOST,
            PORT,
            targets,
            headers=with_headers,
            concurrency=2,
            duration=ctx.round,
            warmup=WARMUP,
            offset=offsets[which],
        )
        offsets[which] += result.requests + WARMUP
        return result

    pairs = interleave(
        lambda: run("a", paths, headers),
        lambda: run("b", limit_paths, None),
        rate_ratio,
        pairs=ctx.pairs,
    )
    figure, limit = merged(pairs.a), merged(pairs.b)
    ratio = pairs.ratio
    met = figure.ok and limit.ok
    targets = []
    if p95 is not None:
        targets.append(f"p95 < {p95 * 1000:.0f} ms")
        met = met and figure.p95 < p95
    if share is not None:
        targets.append(f"≥ {share}× limit")
        met = met and ratio >= share
    failed = figure.requests - figure.statuses.get(200, 0)
    failed_limit = limit.requests - limit.statuses.get(200, 0)
    notes = [f"{ctx.pairs} pairs of {ctx.round:g} s"]
    if failed:
        notes.append(f"{failed} of {figure.requests} requests failed {figure.statuses}")
    if failed_limit:
        notes.append(f"limit: {failed_limit} of {limit.requests} failed {limit.statuses}")
    return ctx.add(
        section,
        name,
        f"{per_s(figure.rate)}, p50 {ms(figure.p50)}, p95 {ms(figure.p95)}",
        limit=f"{limit_name}: {per_s(limit.rate)}, p95 {ms(limit.p95)}",
        ratio=f"{ratio:.2f}× rate ({pairs.spread})",
        target=", ".join(targets),
        met=met if targets else None,
        note="; ".join(notes),
        key=key,
        number=figure.p95 * 1000,
        unit="ms p95",
        limit_number=limit.p95 * 1000,
        ratio_number=ratio,
    )


def sql_limit_pair(ctx, section, key, name, paths, *, who="viewer", capture_paths=None, **kw):
    """A read beside the same SQL in the minimal view (``/bench/sql/``)."""
    headers = auth(ctx, who)
    limit_paths = [register_sql(ctx, capture(p, headers)) for p in (capture_paths or paths)]
    return http_pair(
        ctx, section, key, name, paths, limit_paths, headers=headers, limit_name="same SQL", **kw
    )


def bytes_limit_pair(ctx, section, key, name, path, *, who="viewer", **kw):
    """A repeated read beside its own answer's bytes served by the minimal view."""
    headers = auth(ctx, who)
    status, body, content_type = fetch(ctx, path, headers)
    if status != 200:
        ctx.unavailable(section, name, f"answered {status}", key=key)
        return None
    limit = register_bytes(ctx, body, content_type)
    name = f"{name} ({len(body) / 1024:,.0f} KB)"
    return http_pair(
        ctx, section, key, name, [path], [limit], headers=headers, limit_name="cached bytes", **kw
    )


def job_pair(ctx: Context, figure, limit, ratio) -> Pairs:
    """Two jobs (callables returning their measurement) in alternating rounds."""
    return interleave(figure, limit, ratio, pairs=ctx.pairs)


def median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)


# ------------------------------------------------------------------------------------------------
# Data


BARE_COLUMNS = ["ward_id", "group_id", "code", "address", "head_name", "member_count", "phone"]
IMPORT_HEADER = ["code", "head_name", "group", "address", "member_count", "phone"]


def prepare_csv(ctx: Context) -> None:
    """The same household rows twice: for the bare COPY (ids) and for the importer (names).

    They belong to a ward outside the generated ones, with its own residential groups, so
    importing them collides with nothing.
    """
    from households.models import ResidentialGroup, Ward

    rows = ctx.import_rows
    used = set(ctx.facts["wards"])
    ward = Ward.objects.exclude(id__in=used).order_by("-code").first()
    if ward is None:
        raise SystemExit("The territory has no ward outside the generated ones to import into.")
    groups = []
    for n in range(1, 21):
        group, _created = ResidentialGroup.objects.get_or_create(
            ward=ward, name=f"Tổ dân phố số {n}"
        )
        groups.append(group)
    remove_imported(ward)
    ctx.facts["import_ward"] = ward
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    ids = "-".join(str(g.id) for g in groups[:1])
    bare_path = DATA_DIR / f"households-{rows}-{ward.id}-{ids}-bare.csv"
    import_path = DATA_DIR / f"households-{rows}-{ward.id}-{ids}-import.csv"
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
# The limits of jobs


def copy_round(ctx: Context) -> float:
    """Plain COPY of the households CSV into a bare table with the households table's indexes;
    the seconds it took."""
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
    return took


def group_by_sql() -> str:
    """The rebuild's limit: the rollup's own source rows (``reports.statistics.sql``, what every
    rebuild and incremental run reads: 74 SELECTs over the records) grouped once, per ward, day,
    residential group and metric, into a bare table with no index and no id: the rollup's day
    rows, without the province totals, months, series, indexes, vacuum and swap a rebuild adds.

    (Until December 2026 the limit was a hand-written GROUP BY over 11 of those sources at ward
    level, about a fifth of the rows and of the work; ratios measured against it are not
    comparable with these.)"""
    from reports.statistics.rollup import days_select

    # The registry's own SQL: no value from outside.
    return "INSERT INTO bench_bare_rollup (ward_id, day, group_id, metric, value) " + days_select(
        ordered=False
    )


def bare_group_by(conn) -> tuple[float, int]:
    """Seconds and rows of the limit's INSERT … SELECT … GROUP BY (``group_by_sql``) into a bare
    table, on an autocommit psycopg connection, with the rebuild's ``work_mem``."""
    from reports.statistics.rollup import WORK_MEM

    sql = group_by_sql()
    conn.execute("DROP TABLE IF EXISTS bench_bare_rollup")
    conn.execute(
        "CREATE TABLE bench_bare_rollup (ward_id integer NOT NULL, day date NOT NULL,"
        " group_id integer, metric varchar(64) NOT NULL, value numeric(24, 3) NOT NULL)"
    )
    started = time.perf_counter()
    with conn.transaction():
        conn.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
        conn.execute(sql)
    took = time.perf_counter() - started
    rows = conn.execute("SELECT count(*) FROM bench_bare_rollup").fetchone()[0]
    conn.execute("DROP TABLE bench_bare_rollup")
    return took, rows


def group_by_round(ctx: Context) -> float:
    """The GROUP BY limit, its row count kept for the report."""
    with raw_connection(ctx) as conn:
        took, ctx.facts["group_by_rows"] = bare_group_by(conn)
    return took


# ------------------------------------------------------------------------------------------------
# The server


def start_server(ctx: Context) -> None:
    save_limits(ctx)
    env = {
        **os.environ,
        "DATABASE_URL": ctx.url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "BENCH_LIMITS_FILE": str(ctx.limits_file),
    }
    # Our own gunicorn with fixed arguments: nothing comes from outside.
    ctx.server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),  # this interpreter's virtualenv
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
    ctx.server = None


def bench_users(ctx: Context) -> None:
    """A steering viewer of the main province (lists) and an administrator (police-only)."""
    from django.contrib.auth import get_user_model

    from wardsecurity.api.authentication import token_issue

    user_model = get_user_model()
    viewer, _created = user_model.objects.update_or_create(
        username="bench.viewer",
        defaults={
            "role": "steering_viewer",
            "scope_kind": "province",
            "scope_province_id": ctx.facts["province_id"],
        },
    )
    admin = user_model.objects.get(username="bench.admin")
    ctx.facts["viewer_token"] = token_issue(user=viewer, name="bench")[0]
    ctx.facts["admin_token"] = token_issue(user=admin, name="bench")[0]
    ctx.facts["viewer"], ctx.facts["admin"] = viewer, admin


def auth(ctx: Context, who: str = "viewer") -> dict:
    return {"Authorization": f"Bearer {ctx.facts[f'{who}_token']}"}


# ------------------------------------------------------------------------------------------------
# b. Lists


def ward_ids_by_size(ctx: Context) -> list[int]:
    """The main province's generated wards, most households first (computed once per size)."""
    from django.db.models import Count

    from households.models import Household

    if "wards_by_size" not in ctx.facts:
        ctx.facts["wards_by_size"] = list(
            Household.objects.filter(ward__province_id=ctx.facts["province_id"])
            .values("ward_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("ward_id", flat=True)
        )
    return ctx.facts["wards_by_size"]


def measure_lists(ctx: Context) -> None:
    wards = ward_ids_by_size(ctx)
    largest, median_ward = wards[:3], wards[len(wards) // 2]
    base = "/api/v1/households/"
    scenarios = [
        (
            "lists.ward",
            "households, ward filter (3 largest wards)",
            [f"{base}?ward={w}" for w in largest],
        ),
        (
            "lists.ward_search",
            "households, ward filter + search",
            [f"{base}?ward={largest[0]}&search=le+minh", f"{base}?ward={median_ward}&search=hung"],
        ),
        ("lists.province", "households, no filter (province scope, page 1)", [base]),
        (
            "lists.page200",
            "households, page 200 of the largest ward",
            [f"{base}?ward={largest[0]}&page=200"],
        ),
        (
            "lists.incidents",
            "incidents, ward filter + date range (police view)",
            [f"/api/v1/incidents/?ward={w}&occurred_at_after=2025-01-01" for w in largest],
        ),
        (
            "lists.search",
            "households, search, whole province (common and rare names)",
            [f"{base}?search=nguyen+van", f"{base}?search=tran+thi+lan", f"{base}?search=ta+xuan"],
        ),
    ]
    for key, name, paths in scenarios:
        who = "admin" if key == "lists.incidents" else "viewer"
        try:
            sql_limit_pair(ctx, "b", key, name, paths, who=who)
        except Exception as exc:  # one failing scenario must not hide the others
            traceback.print_exc()
            ctx.add("b", name, "error", note=f"{type(exc).__name__}: {str(exc)[:200]}", key=key)


def measure_cursor(ctx: Context) -> None:
    """Cursor pages (``?cursor=``) walk a big list without counting it."""
    base = "/api/v1/households/?cursor="
    status, body, _type = fetch(ctx, base, auth(ctx))
    answer = json.loads(body) if status == 200 else {}
    if status != 200 or "next" not in answer or "count" in answer:
        ctx.unavailable("b", "households, cursor pages", f"answered {status}", key="lists.cursor")
        return
    paths, following = [], answer["next"]
    for _ in range(10):
        if not following:
            break
        path = following.split(f"{HOST}:{PORT}", 1)[-1].split("testserver", 1)[-1]
        paths.append(path)
        _status, body, _type = fetch(ctx, path, auth(ctx))
        following = json.loads(body).get("next")
    name = "households, cursor pages 2–11 (province scope)"
    sql_limit_pair(ctx, "b", "lists.cursor", name, paths)


# ------------------------------------------------------------------------------------------------
# c. Export memory, sampled from the process itself

EXPORT_PROBE = r"""
import json, sys, threading, time

def status(field):
    with open("/proc/self/status") as source:
        for line in source:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0

# A freshly executed interpreter (not a fork of the harness): its VmHWM is its own peak. A
# thread samples VmRSS too, every 10 ms, as a check on it.
sampled = [0]
done = threading.Event()
def sample():
    while not done.is_set():
        sampled[0] = max(sampled[0], status("VmRSS"))
        done.wait(0.01)
threading.Thread(target=sample, daemon=True).start()

import django
django.setup()
mode, target = sys.argv[1], sys.argv[2]
floor = status("VmRSS")
started = time.perf_counter()
size = 0
if mode == "copy":
    from django.db import connection
    connection.ensure_connection()
    with connection.connection.cursor() as c, c.copy(target) as copy:
        for chunk in copy:
            size += len(chunk)
else:
    # What the worker runs for an export past EXPORT_SYNC_LIMIT rows: the owner's whole list.
    from django.contrib.auth import get_user_model
    from wardsecurity.models import ExportJob
    from wardsecurity.portal.export_jobs import export_job_run, export_storage
    owner = get_user_model().objects.get(username="bench.admin")
    job = ExportJob.objects.create(owner=owner, entity=target, query="", format="csv",
                                   language="vi")
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    if job.status != "done":
        print(json.dumps({"status": job.status})); sys.exit(0)
    size = export_storage().size(job.file_path)
    export_storage().delete(job.file_path)
    job.delete()
seconds = time.perf_counter() - started
done.set()
print(json.dumps({"status": 200, "floor_kb": floor, "hwm_kb": status("VmHWM"),
                  "sampled_kb": sampled[0], "bytes": size, "seconds": seconds}))
"""


def probe(ctx: Context, mode: str, target: str) -> dict:
    env = {**os.environ, "DATABASE_URL": ctx.url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    # subprocess.run executes a new interpreter: a fresh address space whose peak is its own,
    # unlike getrusage of a forked child, which inherits its parent's maximum.
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
    """Peak memory of a process exporting every household, beside one streaming COPY TO."""
    rows = ctx.facts["tables"]["households_household"]
    failed = []

    def job() -> dict:
        result = probe(ctx, "job", "households.household")
        if result["status"] != 200:
            failed.append(result["status"])
        return result

    def copy() -> dict:
        return probe(ctx, "copy", "COPY households_household TO STDOUT WITH (FORMAT csv)")

    def peak(result: dict) -> float:
        return result.get("hwm_kb", 0) / 1024

    pairs = job_pair(ctx, job, copy, lambda a, b: peak(a) / peak(b) if peak(b) else float("nan"))
    if failed:
        ctx.unavailable("c", "export job of all households", f"job {failed[0]}", key="export.peak")
        return
    figure = median([peak(r) for r in pairs.a])
    limit = median([peak(r) for r in pairs.b])
    sampled = max(r["sampled_kb"] for r in pairs.a) / 1024
    seconds = median([r["seconds"] for r in pairs.a])
    copy_seconds = median([r["seconds"] for r in pairs.b])
    ctx.add(
        "c",
        f"export job of all {rows:,} households, CSV: peak memory of the process (VmHWM)",
        f"{figure:.0f} MB",
        limit=f"{limit:.0f} MB (COPY TO STDOUT, same kind of process)",
        ratio=f"{pairs.ratio:.2f}× ({pairs.spread})",
        target="< 200 MB",
        met=figure < 200,
        note=f"sampled VmRSS peak {sampled:.0f} MB; {pairs.a[0]['bytes'] / 1e6:.0f} MB in "
        f"{seconds:.1f} s ({rows / seconds:,.0f} rows/s) against COPY's {copy_seconds:.1f} s; "
        f"process floor {pairs.a[0]['floor_kb'] / 1024:.0f} MB; {ctx.pairs} pairs",
        key="export.peak",
        number=figure,
        unit="MB",
        limit_number=limit,
        ratio_number=pairs.ratio,
    )


# ------------------------------------------------------------------------------------------------
# d. Statistics


def measure_stats(ctx: Context) -> None:
    try:
        from reports.statistics import rollup
    except ImportError as exc:
        ctx.unavailable("d", "rollup rebuild", f"reports.statistics.rollup: {exc}", key="rebuild")
        return
    if not hasattr(rollup, "rebuild"):
        ctx.unavailable("d", "rollup rebuild", "rollup.rebuild missing", key="rebuild")
        return

    def rebuild() -> float:
        started = time.perf_counter()
        rollup.rebuild()
        return time.perf_counter() - started

    pairs = job_pair(ctx, rebuild, lambda: group_by_round(ctx), lambda a, b: a / b)
    took, limit = median(pairs.a), median(pairs.b)
    ctx.add(
        "d",
        "rollup full rebuild (reports.statistics.rollup.rebuild)",
        f"{took:.2f} s",
        limit=f"{limit:.2f} s (the day rows' INSERT … SELECT … GROUP BY, "
        f"{ctx.facts.get('group_by_rows', 0):,} rows)",
        ratio=f"{pairs.ratio:.2f}× ({pairs.spread})",
        target="≤ 1.5× GROUP BY",
        met=pairs.ratio <= 1.5,
        note=f"{ctx.pairs} pairs",
        key="rebuild",
        number=took,
        unit="s",
        limit_number=limit,
        ratio_number=pairs.ratio,
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
        wards = ctx.facts["wards_by_households"][:count]
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
        target="< 1 s",
        met=one[0] < 1,
        note=f"10 incidents in 10 wards: {ten[0]:.2f} s ({ten[1]} buckets)",
        key="stats.incremental",
        number=one[0],
        unit="s",
    )


def cold_periods(year: int, count: int) -> list[str]:
    """``count`` different date ranges in ``year``: no answer can come from a cache."""
    periods = []
    for length in range(30, 366):
        for start in range(0, 365 - length, 7):
            first = date.fromordinal(date(year, 1, 1).toordinal() + start)
            last = date.fromordinal(first.toordinal() + length)
            periods.append(f"range:{first.isoformat()}..{last.isoformat()}")
            if len(periods) >= count:
                return periods
    return periods


def measure_stats_api(ctx: Context) -> None:
    from households.models import Province, Ward
    from reports.statistics.selectors import PAGE_SIZE_MAX

    ward = Ward.objects.get(id=ctx.facts["wards_by_households"][0])
    province = Province.objects.get(id=ctx.facts["province_id"]).code
    year = date.today().year - 1
    status, _body, _type = fetch(ctx, f"/api/v1/stats/?scope=all&period=year:{year}", auth(ctx))
    if status != 200:
        ctx.unavailable("d", "stats API", f"GET /api/v1/stats/ answered {status}", key="stats")
        return
    periods = cold_periods(year, 20_000)
    compare = "compare=same_period"
    for key, label, who, query in (
        ("stats.ward", "the largest ward", "viewer", f"scope=ward:{ward.code}&{compare}"),
        ("stats.province", "the province", "viewer", f"scope=province:{province}&{compare}"),
        # The country's by=ward comes in pages (over PAGE_SIZE_MAX wards, the API asks for
        # one): the first page of 50 wards, and the compact shape's largest page.
        ("stats.by_ward", "the country, by=ward, page 1", "admin", "scope=all&by=ward&page=1"),
        (
            "stats.by_ward_compact",
            f"the country, by=ward, compact page of {PAGE_SIZE_MAX}",
            "admin",
            f"scope=all&by=ward&page=1&page_size={PAGE_SIZE_MAX}&shape=compact",
        ),
    ):
        cold = [f"/api/v1/stats/?{query}&period={p}" for p in periods]
        warm = f"/api/v1/stats/?{query}&period=year:{year}"
        name = f"stats API, {label} × one year"
        try:
            sql_limit_pair(
                ctx,
                "d",
                f"{key}.uncached",
                f"{name}, uncached (a different range on every request)",
                cold,
                who=who,
                capture_paths=cold[-4:],  # rounds start at the front: these stay uncached
                p95=0.300 if key.startswith("stats.by_ward") else 0.100,
            )
            bytes_limit_pair(
                ctx, "d", f"{key}.repeated", f"{name}, repeated", warm, who=who, p95=None, share=0.5
            )
        except Exception as exc:  # one failing scenario must not hide the others
            traceback.print_exc()
            ctx.add("d", name, "error", note=f"{type(exc).__name__}: {str(exc)[:200]}", key=key)


# ------------------------------------------------------------------------------------------------
# e. Import


def remove_imported(ward) -> None:
    """Put the data back as generated: the imported ward's households and their history go,
    and the tables are vacuumed (this server runs without autovacuum: a run's dead rows would
    slow the next one)."""
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
    from households.models import Household

    prepare_csv(ctx)
    ward = ctx.facts["import_ward"]
    rows = ctx.import_rows
    problems = []

    def imported() -> float:
        remove_imported(ward)  # what an interrupted earlier round may have left
        started = time.perf_counter()
        batch = import_run(
            actor=ctx.facts["admin"], ward=ward, kind="households", path=ctx.facts["import_csv"]
        )
        took = time.perf_counter() - started
        created = Household.objects.filter(ward=ward).count()
        remove_imported(ward)
        if created != rows:
            problems.append(f"status {batch.status}, {created:,} of {rows:,} rows created")
        return took

    # Rates: the import's rows/s over COPY's, so the ratio is the COPY time over the import's.
    pairs = job_pair(ctx, imported, lambda: copy_round(ctx), lambda a, b: b / a)
    if problems:
        ctx.add(
            "e", f"households CSV import ({rows:,} rows)", "failed", note=problems[0], key="import"
        )
        return
    took, limit = median(pairs.a), median(pairs.b)
    ctx.add(
        "e",
        f"households CSV import, {rows:,} rows into one new ward (imports.services.import_run)",
        per_s(rows / took),
        limit=f"{per_s(rows / limit)} (plain COPY into a bare table with the same indexes)",
        ratio=f"{pairs.ratio:.2f}× ({pairs.spread})",
        target="≥ 0.8× COPY",
        met=pairs.ratio >= 0.8,
        note=f"{took:.1f} s end to end against {limit:.1f} s; {ctx.pairs} pairs",
        key="import",
        number=rows / took,
        unit="rows/s",
        limit_number=rows / limit,
        ratio_number=pairs.ratio,
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
    "lists": measure_lists,
    "cursor": measure_cursor,
    "export": measure_export,
    "stats": measure_stats,  # the rebuild, the incremental update and the statistics API
    "statsapi": measure_stats_api,  # the statistics API alone (part of "stats")
    "import": measure_import,
    "reporting": measure_reporting,
}
NEEDS_SERVER = {"lists", "cursor", "stats", "statsapi", "reporting"}


def cache_layout(environ=os.environ) -> str:
    """Where the server started by this run (which inherits ``environ``) keeps its cache."""
    if not (environ.get("CACHE_REDIS_URL") or environ.get("REDIS_URL")):
        return "each server process's memory (no REDIS_URL)"
    local = int(environ.get("STATS_LOCAL_CACHE_MB", "32"))
    kept = (
        f"{local} MB of statistics answers kept in each process in front of it"
        if local
        else "no statistics answers kept in the processes"
    )
    return f"Redis (REDIS_URL), shared by the server's processes, with {kept}"


def machine() -> str:
    import psutil
    import psycopg

    with psycopg.connect(gen.bench_url()) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    pg = row[0] if row else "?"
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, PostgreSQL {pg}, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )


def cpu_snapshot() -> dict[int, tuple[float, float]]:
    """{pid: (start time, CPU seconds so far)} of the machine's processes that are neither this
    run's (this process and its descendants: the server, its workers) nor PostgreSQL's."""
    import psutil

    own = {psutil.Process().pid, *(child.pid for child in psutil.Process().children(True))}
    snapshot = {}
    for process in psutil.process_iter(["pid", "name", "create_time", "cpu_times"]):
        info = process.info
        if info["pid"] in own or (info["name"] or "").startswith("postgres"):
            continue
        if info["cpu_times"] is not None and info["create_time"] is not None:
            snapshot[info["pid"]] = (info["create_time"], sum(info["cpu_times"][:2]))
    return snapshot


def foreign_cores(before: dict[int, tuple[float, float]], seconds: float) -> float:
    """The CPU, in cores on average over ``seconds``, that other processes used since
    ``before`` (``cpu_snapshot``): what the live ones used since then, all of what the ones
    started since used. A process that started and ended in between is not seen, so this is a
    lower bound; the load average cannot say it, since it counts the run's own server."""
    used = 0.0
    for pid, (started, cpu) in cpu_snapshot().items():
        earlier = before.get(pid)
        used += cpu - earlier[1] if earlier and earlier[0] == started else cpu
    return used / seconds if seconds > 0 else 0.0


def load_average(ctx: Context) -> str:
    """The load average now (1 and 5 minutes)."""
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f}"


def table(ctx: Context) -> str:
    out = io.StringIO()
    out.write(
        f"Size: {ctx.households:,} households in {len(ctx.facts['wards'])} wards of "
        f"{ctx.facts.get('provinces', '?')} provinces (largest ward "
        f"{ctx.facts.get('largest_ward', 0):,}); {ctx.facts.get('rows', 0):,} generated rows; "
        f"database {ctx.facts.get('db_mb', 0):,.0f} MB. Load average before / after: "
        f"{ctx.facts.get('load_before', '?')} → {ctx.facts.get('load_after', '?')}.\n\n"
    )
    out.write(
        "| | measurement | figure | limit (interleaved) | ratio (median of pairs) | target "
        "| met |\n"
    )
    out.write("|---|---|---|---|---|---|---|\n")
    for f in ctx.figures:
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        name = f"{f.name} — {f.note}" if f.note else f.name
        cells = [f.section, name, f.value, f.limit, f.ratio, f.target, met]
        out.write("| " + " | ".join(cells) + " |\n")
    return out.getvalue()


def discover(ctx: Context) -> None:
    """What the benchmark database holds (``--reuse-data``): table counts and the wards."""
    from django.db import connection

    from bench.schema import domain_models

    with connection.cursor() as cursor:
        for model in domain_models():
            table_name = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT count(*) FROM {table_name}")  # noqa: S608 - a model's table
            ctx.facts.setdefault("tables", {})[model._meta.db_table] = cursor.fetchone()[0]
        import_ward = ctx.facts.get("import_ward_id")
        cursor.execute(
            "SELECT ward_id, count(*) FROM households_household WHERE ward_id <> %s "
            "GROUP BY ward_id",
            [import_ward or 0],
        )
        sizes = dict(cursor.fetchall())
    ctx.facts["wards"] = sorted(sizes)
    ctx.facts["sizes"] = sizes
    ctx.facts["rows"] = sum(ctx.facts["tables"].values())
    ctx.households = sum(sizes.values())


def settle(ctx: Context) -> None:
    """The main province (most households), the wards by size, the database's size."""
    from households.models import Ward

    sizes = ctx.facts["sizes"]
    provinces: dict[int, int] = {}
    for ward_id, province_id in Ward.objects.filter(id__in=sizes).values_list("id", "province_id"):
        provinces[province_id] = provinces.get(province_id, 0) + sizes[ward_id]
    ctx.facts["province_id"] = max(provinces, key=lambda p: (provinces[p], -p))
    ctx.facts["provinces"] = len(provinces)
    ctx.facts["largest_ward"] = max(sizes.values())
    ctx.facts["wards_by_households"] = sorted(sizes, key=lambda w: (-sizes[w], w))
    # The main province's wards first: bench.reporting takes the province of the first one.
    main = set(
        Ward.objects.filter(province_id=ctx.facts["province_id"]).values_list("id", flat=True)
    )
    ctx.facts["wards"] = sorted(sizes, key=lambda w: (w not in main, w))


def database_mb(ctx: Context) -> float:
    with raw_connection(ctx) as conn:
        size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return size / 2**20


def run_size(args, households: int, scale_name: str, url: str, plan: list[str]) -> Context:
    """Generate (unless reused) and measure one size; its context with every figure."""
    ctx = Context(
        scale_name,
        households,
        url,
        args.round or (1.5 if scale_name == "small" else 4.0),
        args.pairs,
        args.import_rows or min(households, 20_000 if scale_name == "small" else 200_000),
    )
    ctx.facts["load_before"] = load_average(ctx)
    others, measured_from = cpu_snapshot(), time.perf_counter()
    if args.reuse_data:
        discover(ctx)
    else:
        generated = gen.generate(households=households)
        ctx.facts.update(tables=generated["tables"], rows=generated["rows"])
        ctx.facts["sizes"] = dict(zip(generated["wards"], generated["sizes"], strict=True))
        ctx.facts["wards"] = generated["wards"]
        ctx.add(
            "—",
            "data generation (Python + COPY, triggers bypassed)",
            f"{generated['rows'] / generated['seconds']:,.0f} rows/s",
            note=f"{generated['rows']:,} rows in {generated['seconds']:.0f} s",
        )
    settle(ctx)
    from django.contrib.auth import get_user_model

    gen.bench_officer(get_user_model())
    bench_users(ctx)
    try:
        if NEEDS_SERVER & set(plan):
            start_server(ctx)
        for key in plan:
            try:
                MEASUREMENTS[key](ctx)
            except Exception as exc:  # one failing measurement must not hide the others
                traceback.print_exc()
                ctx.add(key, key, "error", note=f"{type(exc).__name__}: {str(exc)[:200]}")
    finally:
        # Sampled before the server stops: its workers are this run's, not others'.
        ctx.facts["foreign_cores"] = foreign_cores(others, time.perf_counter() - measured_from)
        stop_server(ctx)
    ctx.facts["db_mb"] = database_mb(ctx)
    ctx.facts["load_after"] = load_average(ctx)
    ctx.add(
        "—",
        "database size (pg_database_size, after the run)",
        f"{ctx.facts['db_mb']:,.0f} MB",
        key="db.size",
        number=ctx.facts["db_mb"],
        unit="MB",
    )
    report = table(ctx)
    print("\n" + report, flush=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    out = DATA_DIR / f"results-{households}.md"
    out.write_text(f"# Benchmark results, {households:,} households ({date.today()})\n\n{report}")
    return ctx


def commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None) -> None:
    from bench import results

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help=f"sizes {SIZES['small']}")
    parser.add_argument("--sizes", help="comma-separated households counts (national shape)")
    parser.add_argument("--households", type=int, help="one size")
    parser.add_argument("--reuse-data", action="store_true", help="one size, data kept")
    parser.add_argument("--only", help=f"comma-separated: {','.join(MEASUREMENTS)}")
    parser.add_argument("--round", type=float, help="seconds of one HTTP round")
    parser.add_argument("--pairs", type=int, default=3, help="rounds of figure and limit (≥ 3)")
    parser.add_argument("--import-rows", type=int, help="rows of the import file")
    parser.add_argument(
        "--write-benchmarks",
        action=argparse.BooleanOptionalAction,
        help="write the multi-size section of BENCHMARKS.md (default: full runs only)",
    )
    args = parser.parse_args(argv)
    if args.pairs < 3:
        parser.error("--pairs: at least 3 pairs")
    scale_name = "small" if args.small else "full"
    sizes = list(SIZES[scale_name])
    if args.sizes:
        sizes, scale_name = [int(s) for s in args.sizes.split(",")], "custom"
    if args.households:
        sizes, scale_name = [args.households], "custom"
    if args.reuse_data and len(sizes) > 1:
        parser.error("--reuse-data measures the data already there: one size (--households)")
    # The limits are measured with their figures now: the old names ask for those figures.
    aliases = {"copy": "import", "groupby": "stats"}
    wanted = [aliases.get(k, k) for k in args.only.split(",")] if args.only else list(MEASUREMENTS)
    unknown = set(wanted) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"--only: unknown {', '.join(sorted(unknown))}")
    plan = [key for key in MEASUREMENTS if key in wanted]
    if "stats" in plan and "statsapi" in plan:
        plan.remove("statsapi")  # "stats" measures the API too
    url = gen.bench_url()
    gen.ensure_database(url)
    gen.manage(url, "migrate", "--no-input", "-v0")
    if not args.reuse_data:
        gen.manage(url, "load_territory")
    gen.setup_django(url)
    # A terminated run still stops its gunicorn (started in its own session).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    started = time.perf_counter()
    runs = [run_size(args, size, scale_name, url, plan) for size in sorted(sizes)]
    summary = results.Summary(
        scale=scale_name,
        when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        commit=commit(),
        machine=machine(),
        command=" ".join(["python -m bench.run", *(argv if argv is not None else sys.argv[1:])]),
        minutes=(time.perf_counter() - started) / 60,
        runs=[results.Run.of(ctx) for ctx in runs],
        foreign_cores=max(ctx.facts["foreign_cores"] for ctx in runs),
        cache=cache_layout(),
    )
    text = results.render(summary)
    print("\n" + text)
    out = DATA_DIR / f"results-{scale_name}.md"
    out.write_text(text)
    print(f"written to {out.relative_to(BASE_DIR)}")
    write = args.write_benchmarks
    if write is None:
        write = scale_name == "full" and not args.only
    if write:
        results.write_benchmarks(BASE_DIR / "BENCHMARKS.md", text)
        print("written into BENCHMARKS.md")


if __name__ == "__main__":
    main()
