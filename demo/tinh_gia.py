"""Phường Tĩnh Gia, Thanh Hóa: the old phường Hải Hòa, "Dấu ấn phong trào 'Toàn dân bảo vệ an
ninh Tổ quốc' trên địa bàn phường Hải Hòa" (the first 8 months of 2023).

Guard, social-security and e-ID teams; 125 community cameras and 27 footage extractions; the
weapons surrendered at Tết; the e-ID campaign; 5 incidents in January-August 2023 against 18 a
year earlier.
"""

from datetime import date, timedelta
from decimal import Decimal

from cameras.models import Camera, VideoExtraction
from demo.builder import WardBuilder, WardPlan
from demo.common import DemoUser, Role, Scope, apportion, exact_split, roads, save_all
from demo.force import ForcePlan, build_force
from incidents.models import Incident
from movement.models import (
    EidTally,
    MediationCase,
    SelfManagementModel,
    Team,
    WeaponSurrender,
)

CODE = "16561"


INCIDENTS = (
    ("public_order_crime", "trộm cắp tài sản", "Trộm cắp tài sản tại nhà dân"),
    ("public_order_crime", "gây rối trật tự công cộng", "Gây rối trật tự công cộng"),
    ("public_order_crime", "cố ý gây thương tích", "Xô xát dẫn đến cố ý gây thương tích"),
    ("drugs", "tàng trữ trái phép chất ma túy", "Phát hiện tàng trữ trái phép chất ma túy"),
    ("social_evils", "đánh bạc", "Bắt quả tang nhóm đối tượng đánh bạc"),
    ("cyber_fraud", "lừa đảo qua mạng", "Lừa đảo chiếm đoạt tài sản qua mạng"),
    ("weapons_firecrackers", "tàng trữ pháo nổ", "Phát hiện tàng trữ pháo nổ"),
    ("civil_dispute", "tranh chấp đất đai", "Tranh chấp ranh giới đất giữa hai hộ"),
)


