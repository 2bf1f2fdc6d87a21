"""Generate the country at a fraction on the benchmark database (SPEC §12).

    .venv/bin/python -m bench.generate                      # 1,000,000 households
    .venv/bin/python -m bench.generate --households 250000  # about 31 wards

The database (``BENCH_DATABASE_URL``, default ``postgresql://postgres@127.0.0.1:5432/bench``) is
created if missing, migrated and given the territory; its domain tables are then emptied and
refilled with COPY. The national shape: the real provinces and wards of the territory, every
ward given a size at the country's scale (27 M households, log-normal around the real mean of
about 8,100, the largest about 100,000), and a fraction of the wards taken from every province
in proportion (``national_plan``). Family names follow their real frequencies, and
dated records spread over the years with seasonal peaks (Tết, the August festival) and a
per-ward rate. History triggers are bypassed while loading (``session_replication_role =
replica``): the generated rows are history-free, as if they had been there before the portal.
"""

import argparse
import math
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from statistics import NormalDist
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench"
# The country (SPEC §1): about 27 million households in 3,321 wards of 34 provinces.
COUNTRY_HOUSEHOLDS = 27_000_000
SIGMA = 0.82  # log-normal spread of ward sizes: the largest of 3,321 about 12 × the mean
FIRST_YEAR = 2019
SEED = 20190819  # the first national festival day after the 2019 movement review
N = r"\N"  # COPY text format NULL

# Family names with roughly their share of the population, so that searches are skewed as in
# a real ward ("Nguyễn" matches more than a third of households).
FAMILY = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 4),
    ("Huỳnh", 1.5),
    ("Phan", 4.5),
    ("Vũ", 2.5),
    ("Võ", 1.5),
    ("Đặng", 2.1),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 0.6),
    ("Trịnh", 0.5),
    ("Mai", 0.4),
    ("Tạ", 0.2),
]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Ngọc", "Hữu", "Quang", "Thanh", "Xuân", "Công", "Thu"]
GIVEN = [
    "Anh",
    "Bình",
    "Cường",
    "Dũng",
    "Duy",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trang",
    "Trung",
    "Tuấn",
    "Tùng",
    "Vân",
    "Việt",
    "Yến",
    "Hằng",
    "Loan",
    "Lộc",
    "Toàn",
]
STREETS = [
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Nguyễn Trãi",
    "Quang Trung",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Phan Chu Trinh",
    "Lê Duẩn",
    "Nguyễn Huệ",
    "Bà Triệu",
    "Điện Biên Phủ",
    "Hùng Vương",
    "Trần Phú",
    "Ngô Quyền",
    "Lê Thánh Tông",
]
TOPICS = [
    "Tuyên truyền phòng chống ma túy",
    "Phòng chống lừa đảo trên không gian mạng",
    "Phòng cháy chữa cháy khu dân cư",
    "Ngày hội Toàn dân bảo vệ an ninh Tổ quốc",
    "Không sử dụng pháo nổ dịp Tết",
    "Đăng ký cư trú và định danh điện tử",
]
# Month weights: incidents and tips peak around Tết; outreach peaks before Tết and in August.
INCIDENT_MONTHS = [1.5, 1.4, 1.0, 0.9, 0.9, 1.0, 1.1, 1.0, 0.9, 0.9, 1.0, 1.3]
OUTREACH_MONTHS = [1.4, 0.8, 1.0, 0.9, 0.9, 0.9, 1.0, 2.2, 1.0, 0.9, 0.9, 1.2]
FLAT_MONTHS = [1.0] * 12
INCIDENT_CATEGORIES = [
    ("public_order_crime", 18),
    ("drugs", 9),
    ("economic", 4),
    ("environment_food", 2),
    ("cyber_fraud", 10),
    ("social_evils", 6),
    ("traffic_accident", 12),
    ("traffic_violation", 16),
    ("urban_order", 10),
    ("fire_explosion", 2),
    ("civil_dispute", 5),
    ("domestic_violence", 2),
    ("weapons_firecrackers", 2),
    ("other", 2),
]


