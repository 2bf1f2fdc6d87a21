"""Phường Nam Định, Ninh Bình, and the old Nam Định city: "Toàn dân bảo vệ an ninh Tổ quốc tại
địa bàn, lĩnh vực trọng điểm ở thành phố Nam Định" (April 2022).

The old phường Thống Nhất (2,078 households, 8,389 residents, 69 public cameras and 314 others)
and Vị Hoàng (7 guards, 113 tips, what they led to, 76 urban-order violations) are now phường
Nam Định; the city's 581 community COVID-19 teams (4,067 members) are shared among its eight
successor wards, the ward cluster its steering committee still follows.
"""

import random
from datetime import date, timedelta
from functools import cache

from cameras.models import Camera
from demo.builder import WardBuilder, WardPlan
from demo.common import SEED, DemoUser, Role, Scope, exact_split, roads, save_all
from households.models import Ward, WardCluster
from incidents.models import Incident, Tip
from movement.models import Team, TeamMember

CODE = "13669"
CLUSTER_WARDS = (
    CODE,
    "13684",  # Thiên Trường
    "13693",  # Đông A
    "13699",  # Thành Nam
    "13708",  # Mỹ Lộc
    "13777",  # Trường Thi
    "13972",  # Vị Khê
    "13984",  # Hồng Quang
)
CLUSTER_NAME = "Thành phố Nam Định (cũ)"
CLUSTER_DESCRIPTION = (
    "Thành phố Nam Định trước ngày 1/7/2025 (25 phường, xã), nay là 8 phường của tỉnh Ninh Bình: "
    "Nam Định, Thiên Trường, Đông A, Thành Nam, Mỹ Lộc, Trường Thi, Vị Khê và Hồng Quang. "
    "Ban Chỉ đạo 138 của thành phố cũ tiếp tục theo dõi phong trào trên địa bàn này. Số liệu của "
    "phường Thống Nhất và phường Vị Hoàng cũ được ghi cho phường Nam Định."
)


def upsert_cluster(wards: dict[str, Ward]) -> WardCluster:
    """The old city as a ward cluster of its eight successor wards."""
    cluster, _ = WardCluster.objects.get_or_create(
        name=CLUSTER_NAME, defaults={"description": CLUSTER_DESCRIPTION}
    )
    if cluster.description != CLUSTER_DESCRIPTION:
        cluster.description = CLUSTER_DESCRIPTION
        cluster.save(update_fields=["description"])
    cluster.wards.set([wards[code] for code in CLUSTER_WARDS])
    return cluster


@cache
def covid_team_plan() -> dict[str, tuple[int, ...]]:
    """Headcounts of the 581 teams (4,067 members) per successor ward, the same in every run."""
    rng = random.Random(f"{SEED}:covid")
    per_ward = exact_split(rng, 581, len(CLUSTER_WARDS), low=40, spread=0.3)
    sizes = exact_split(rng, 4_067, 581, low=3, high=15, spread=0.3)
    plan, start = {}, 0
    for code, n in zip(CLUSTER_WARDS, per_ward, strict=True):
        plan[code] = tuple(sizes[start : start + n])
        start += n
    return plan


def covid_teams(b: WardBuilder) -> None:
    """This ward's share of the old Nam Định city's 581 community COVID-19 teams."""
    rows = [
        (f"Tổ COVID-19 cộng đồng số {n}", None, headcount)
        for n, headcount in enumerate(covid_team_plan()[b.ward.code], start=1)
    ]
    b.teams(Team.Kind.COVID_COMMUNITY, rows, start=date(2021, 10, 15), end=date(2021, 12, 31))


