"""Phường Hà Giang 2, Tuyên Quang: the old phường Trần Phú, "Lan tỏa phong trào toàn dân bảo
vệ an ninh Tổ quốc trên địa bàn phường Trần Phú" (22 September 2017).

17 residential groups, 2,238 households and 8,795 residents; over 99% of households committed to
a safe area; over 50 self-managed groups; the "Cổng chợ văn minh" and traffic and urban-order
models.
"""

from datetime import date

from demo.builder import WardBuilder, WardPlan
from demo.common import roads
from movement.models import SelfManagementModel, Team

CODE = "00691"


def build(b: WardBuilder) -> None:
    """Phường Hà Giang 2, Tuyên Quang: the old phường Trần Phú (article of 22 September 2017)."""
    rng = b.rng
    streets = roads(
        "Trần Phú, Nguyễn Thái Học, Minh Khai, Lý Tự Trọng, Nguyễn Trãi, Bạch Đằng, Lê Quý Đôn"
    )
    groups = b.groups(
        [f"Tổ dân phố {n}" for n in range(1, 18)], old="phường Trần Phú", former="00691"
    )
    households = b.households(groups, count=2_238, residents=8_795, streets=streets)

    # "Over 99%" of households signed the safe-area commitment: 2,223 of 2,238 (99.3%) in 2017.
    signers = rng.sample(households, k=2_223)
    b.commitments(signers, year=2017, start=date(2017, 1, 3), end=date(2017, 8, 31))

    # "Over 50" self-managed groups: 52, three or four per residential group.
    rows = []
    for i in range(52):
        group = groups[i % len(groups)]
        number = i // len(groups) + 1
        rows.append((f"Tổ tự quản số {number} – {b.label[group.pk]}", group, rng.randint(6, 15)))
    b.teams(Team.Kind.SELF_MANAGED_GROUP, rows, start=date(2011, 3, 1), end=date(2017, 6, 30))

    b.model(
        "Cổng chợ văn minh",
        SelfManagementModel.Kind.MARKET_GATE,
        date(2015, 4, 8),
        groups=groups[:3],
        exemplary=True,
    )
    traffic = b.model(
        "Tổ liên hợp đảm bảo trật tự ATGT – Trật tự đô thị",
        SelfManagementModel.Kind.TRAFFIC_URBAN_ORDER,
        date(2016, 3, 2),
        groups=groups[:6],
        exemplary=True,
    )
    b.teams(
        Team.Kind.TRAFFIC_URBAN_ORDER,
        [("Tổ liên hợp đảm bảo trật tự ATGT – Trật tự đô thị", None, 12)],  # not published
        start=date(2016, 3, 2),
        end=date(2016, 3, 2),
        model=traffic,
    )


PLANS = (WardPlan(CODE, build, "HG2", (22.8270, 104.9830)),)
USERS = ()
