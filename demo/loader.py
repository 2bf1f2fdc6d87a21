"""Loading the demo (SPEC §13): the five wards of the source articles on today's map, and users.

The articles predate the July 2025 merger, so each figure is attached to the successor ward and
the old ward is named in its residential groups ("Tổ dân phố 1 (phường Thống Nhất cũ)") and, for
the former Nam Định city, in the ward cluster's description. The groups' ``former_ward`` is the
article's old ward (Ninh Khánh in Phường Hoa Lư, …), so the figures of records kept by group
count under it in ``by=predecessor``; Thống Nhất and Vị Hoàng, which the package's legacy tables
do not list, are the exception. Records are synthesised so that
direct counts over them reproduce the published figures exactly (3,677 households with 16,008
members, 5 incidents in the first 8 months of 2023 against 18 a year earlier, …). Figures the
articles do not give — e.g. how many households Tĩnh Gia and Hoa Lư have — are plausible choices,
marked "not published" in the ward's module; everything else (names, addresses, dates) is
synthetic. Each article's ward is one module: ``ba_ngoi``, ``ha_giang_2``, ``tinh_gia``,
``hoa_lu`` and ``nam_dinh`` (with the old city's other successor wards).
Records are bulk-inserted, except the Law 30/2023/QH15 force of Tĩnh Gia and Hoa Lư
(``demo.force``: teams, rosters, patrols, appraisals), entered through the services; the legacy
forces the articles describe are then ended on 1 July 2024 (``legacy_forces_end``).

Idempotent: users are upserted on every run (role, scope and names restored, password reset to
``settings.DEMO_PASSWORD``) and the cluster is get-or-created. Each ward is built in its own
savepoint, and only when it has no residential groups and no teams yet, so a second run changes
no count, and a ward where someone has started entering real data is left alone. The Nam Định
cluster's monthly reports of the last year (``demo.reporting``) follow, ward by ward, only for a
ward that has no report yet.
"""

from datetime import datetime

import pghistory
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from cameras.models import Camera, Contribution
from demo import ba_ngoi, ha_giang_2, hoa_lu, nam_dinh, reporting, tinh_gia
from demo.builder import WardBuilder
from demo.common import ADMIN, NATIONAL_VIEWER, upsert_users
from households.models import Household, Organisation, ResidentialGroup, Ward
from incidents.models import Incident, Tip
from movement.models import LAW_30_IN_FORCE, Commitment, Team, TeamMember
from movement.services import legacy_forces_end

WARDS = (ba_ngoi, ha_giang_2, tinh_gia, hoa_lu, nam_dinh)
PLANS = tuple(plan for ward in WARDS for plan in ward.PLANS)
DEMO_USERS = (
    ADMIN,
    *(user for ward in WARDS for user in ward.USERS),
    *reporting.USERS,
    NATIONAL_VIEWER,
)
# Before the earliest period an article describes (Hoa Lư's ten-year review, 2014–2023).
ENTERED_AT = timezone.make_aware(datetime(2013, 12, 31, 10, 0))
# Any constant; two load_demo runs at once (e.g. two `make run`) queue on it instead of racing.
ADVISORY_LOCK = 0x5EC0DE40


class TerritoryMissing(Exception):
    """The wards of the demo are not loaded."""


def demo_wards() -> dict[str, Ward]:
    codes = [plan.code for plan in PLANS]
    wards = {w.code: w for w in Ward.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in wards]
    if missing:
        raise TerritoryMissing(
            f"The demo wards {', '.join(missing)} are not in the database: "
            "run `manage.py load_territory` first."
        )
    return wards


def backdate_entries(ward: Ward) -> None:
    """Date the undated records (groups, households, organisations) before every article period.

    The statistics count them from the day they were entered (``created_at``); the articles
    describe them as they stood in 2014–2023, so the demo enters them on ENTERED_AT.
    """
    for model in (ResidentialGroup, Household, Organisation):
        model.objects.filter(ward=ward).update(created_at=ENTERED_AT)


def has_records(ward: Ward) -> bool:
    return (
        ResidentialGroup.objects.filter(ward=ward).exists()
        or Team.objects.filter(ward=ward).exists()
    )


def summary(ward: Ward) -> str:
    """One line of direct counts for the command's output."""
    households = Household.objects.filter(ward=ward)
    residents = households.aggregate(n=Sum("member_count"))["n"] or 0
    counts = {
        "groups": ResidentialGroup.objects.filter(ward=ward).count(),
        "households": households.count(),
        "residents": residents,
        "teams": Team.objects.filter(ward=ward).count(),
        "cameras": Camera.objects.filter(ward=ward).count(),
        "incidents": Incident.objects.filter(ward=ward).count(),
    }
    return ", ".join(f"{name} {value:,}" for name, value in counts.items())


def load_demo(*, password: str) -> list[str]:
    """Load the demo wards and users; return one summary line per ward. Safe to run again."""
    with pghistory.context(command="load_demo"), transaction.atomic():
        wards = demo_wards()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        cluster = nam_dinh.upsert_cluster(wards)
        users = upsert_users(DEMO_USERS, password=password, wards=wards, cluster=cluster)
        status = {}
        for plan in PLANS:
            ward = wards[plan.code]
            if has_records(ward):
                status[ward] = "already has records, left as is"
                continue
            builder = WardBuilder(ward, prefix=plan.prefix, centre=plan.centre, users=users)
            with transaction.atomic():
                plan.build(builder)
                backdate_entries(ward)
            status[ward] = "built"
        if "built" in status.values():
            analyze_bulk_tables()
        # The articles' neighbourhood guards predate Law 30/2023/QH15, which ended them.
        ended = legacy_forces_end(ward_ids=[ward.pk for ward in wards.values()])
        lines = [f"{w.code} {w.name}: {state} ({summary(w)})" for w, state in status.items()]
        lines.append(f"legacy forces ended on {LAW_30_IN_FORCE:%d/%m/%Y}: {ended.total}")
        reports = reporting.load_reports(wards, users)
        lines += [f"{w.code} {w.name} reports: {state}" for w, state in reports.items()]
        return lines


def analyze_bulk_tables() -> None:
    """Refresh planner statistics after a bulk load, so the first queries do not nest loops."""
    tables = (Household, Commitment, Team, TeamMember, Camera, Contribution, Incident, Tip)
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {names}")