def build(b: WardBuilder) -> None:
    """Phường Nam Định, Ninh Bình: the old phường Thống Nhất and Vị Hoàng (article, April 2022)."""
    rng = b.rng
    streets = [*roads("Võ Nguyên Giáp, Trần Thánh Tông, Trường Chinh, Lê Hồng Phong"), "Quốc lộ 10"]
    # Not published: the number of groups in Thống Nhất. Thống Nhất and Vị Hoàng are not among
    # the former wards the package's legacy tables list for Phường Nam Định (they were merged
    # into other wards of the city before the July 2025 map), so these groups name no former
    # ward and count under "no former ward" in by=predecessor.
    thong_nhat = b.groups([f"Tổ dân phố {n}" for n in range(1, 13)], old="phường Thống Nhất")
    b.households(thong_nhat, count=2_078, residents=8_389, streets=streets)
    # 69 public cameras plus 314 of agencies, businesses and households.
    b.cameras(
        69,
        owners=Camera.OwnerKind.PUBLIC,
        funding=Camera.Funding.BUDGET,
        start=date(2020, 3, 1),
        end=date(2022, 3, 15),
        groups=thong_nhat,
        streets=streets,
        connected_to_police=True,
    )
    owners = [Camera.OwnerKind.AGENCY] * 41 + [Camera.OwnerKind.BUSINESS] * 117
    owners += [Camera.OwnerKind.HOUSEHOLD] * 156
    b.cameras(
        314,
        owners=owners,
        funding=Camera.Funding.OWNER,
        start=date(2018, 6, 1),
        end=date(2022, 3, 15),
        groups=thong_nhat,
        streets=streets,
    )

    # Vị Hoàng: 7 neighbourhood guards in 7 groups (households there were not published).
    vi_hoang = b.groups([f"Tổ dân phố {n}" for n in range(1, 8)], old="phường Vị Hoàng")
    b.teams(
        Team.Kind.NEIGHBOURHOOD_GUARD,
        [(f"Bảo vệ dân phố {b.label[g.pk]}", g, 1) for g in vi_hoang],
        start=date(2020, 6, 1),
        end=date(2020, 12, 15),
        roster=True,
    )
    guards = list(TeamMember.objects.filter(team__ward=b.ward).values_list("full_name", flat=True))

    # 113 tips from the guards since 2021 ...
    tip_kinds = (
        ("drugs", "Nghi vấn tụ tập sử dụng trái phép chất ma túy"),
        ("social_evils", "Nghi vấn tụ tập đánh bạc"),
        ("public_order_crime", "Nghi vấn trộm cắp tài sản"),
        ("public_order_crime", "Nhóm thanh niên tụ tập, có dấu hiệu gây rối"),
    )
    tips = [
        Tip(
            ward=b.ward,
            received_at=b.moment(b.day(date(2021, 1, 4), date(2022, 3, 28))),
            channel=Tip.Channel.SECURITY_TEAM,
            reporter=f"Bảo vệ dân phố {rng.choice(guards)}",
            content=content,
            category=category,
            status=rng.choice((Tip.Status.VERIFIED, Tip.Status.VERIFIED, Tip.Status.UNFOUNDED)),
        )
        for category, content in (rng.choice(tip_kinds) for _ in range(113))
    ]
    # ... which led to 3 drug cases (4 suspects), 2 gambling, 2 theft and 5 fights prevented.
    drugs = ("drugs", "tàng trữ trái phép chất ma túy", "Bắt quả tang tàng trữ chất ma túy")
    gambling = ("social_evils", "cờ bạc", "Bắt quả tang nhóm đối tượng đánh bạc")
    theft = ("public_order_crime", "trộm cắp tài sản", "Bắt quả tang trộm cắp tài sản")
    fight = ("public_order_crime", "đánh nhau", "Ngăn chặn kịp thời một vụ đánh nhau")
    led = [(drugs, 1), (drugs, 1), (drugs, 2), (gambling, 4), (gambling, 3), (theft, 1)]
    led += [(theft, 1), *[(fight, 0)] * 5]
    incidents = []
    for ((category, subcategory, summary), suspects), tip in zip(
        led, rng.sample(tips, k=len(led)), strict=True
    ):
        tip.category, tip.status = category, Tip.Status.VERIFIED
        incidents.append(
            b.incident(
                category,
                subcategory,
                summary,
                tip.received_at.date() + timedelta(days=rng.randint(1, 3)),
                suspects=suspects,
                # A fight prevented in time is no crime: an administrative matter.
                case_type=Incident.CaseType.ADMINISTRATIVE if subcategory == "đánh nhau" else None,
                group=rng.choice(vi_hoang),
                source=Incident.Source.TIP,
                tip=tip,
            )
        )
    save_all(Tip, tips)
    # 76 urban-order violations handled with the area police.
    incidents += [
        b.incident(
            "urban_order",
            "lấn chiếm vỉa hè, lòng đường",
            "Lấn chiếm vỉa hè, lòng đường để kinh doanh",
            b.day(date(2021, 3, 1), date(2022, 3, 31)),
            group=rng.choice(vi_hoang),
            source=Incident.Source.PATROL,
        )
        for _ in range(76)
    ]
    save_all(Incident, incidents)
    covid_teams(b)


def build_cluster_ward(b: WardBuilder) -> None:
    """Another successor ward of the old Nam Định city: its share of the COVID-19 teams."""
    covid_teams(b)


PLANS = (
    WardPlan(CODE, build, "ND", (20.4370, 106.1650)),
    *(WardPlan(code, build_cluster_ward) for code in CLUSTER_WARDS[1:]),
)
USERS = (DemoUser("viewer.namdinh", Role.STEERING_VIEWER, Scope.CLUSTER, "Vũ Thị Minh", "Ngọc"),)