def build(b: WardBuilder) -> None:
    """Phường Tĩnh Gia, Thanh Hóa: the old phường Hải Hòa, first 8 months of 2023."""
    rng = b.rng
    streets = roads("Lê Thế Sơn, Bình Minh, Tuệ Tĩnh, Nguyễn Du, Hải Hòa, Ven Biển")
    names = [
        *(f"Tổ dân phố {n}" for n in ("Tiền Phong", "Quang Trung", "Bắc Sơn", "Nam Sơn")),
        *(f"Tổ dân phố {n}" for n in ("Trung Hòa", "Đông Hải", "Tân Phong", "Hồng Phong")),
        *(f"Tiểu khu {n}" for n in range(1, 7)),
    ]
    # Not published: the number of groups (14, one per guard and e-ID team), households, residents.
    groups = b.groups(names, old="phường Hải Hòa", former="16561")
    households = b.households(groups, count=4_126, residents=16_742, streets=streets)
    b.commitments(
        rng.sample(households, k=3_993), year=2023, start=date(2023, 1, 3), end=date(2023, 8, 31)
    )

    # 14 neighbourhood guard teams with 27 members, on a roster.
    guards = exact_split(rng, 27, 14, low=1, high=3)
    b.teams(
        Team.Kind.NEIGHBOURHOOD_GUARD,
        [(f"Tổ bảo vệ dân phố {b.label[g.pk]}", g, n) for g, n in zip(groups, guards, strict=True)],
        start=date(2015, 1, 5),
        end=date(2020, 12, 20),
        roster=True,
    )
    # 128 social-security groups with 3,437 members (declared headcounts).
    sizes = exact_split(rng, 3_437, 128, low=10, spread=0.3)
    rows = []
    for i, headcount in enumerate(sizes):
        group = groups[i % len(groups)]
        rows.append(
            (f"Tổ an ninh xã hội số {i // len(groups) + 1} – {b.label[group.pk]}", group, headcount)
        )
    b.teams(Team.Kind.SOCIAL_SECURITY_GROUP, rows, start=date(2019, 2, 1), end=date(2022, 12, 15))
    # 14 e-ID guidance teams with 235 members, one per group.
    sizes = exact_split(rng, 235, 14, low=10, spread=0.25)
    b.teams(
        Team.Kind.EID_GUIDANCE,
        [
            (f"Tổ hướng dẫn định danh điện tử {b.label[g.pk]}", g, n)
            for g, n in zip(groups, sizes, strict=True)
        ],
        start=date(2023, 2, 20),
        end=date(2023, 3, 10),
    )

    b.mediations(
        11,
        groups=groups,
        start=date(2023, 1, 4),
        end=date(2023, 8, 31),
        outcome=MediationCase.Outcome.RESOLVED,
        security_related=True,
    )

    camera_model = b.model(
        "Camera giám sát gắn với công tác bảo đảm ANTT và vệ sinh môi trường",
        SelfManagementModel.Kind.CAMERA,
        date(2019, 5, 15),
        groups=groups,
        exemplary=True,
    )
    b.model(
        "Khu dân cư an toàn về phòng cháy, chữa cháy",
        SelfManagementModel.Kind.FIRE_SAFETY_CLUSTER,
        date(2020, 9, 10),
        groups=groups[:8],
    )
    cameras = b.cameras(
        125,
        owners=Camera.OwnerKind.COMMUNITY,
        funding=Camera.Funding.CONTRIBUTION,
        start=date(2019, 6, 1),
        end=date(2022, 12, 20),
        groups=groups,
        streets=streets,
        model=camera_model,
        connected_to_police=True,
    )

    # Tết Quý Mão 2023 peak: 1 homemade gun, 1.5 kg firecrackers, 2.3 kg explosives.
    Item, Unit = WeaponSurrender.Item, WeaponSurrender.Unit
    save_all(
        WeaponSurrender,
        [
            WeaponSurrender(
                ward=b.ward, received_on=day, item=item, quantity=Decimal(qty), unit=unit
            )
            for day, item, qty, unit in (
                (date(2023, 1, 9), Item.HOMEMADE_GUN, "1", Unit.PIECE),
                (date(2023, 1, 12), Item.FIRECRACKER, "1.5", Unit.KG),
                (date(2023, 1, 16), Item.EXPLOSIVE, "2.3", Unit.KG),
            )
        ],
    )

    # e-ID campaign counters per group at the end of August 2023.
    weights = [0] * len(groups)
    index = {g.pk: i for i, g in enumerate(groups)}
    for h in households:
        weights[index[h.group_id]] += h.member_count
    shares = zip(
        groups,
        apportion(287, weights),
        apportion(7_081, weights),
        apportion(5_845, weights),
        strict=True,
    )
    save_all(
        EidTally,
        [
            EidTally(
                ward=b.ward,
                group=g,
                recorded_on=date(2023, 8, 31),
                vneid_level1=level1,
                vneid_level2_collected=collected,
                vneid_level2_activated=activated,
            )
            for g, level1, collected, activated in shares
        ],
    )

    # 5 incidents in January-August 2023, 72% fewer than the 18 of January-August 2022.
    sources = (Incident.Source.VICTIM, Incident.Source.PATROL, Incident.Source.CAMERA)

    def incident(kind, day):
        category, subcategory, summary = kind
        no_suspect = category in ("cyber_fraud", "civil_dispute")
        return b.incident(
            category,
            subcategory,
            summary,
            day,
            suspects=0 if no_suspect else rng.randint(1, 3),
            group=rng.choice(groups),
            source=rng.choice(sources),
        )

    this_year = save_all(
        Incident,
        [
            incident(INCIDENTS[i], b.day(date(2023, 1, 2), date(2023, 8, 20)))
            for i in (0, 3, 4, 1, 5)
        ],
    )
    save_all(
        Incident,
        [
            incident(rng.choice(INCIDENTS), b.day(date(2022, 1, 2), date(2022, 8, 30)))
            for _ in range(18)
        ],
    )

    # 27 video extractions in January-August 2023; the first five for this year's incidents.
    officer = b.users["police.tinhgia"]
    purposes = (
        "Xác minh vụ va chạm giao thông",
        "Truy tìm tài sản bị mất",
        "Xác minh phản ánh của người dân",
        "Truy tìm đối tượng gây rối",
    )
    extractions = [
        VideoExtraction(
            camera=rng.choice(cameras),
            requested_at=b.moment(inc.occurred_at.date() + timedelta(days=1)),
            requested_by=officer,
            purpose=f"Làm rõ vụ việc: {inc.summary.lower()}",
            incident=inc,
            useful=True,
        )
        for inc in this_year
    ]
    extractions += [
        VideoExtraction(
            camera=rng.choice(cameras),
            requested_at=b.moment(b.day(date(2023, 1, 2), date(2023, 8, 31))),
            requested_by=officer,
            purpose=rng.choice(purposes),
            useful=rng.random() < 0.75,
        )
        for _ in range(22)
    ]
    save_all(VideoExtraction, extractions)

    # Not in the article (it predates Law 30/2023/QH15): the grassroots security teams that
    # replaced the guards on 1 July 2024, one for every two groups (demo.force).
    build_force(b, groups, FORCE, streets)


FORCE = ForcePlan(
    decision_no="86/QĐ-UBND", decision_on=date(2024, 6, 25), appraisal_decision_no="245/QĐ-UBND"
)


PLANS = (WardPlan(CODE, build, "TG", (19.3600, 105.7950)),)
USERS = (
    DemoUser("police.tinhgia", Role.WARD_POLICE, Scope.WARD, "Lê Văn", "Thắng", CODE),
    DemoUser("clerk.tinhgia", Role.WARD_STAFF, Scope.WARD, "Nguyễn Thị", "Hằng", CODE),
)