def bench_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def ensure_database(url: str) -> None:
    """Create the benchmark database when it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(url: str, *args: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    # Our own interpreter and manage.py with fixed arguments: nothing comes from outside.
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)  # noqa: S603


def setup_django(url: str) -> None:
    """Point Django at the benchmark database (before any model import)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()


# ------------------------------------------------------------------------------------------------


@dataclass
class Province:
    """What the generator knows about the synthetic province while it fills the tables."""

    ward_ids: list[int]
    ward_households: list[int]
    ward_rates: list[float]  # per-ward multiplier of incident-like activity (lognormal)
    groups: list[list[int]] = field(default_factory=list)  # group ids per ward index
    households: list[tuple[int, int]] = field(default_factory=list)  # (first id, count) per ward
    organisations: list[list[int]] = field(default_factory=list)
    cameras: list[list[int]] = field(default_factory=list)
    incidents: list[list[int]] = field(default_factory=list)


class Clock:
    """Random dates between the first year and today, with month weights and growth."""

    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today = today
        self.years = list(range(FIRST_YEAR, today.year + 1))
        # The movement grows: each year carries a little more activity than the one before.
        self.year_cum = list(accumulate(1 + 0.08 * n for n in range(len(self.years))))
        self.month_cum: dict[int, list[float]] = {}

    def day(self, months=FLAT_MONTHS, year=None) -> date:
        rng = self.rng
        key = id(months)
        if key not in self.month_cum:
            self.month_cum[key] = list(accumulate(months))
        month_cum = self.month_cum[key]
        while True:
            y = year or rng.choices(self.years, cum_weights=self.year_cum)[0]
            m = rng.choices(MONTHS, cum_weights=month_cum)[0]
            d = date(y, m, 1) + timedelta(days=rng.randrange(28 + (m != 2) * 2))
            if d <= self.today:
                return d

    def moment(self, months=FLAT_MONTHS) -> datetime:
        d = self.day(months)
        # Local evening hours are busier; stored in UTC (Asia/Ho_Chi_Minh is UTC+7).
        hour = self.rng.choices(HOURS, cum_weights=HOUR_CUM)[0]
        local = datetime(d.year, d.month, d.day, hour, self.rng.randrange(60), tzinfo=UTC)
        return local - timedelta(hours=7)


def person(rng: random.Random) -> str:
    family = rng.choices(FAMILY_NAMES, cum_weights=FAMILY_CUM)[0]
    return f"{family} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


FAMILY_NAMES = [name for name, _w in FAMILY]
FAMILY_CUM = list(accumulate(w for _name, w in FAMILY))
MONTHS = range(1, 13)
HOURS = range(24)
HOUR_CUM = list(accumulate([1] * 6 + [2] * 12 + [3] * 6))


def stamp(value) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return f"{value.isoformat()}T08:00:00+07:00"


class Loader:
    """COPY rows into tables with explicit ids; counts what it wrote."""

    def __init__(self, connection: "psycopg.Connection") -> None:
        self.connection = connection
        self.counts: dict[str, int] = {}
        self.next_ids: dict[str, int] = {}

    def next_id(self, table: str) -> int:
        value = self.next_ids.get(table, 1)
        self.next_ids[table] = value + 1
        return value

    def sql(self, table: str, statement: str, params: dict) -> None:
        started = time.perf_counter()
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT setseed(%s)", [params["seed"] * 2 - 1])
            cursor.execute(statement, params)
            count = cursor.rowcount
        self.counts[table] = self.counts.get(table, 0) + count
        took = time.perf_counter() - started
        print(f"  {table}: {count:,} rows in {took:.1f} s (INSERT … SELECT)", flush=True)

    def copy(self, table: str, columns: list[str], rows) -> None:
        started = time.perf_counter()
        count = 0
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(sql) as copy:
            batch = []
            for row in rows:
                batch.append("\t".join(str(v) for v in row))
                if len(batch) >= 20_000:
                    copy.write("\n".join(batch) + "\n")
                    count += len(batch)
                    batch = []
            if batch:
                copy.write("\n".join(batch) + "\n")
                count += len(batch)
        self.counts[table] = self.counts.get(table, 0) + count
        took = time.perf_counter() - started
        print(f"  {table}: {count:,} rows in {took:.1f} s", flush=True)


