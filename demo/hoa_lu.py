"""Phường Hoa Lư, Ninh Bình: the old phường Ninh Khánh, "Phường Ninh Khánh tổng kết 10 năm thực
hiện Chương trình phối hợp về 'Đẩy mạnh phong trào toàn dân bảo vệ an ninh Tổ quốc trong tình
hình mới'" (the review of 10 May 2023).

96 neighbourhood guards, 65 mediation cases resolved, three self-management models, 99.5% of
residents with chip ID cards and 76.3% with VNeID level 2, 5 collectives and 10 individuals
commended.
"""

from datetime import date, timedelta

from demo.builder import WardBuilder, WardPlan
from demo.common import exact_split, ratio_count, roads, save_all
from demo.force import ForcePlan, build_force
from movement.models import (
    Commendation,
    EidTally,
    MediationCase,
    SelfManagementModel,
    Team,
)

CODE = "14329"


def build(b: WardBuilder) -> None:
    """Phường Hoa Lư, Ninh Bình: the old phường Ninh Khánh, ten-year review of May 2023."""
    rng = b.rng
    streets = roads("Trần Hưng Đạo, Tràng An, Lê Đại Hành, Đinh Tiên Hoàng, Xuân Thành, Kim Đồng")
    review = date(2023, 5, 10)
    # Not published: the number of groups, households and residents.
    groups = b.groups(
        [f"Tổ dân phố {n}" for n in range(1, 17)], old="phường Ninh Khánh", former="14344"
    )
    households = b.households(groups, count=3_540, residents=12_860, streets=streets)
    residents = sum(h.member_count for h in households)
    b.commitments(households, year=2023, start=date(2023, 1, 3), end=date(2023, 4, 28))

    # The neighbourhood guard force at full strength: 96 members, one team per group.
    sizes = exact_split(rng, 96, len(groups), low=4, high=9, spread=0.2)
    b.teams(
        Team.Kind.NEIGHBOURHOOD_GUARD,
        [(f"Tổ bảo vệ dân phố {b.label[g.pk]}", g, n) for g, n in zip(groups, sizes, strict=True)],
        start=date(2013, 6, 1),
        end=date(2016, 12, 20),
        roster=True,
    )
    b.mediations(
        65,
        groups=groups,
        start=date(2013, 6, 1),
        end=date(2023, 4, 28),
        outcome=MediationCase.Outcome.RESOLVED,
    )
    b.model(
        "Sáng, sạch, bình an",
        SelfManagementModel.Kind.BRIGHT_CLEAN_SAFE,
        date(2017, 3, 20),
        groups=groups,
        exemplary=True,
    )
    b.model("Lắp đặt camera an ninh", SelfManagementModel.Kind.CAMERA, date(2019, 8, 15))
    b.model(
        "Tổ liên gia an toàn về phòng cháy, chữa cháy",
        SelfManagementModel.Kind.FIRE_SAFETY_CLUSTER,
        date(2020, 10, 5),
        groups=groups[:10],
    )

    # 99.5% of residents with chip ID cards, over 76.3% with VNeID level 2 activated.
    activated = ratio_count(residents, 763)
    EidTally.objects.create(
        ward=b.ward,
        recorded_on=review - timedelta(days=1),
        chip_cards=ratio_count(residents, 995),
        vneid_level2_collected=activated,
        vneid_level2_activated=activated,
    )

    # Commended at the review: 5 collectives and 10 individuals.
    reason = (
        "Có thành tích xuất sắc trong 10 năm thực hiện Chương trình phối hợp số 09 về đẩy mạnh "
        "phong trào toàn dân bảo vệ an ninh Tổ quốc trong tình hình mới"
    )
    collectives = [
        f"Tổ dân phố {rng.randint(1, 5)} (phường Ninh Khánh cũ)",
        "Ban bảo vệ dân phố phường Ninh Khánh",
        f"Chi hội Phụ nữ Tổ dân phố {rng.randint(6, 9)}",
        f"Chi đoàn Thanh niên Tổ dân phố {rng.randint(10, 12)}",
        f"Chi hội Cựu chiến binh Tổ dân phố {rng.randint(13, 16)}",
    ]
    individuals = [b.person() for _ in range(10)]
    Kind = Commendation.RecipientKind
    save_all(
        Commendation,
        [
            Commendation(
                ward=b.ward,
                recipient_kind=kind,
                recipient_name=name,
                level=Commendation.Level.WARD,
                issuer="UBND phường Ninh Khánh",
                awarded_on=review,
                reason=reason,
            )
            for kind, names in ((Kind.COLLECTIVE, collectives), (Kind.INDIVIDUAL, individuals))
            for name in names
        ],
    )

    # Not in the review (it predates Law 30/2023/QH15): the grassroots security teams that
    # replaced the 96 guards on 1 July 2024, one for every two groups (demo.force).
    build_force(b, groups, FORCE, streets)


FORCE = ForcePlan(
    decision_no="112/QĐ-UBND", decision_on=date(2024, 6, 27), appraisal_decision_no="318/QĐ-UBND"
)

PLANS = (WardPlan(CODE, build, "HL", (20.2570, 105.9550)),)
USERS = ()