def base(ident, when) -> list:
    """id, created_at, updated_at, version of a WardRecord row entered on ``when``."""
    ts = stamp(when)
    return [ident, ts, ts, 1]


def national_sizes(territory: list[tuple[int, int]], seed: int = SEED) -> dict[int, int]:
    """Households of every real ward at the country's size: ``{ward id: households}``.

    ``territory`` is ``(ward id, province id)`` of every ward loaded, in a stable order (the
    wards' codes: ids differ between databases). Sizes follow a log-normal law (σ = 0.82) with
    the real mean (27 M households over the wards: about 8,100 with 3,321), read at evenly
    spaced quantiles, so the largest ward holds about 100,000 and the smallest a few hundred;
    they are dealt to the wards in that order shuffled by the seed.
    """
    count = len(territory)
    normal = NormalDist()
    shape = [math.exp(SIGMA * normal.inv_cdf((n + 0.5) / count)) for n in range(count)]
    scale = COUNTRY_HOUSEHOLDS / sum(shape)
    sizes = [max(1, round(value * scale)) for value in shape]
    order = [ward for ward, _province in territory]  # in the wards' code order (``generate``)
    random.Random(seed).shuffle(order)
    return dict(zip(order, sizes, strict=True))


def national_plan(
    territory: list[tuple[int, int]], households: int, seed: int = SEED
) -> dict[int, int]:
    """The wards generated for ``households`` and their households: the national shape at a
    fraction.

    As many wards as the average ward size gives (``households`` ÷ the national mean), taken as a
    systematic sample of the country's wards ordered by size (the middle ward of each of as many
    equal strata): the sample keeps the national skew, and since sizes were dealt to the wards
    at random, its wards fall in the provinces in proportion to their wards. The sample's sizes
    are then scaled to ``households`` exactly.
    """
    national = national_sizes(territory, seed)
    mean = COUNTRY_HOUSEHOLDS / len(national)
    wanted = max(1, min(len(national), round(households / mean)))
    ordered = sorted(national, key=lambda w: (-national[w], w))
    chosen = [ordered[int((n + 0.5) * len(ordered) / wanted)] for n in range(wanted)]
    total = sum(national[w] for w in chosen)
    plan = {w: max(1, round(national[w] * households / total)) for w in chosen}
    largest = max(plan, key=lambda w: (plan[w], -w))
    plan[largest] += households - sum(plan.values())
    return plan


def generate(*, households: int, seed: int = SEED, today: date | None = None) -> dict:
    """Empty the domain tables of the benchmark database and fill them; returns row counts."""
    from django.db import connection

    from bench.schema import domain_models, event_models, reset_sequences

    rng = random.Random(seed)
    today = today or date.today()
    clock = Clock(rng, today)
    with connection.cursor() as cursor:
        # By code, not id: the same wards get the same sizes in every database.
        cursor.execute("SELECT id, province_id FROM households_ward ORDER BY code")
        territory = cursor.fetchall()
    if not territory:
        raise SystemExit("no wards loaded; run load_territory")
    plan = national_plan(territory, households, seed)
    ward_ids = sorted(plan)
    sizes = [plan[w] for w in ward_ids]
    provinces = len({p for w, p in territory if w in plan})
    print(
        f"national shape: {households:,} households in {len(ward_ids)} wards of {provinces} "
        f"provinces (largest ward {max(sizes):,}, smallest {min(sizes):,})",
        flush=True,
    )
    rates = [math.exp(rng.gauss(0, 0.5)) for _ in ward_ids]
    province = Province(ward_ids, sizes, rates)

    raw = connection.connection  # the psycopg 3 connection under Django's
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        tables = [m._meta.db_table for m in domain_models() + event_models()]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    loader = Loader(raw)
    load_households(loader, province, clock, rng)
    load_movement(loader, province, clock, rng, today)
    load_incidents(loader, province, clock, rng)
    load_cameras(loader, province, clock, rng)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = origin")
        reset_sequences(cursor)
        # The territory too: a plan built on a stale ward count scans every household.
        tables = ["households_province", "households_ward", *loader.counts]
        cursor.execute(f"ANALYZE {', '.join(tables)}")
    total = sum(loader.counts.values())
    took = time.perf_counter() - started
    print(f"generated {total:,} rows in {took:.0f} s ({total / took:,.0f} rows/s)", flush=True)
    return {
        "rows": total,
        "seconds": took,
        "tables": dict(loader.counts),
        "wards": ward_ids,
        "sizes": sizes,
        "provinces": provinces,
    }


def load_households(loader: Loader, p: Province, clock: Clock, rng: random.Random) -> None:
    group_rows, org_rows = [], []
    kinds = ["to_dan_pho", "thon", "khu_pho", "tieu_khu", "ap", "ban"]
    for w, ward_id in enumerate(p.ward_ids):
        size = p.ward_households[w]
        # About 150 households a group.
        group_count = max(1, size // 150)
        kind = rng.choice(kinds)
        ids = []
        for g in range(group_count):
            gid = loader.next_id("group")
            ids.append(gid)
            group_rows.append([*base(gid, clock.day()), ward_id, f"Tổ dân phố số {g + 1}", kind])
        p.groups.append(ids)
        first = loader.next_ids.get("household", 1)
        loader.next_ids["household"] = first + size
        p.households.append((first, size))
        orgs = []
        for n in range(max(2, size // 50)):
            oid = loader.next_id("organisation")
            orgs.append(oid)
            org_kind = rng.choices(
                ["agency", "enterprise", "school", "market", "religious", "other"],
                [2, 10, 2, 1, 1, 1],
            )[0]
            org_rows.append(
                [*base(oid, clock.day()), ward_id, rng.choice(ids), f"Đơn vị {n + 1}", org_kind]
            )
        p.organisations.append(orgs)
    common = ["id", "created_at", "updated_at", "version", "ward_id"]
    loader.copy("households_residentialgroup", [*common, "name", "kind"], group_rows)
    loader.copy(
        "households_household",
        [
            *common,
            *("group_id", "code", "address", "head_name", "member_count", "phone"),
            *("residence", "active"),
        ],
        household_rows(p, clock, rng),
    )
    load_household_words(loader)
    loader.copy("households_organisation", [*common, "group_id", "name", "kind"], org_rows)


def load_household_words(loader: Loader) -> None:
    """The household search's side table (households 0009), by one INSERT … SELECT: its
    triggers do not fire under ``session_replication_role = replica``, nor did its TRUNCATE
    trigger when ``generate`` emptied the households."""
    from households.filtersets import HouseholdFilterSet
    from wardsecurity.search_indexes import word_table_fill_sql

    table, key = HouseholdFilterSet.word_search_table
    fill = word_table_fill_sql(
        "households_household", table, key, HouseholdFilterSet.word_search_fields
    )
    started = time.perf_counter()
    with loader.connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(fill)
        count = cursor.rowcount
    loader.counts[table] = loader.counts.get(table, 0) + count
    took = time.perf_counter() - started
    print(f"  {table}: {count:,} rows in {took:.1f} s (INSERT … SELECT)", flush=True)


def household_rows(p: Province, clock: Clock, rng: random.Random):
    """Households, streamed ward by ward (a million rows never sit in memory at once)."""
    for w, ward_id in enumerate(p.ward_ids):
        ids = p.groups[w]
        # Groups are uneven: some hold twice as many households as others.
        group_cum = list(accumulate(rng.uniform(0.5, 1.5) for _ in ids))
        first, size = p.households[w]
        for n in range(size):
            yield [
                *base(first + n, clock.day()),
                ward_id,
                rng.choices(ids, cum_weights=group_cum)[0],
                f"HK{n + 1:06d}",
                f"Số {rng.randint(1, 400)}, ngõ {rng.randint(1, 80)}, đường {rng.choice(STREETS)}",
                person(rng),
                min(12, max(1, int(rng.gammavariate(4, 1)))),
                f"09{rng.randrange(10**8):08d}" if rng.random() < 0.6 else "",
                "temporary" if rng.random() < 0.15 else "permanent",
                "f" if rng.random() < 0.03 else "t",
            ]


def load_movement(loader: Loader, p: Province, clock: Clock, rng: random.Random, today) -> None:
    common = ["id", "created_at", "updated_at", "version", "ward_id"]
    years = clock.years[-3:]

    # The safe-area commitment, signed by most households each of the last three years (more
    # early in the year, when the campaign runs), at a coverage that differs by ward. Written by
    # one INSERT … SELECT: millions of rows derived from the households need no round trip.
    loader.sql(
        "movement_commitment",
        """
        INSERT INTO movement_commitment (created_at, updated_at, version, ward_id, household_id,
                                         year, kind, signed_on)
        SELECT s.day, s.day, 1, h.ward_id, h.id, y, 'safe_area_registration', s.day
          FROM households_household h
         CROSS JOIN generate_series(%(first)s, %(last)s) AS y
         CROSS JOIN LATERAL (
               SELECT LEAST(make_date(y, 1, 1) + (power(random(), 2) * 364)::int,
                            %(today)s::date) AS day) AS s
         WHERE random() < 0.70 + 0.29 * ((h.ward_id * 7919) %% 100) / 100.0
        """,
        {"first": years[0], "last": years[-1], "today": today, "seed": rng.random()},
    )

    team_rows, member_rows, outreach_rows, mediation_rows = [], [], [], []
    model_rows, weapon_rows, eid_rows, reint_rows, commend_rows = [], [], [], [], []
    team_kinds = [
        ("security_team", 4),
        ("self_managed_group", 3),
        ("social_security_group", 2),
        ("fire_safety_cluster", 1),
        ("eid_guidance", 1),
        ("mediation_team", 1),
    ]
    for w, ward_id in enumerate(p.ward_ids):
        size, rate = p.ward_households[w], p.ward_rates[w]
        groups = p.groups[w]
        for kind in ("camera", "market_gate", "traffic_urban_order", "fire_safety_cluster"):
            if rng.random() < 0.7:
                founded = clock.day()
                model_rows.append(
                    [
                        *base(loader.next_id("model"), founded),
                        ward_id,
                        f"Mô hình {kind}",
                        kind,
                        founded,
                        "active",
                        "t" if rng.random() < 0.2 else "f",
                    ]
                )
        for gid in groups:
            for _ in range(rng.choices([1, 2, 3], [5, 3, 1])[0]):
                kind = rng.choices(*zip(*team_kinds, strict=True))[0]
                tid = loader.next_id("team")
                established = clock.day()
                members = rng.randint(3, 15)
                team_rows.append(
                    [
                        *base(tid, established),
                        ward_id,
                        kind,
                        f"Tổ {tid}",
                        established,
                        f"{tid}/QĐ-UBND",
                        "t",
                        members,
                    ]
                )
                for m in range(members):
                    member_rows.append(
                        [
                            *base(loader.next_id("member"), established),
                            tid,
                            person(rng),
                            "leader" if m == 0 else "member",
                            f"09{rng.randrange(10**8):08d}",
                            rng.randint(1955, 2000),
                            established,
                        ]
                    )
            # Outreach: about one session a group every three months, more in August.
            for _ in range(int(len(clock.years) * 4 * rng.uniform(0.5, 1.5))):
                held = clock.day(OUTREACH_MONTHS)
                outreach_rows.append(
                    [
                        *base(loader.next_id("outreach"), held),
                        ward_id,
                        gid,
                        held,
                        rng.choice(TOPICS),
                        rng.randint(15, 200),
                        "{front,police}" if rng.random() < 0.5 else "{women,youth,police}",
                    ]
                )
            # e-ID campaign tallies: one per group and month over the last three years.
            for year in years:
                for month in range(1, 13):
                    recorded = date(year, month, 25)
                    if recorded > today:
                        break
                    eid_rows.append(
                        [
                            *base(loader.next_id("eid"), recorded),
                            ward_id,
                            gid,
                            recorded,
                            rng.randint(0, 40),
                            rng.randint(0, 30),
                            rng.randint(0, 30),
                            rng.randint(0, 20),
                        ]
                    )
        for _ in range(int(size * 0.012 * len(clock.years) * rate)):
            received = clock.day(INCIDENT_MONTHS)
            outcome = rng.choices(["pending", "resolved", "unresolved", "referred"], [1, 6, 1, 1])[
                0
            ]
            closed = received + timedelta(days=rng.randint(1, 30))
            if closed > today:
                outcome = "pending"
            mediation_rows.append(
                [
                    *base(loader.next_id("mediation"), received),
                    ward_id,
                    rng.choice(groups),
                    received,
                    rng.choice(["land", "family", "neighbours", "debt", "other"]),
                    "Hai hộ liền kề",
                    "t" if rng.random() < 0.2 else "f",
                    outcome,
                    N if outcome == "pending" else closed,
                ]
            )
        for _ in range(int(size * 0.002 * len(clock.years) * rate)):
            received = clock.day(INCIDENT_MONTHS)
            item, unit = rng.choice(
                [("firecracker", "kg"), ("knife", "piece"), ("homemade_gun", "piece")]
            )
            weapon_rows.append(
                [
                    *base(loader.next_id("weapon"), received),
                    ward_id,
                    received,
                    item,
                    f"{rng.uniform(0.1, 5):.2f}" if unit == "kg" else rng.randint(1, 3),
                    unit,
                ]
            )
        for _ in range(int(size * 0.002 * rate)):
            started = clock.day()
            reint_rows.append(
                [
                    *base(loader.next_id("reint"), started),
                    ward_id,
                    rng.choice(groups),
                    person(rng),
                    rng.randint(1960, 2008),
                    rng.choice(["released_prisoner", "drug_rehab", "at_risk_youth"]),
                    started,
                    "Hội Cựu chiến binh",
                    "active",
                ]
            )
        for _ in range(max(1, size // 500)):
            awarded = clock.day()
            commend_rows.append(
                [
                    *base(loader.next_id("commend"), awarded),
                    ward_id,
                    rng.choice(["collective", "individual"]),
                    person(rng),
                    rng.choices(["ward", "province", "ministry"], [6, 3, 1])[0],
                    "UBND tỉnh",
                    awarded,
                    "Thành tích xuất sắc trong phong trào",
                ]
            )
    loader.copy(
        "movement_selfmanagementmodel",
        [*common, "name", "kind", "founded_on", "status", "exemplary"],
        model_rows,
    )
    loader.copy(
        "movement_team",
        [
            *common,
            *("kind", "name", "established_on", "decision_no", "roster_kept", "headcount"),
        ],
        team_rows,
    )
    loader.copy(
        "movement_teammember",
        [
            *("id", "created_at", "updated_at", "version", "team_id", "full_name", "role"),
            *("phone", "birth_year", "joined_on"),
        ],
        member_rows,
    )
    loader.copy(
        "movement_outreachsession",
        [*common, "group_id", "held_on", "topic", "attendees", "partners"],
        outreach_rows,
    )
    loader.copy(
        "movement_mediationcase",
        [
            *common,
            *("group_id", "received_on", "subject", "parties", "security_related", "outcome"),
            "closed_on",
        ],
        mediation_rows,
    )
    loader.copy(
        "movement_weaponsurrender",
        [*common, "received_on", "item", "quantity", "unit"],
        weapon_rows,
    )
    loader.copy(
        "movement_eidtally",
        [
            *common,
            *("group_id", "recorded_on", "chip_cards", "vneid_level1"),
            *("vneid_level2_collected", "vneid_level2_activated"),
        ],
        eid_rows,
    )
    loader.copy(
        "movement_reintegrationcase",
        [
            *common,
            *("group_id", "person_name", "birth_year", "category", "started_on", "sponsor"),
            "status",
        ],
        reint_rows,
    )
    loader.copy(
        "movement_commendation",
        [
            *common,
            *("recipient_kind", "recipient_name", "level", "issuer", "awarded_on", "reason"),
        ],
        commend_rows,
    )


def load_incidents(loader: Loader, p: Province, clock: Clock, rng: random.Random) -> None:
    from incidents.models import CASE_TYPE_OF_CATEGORY

    common = ["id", "created_at", "updated_at", "version", "ward_id"]
    categories, weights = zip(*INCIDENT_CATEGORIES, strict=True)
    tip_rows, incident_rows, hotspot_rows = [], [], []
    for w, ward_id in enumerate(p.ward_ids):
        size, rate, groups = p.ward_households[w], p.ward_rates[w], p.groups[w]
        tips = []
        for _ in range(int(size * 0.012 * len(clock.years) * rate)):
            tid = loader.next_id("tip")
            received = clock.moment(INCIDENT_MONTHS)
            tips.append(tid)
            tip_rows.append(
                [
                    *base(tid, received),
                    ward_id,
                    received.isoformat(),
                    rng.choice(["in_person", "phone", "hotline", "app", "anonymous"]),
                    "" if rng.random() < 0.4 else person(rng),
                    "Người dân báo tin",
                    rng.choices(categories, weights)[0],
                    rng.choices(["new", "verified", "unfounded"], [1, 3, 1])[0],
                ]
            )
        ids = []
        for _ in range(int(size * 0.015 * len(clock.years) * rate)):
            iid = loader.next_id("incident")
            ids.append(iid)
            occurred = clock.moment(INCIDENT_MONTHS)
            from_tip = tips and rng.random() < 0.2
            category = rng.choices(categories, weights)[0]
            case_type = CASE_TYPE_OF_CATEGORY[category].value
            incident_rows.append(
                [
                    *base(iid, occurred),
                    ward_id,
                    rng.choice(groups),
                    occurred.isoformat(),
                    category,
                    # Police statistics: the category's case type, a crime's lowest class.
                    case_type,
                    "less_serious" if case_type == "criminal" else "",
                    "f",
                    0,
                    0,
                    0,
                    0,
                    "",
                    "Vụ việc trên địa bàn",
                    "tip" if from_tip else rng.choice(["patrol", "camera", "victim", "other"]),
                    rng.choice(tips) if from_tip else N,
                    rng.choices([0, 1, 2, 3], [4, 4, 2, 1])[0],
                    rng.choices(["received", "verifying", "resolved", "transferred"], [1, 1, 6, 1])[
                        0
                    ],
                ]
            )
        p.incidents.append(ids)
        for n in range(max(1, size // 5000)):
            designated = clock.day()
            hotspot_rows.append(
                [
                    *base(loader.next_id("hotspot"), designated),
                    ward_id,
                    rng.choice(groups),
                    f"Điểm phức tạp {n + 1}",
                    "Tụ tập đông người",
                    designated,
                    "designated",
                ]
            )
    loader.copy(
        "incidents_tip",
        [*common, "received_at", "channel", "reporter", "content", "category", "status"],
        tip_rows,
    )
    loader.copy(
        "incidents_incident",
        [
            *common,
            *("group_id", "occurred_at", "category", "case_type", "severity", "cleared"),
            *("suspects_handled", "deaths", "injuries", "damage_vnd"),
            *("subcategory", "summary", "source"),
            *("tip_id", "suspects", "status"),
        ],
        incident_rows,
    )
    loader.copy(
        "incidents_hotspot",
        [*common, "group_id", "name", "reasons", "designated_on", "status"],
        hotspot_rows,
    )


def load_cameras(loader: Loader, p: Province, clock: Clock, rng: random.Random) -> None:
    from django.contrib.auth import get_user_model

    common = ["id", "created_at", "updated_at", "version", "ward_id"]
    officer = bench_officer(get_user_model())
    recorder_rows, camera_rows, contribution_rows, extraction_rows = [], [], [], []
    for w, ward_id in enumerate(p.ward_ids):
        size, groups = p.ward_households[w], p.groups[w]
        first_household, household_count = p.households[w]
        recorders = []
        for n in range(max(1, size // 2000)):
            rid = loader.next_id("recorder")
            recorders.append(rid)
            installed = clock.day()
            recorder_rows.append(
                [*base(rid, installed), ward_id, f"DVR{n + 1:03d}", "Nhà văn hóa", 16, installed]
            )
        for n in range(max(1, size // 60)):
            cid = loader.next_id("camera")
            installed = clock.day()
            owner = rng.choices(
                ["public", "community", "agency", "business", "household"], [2, 5, 1, 2, 3]
            )[0]
            camera_rows.append(
                [
                    *base(cid, installed),
                    ward_id,
                    rng.choice(groups),
                    f"CAM{n + 1:05d}",
                    f"Ngã ba đường {rng.choice(STREETS)}",
                    owner,
                    "contribution" if owner == "community" else "owner",
                    installed,
                    rng.choices(["active", "faulty"], [9, 1])[0],
                    rng.choice(recorders),
                    "t",
                    30,
                    "t" if rng.random() < 0.4 else "f",
                ]
            )
            for _ in range(rng.choices([0, 1, 3, 6], [3, 3, 2, 1])[0]):
                given = clock.day()
                contribution_rows.append(
                    [
                        *base(loader.next_id("contribution"), given),
                        ward_id,
                        person(rng),
                        first_household + rng.randrange(household_count),
                        rng.choice([200_000, 500_000, 1_000_000, 2_000_000]),
                        given,
                        "Lắp camera an ninh",
                        cid,
                    ]
                )
            for _ in range(rng.choices([0, 1, 2], [6, 3, 1])[0]):
                requested = clock.moment(INCIDENT_MONTHS)
                extraction_rows.append(
                    [
                        *base(loader.next_id("extraction"), requested),
                        cid,
                        requested.isoformat(),
                        officer,
                        "Xác minh vụ việc",
                        "t" if rng.random() < 0.5 else "f",
                        "",
                    ]
                )
    loader.copy(
        "cameras_recorder",
        [*common, "code", "location", "channels", "installed_on"],
        recorder_rows,
    )
    loader.copy(
        "cameras_camera",
        [
            *common,
            *("group_id", "code", "location", "owner_kind", "funding", "installed_on", "status"),
            *("recorder_id", "signage", "retention_days", "connected_to_police"),
        ],
        camera_rows,
    )
    loader.copy(
        "cameras_contribution",
        [
            *common,
            *("contributor_name", "household_id", "amount_vnd", "contributed_on", "purpose"),
            "camera_id",
        ],
        contribution_rows,
    )
    loader.copy(
        "cameras_videoextraction",
        [
            *("id", "created_at", "updated_at", "version", "camera_id", "requested_at"),
            *("requested_by_id", "purpose", "useful", "notes"),
        ],
        extraction_rows,
    )


def bench_officer(user_model) -> int:
    """The account that requested the generated video extractions (an administrator)."""
    user, _created = user_model.objects.get_or_create(
        username="bench.admin",
        defaults={"role": "admin", "scope_kind": "all", "is_staff": True},
    )
    return user.pk


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--skip-migrate", action="store_true")
    args = parser.parse_args(argv)
    url = bench_url()
    ensure_database(url)
    if not args.skip_migrate:
        manage(url, "migrate", "--no-input", "-v0")
        manage(url, "load_territory")
    setup_django(url)
    generate(households=args.households, seed=args.seed)


if __name__ == "__main__":
    main()
