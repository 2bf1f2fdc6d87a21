"""Phường Ba Ngòi, Khánh Hòa: "Phường Ba Ngòi: Lá cờ đầu của phong trào" (9 March 2020).

10 residential groups, 3,677 households and 16,008 residents; 31 outreach sessions for over
4,000 people in 2019; four self-management models, "Camera an ninh" among them: 61 cameras on two
recorders, nearly 2 billion đồng from residents; 79 people who erred, managed and educated in
the community in 2019.
"""

from datetime import date, timedelta

from cameras.models import Camera, Contribution, Recorder
from demo.builder import WardBuilder, WardPlan
from demo.common import DemoUser, Role, Scope, exact_split, roads, save_all
from movement.models import OutreachSession, ReintegrationCase, SelfManagementModel

CODE = "22423"


def build(b: WardBuilder) -> None:
    """Phường Ba Ngòi, Khánh Hòa (article of 9 March 2020)."""
    rng = b.rng
    streets = roads("Hùng Vương, Nguyễn Trọng Kỷ, Lê Duẩn, Phạm Văn Đồng, Trần Phú, Lê Lợi")
    groups = b.groups(
        [f"Tổ dân phố {n}" for n in range(1, 11)], old="phường Ba Ngòi", former="22423"
    )
    households = b.households(groups, count=3_677, residents=16_008, streets=streets)

    # 2019: 31 outreach sessions for "over 4,000" attendees (4,062).
    topics = (
        "Nâng cao ý thức cảnh giác, phòng ngừa tội phạm",
        "Phòng, chống tội phạm và tệ nạn xã hội",
        "Phòng, chống ma túy trong thanh thiếu niên",
        "Phòng, chống trộm cắp tài sản",
        "Tích cực tố giác tội phạm",
        "Bảo đảm trật tự an toàn giao thông",
        "Quản lý, giáo dục con em không phạm tội và tệ nạn xã hội",
    )
    partners = [p for p in OutreachSession.Partner if p not in ("police", "other")]
    attendees = exact_split(rng, 4_062, 31, low=60, spread=0.3)
    sessions = [
        OutreachSession(
            ward=b.ward,
            group=rng.choice(groups) if rng.random() < 0.8 else None,
            held_on=b.day(date(2019, 1, 5), date(2019, 12, 28)),
            topic=rng.choice(topics),
            attendees=n,
            partners=["police", *sorted(rng.sample(partners, k=rng.randint(1, 2)))],
        )
        for n in attendees
    ]
    save_all(OutreachSession, sessions)

    # Four self-management models, the "Camera an ninh" one since 2017.
    camera_model = b.model(
        "Camera an ninh",
        SelfManagementModel.Kind.CAMERA,
        date(2017, 3, 15),
        groups=groups,
        exemplary=True,
    )
    b.model(
        "Khu dân cư tự quản về an ninh, trật tự",
        SelfManagementModel.Kind.OTHER,
        date(2016, 5, 10),
        groups=groups,
    )
    b.model(
        "Quản lý, giáo dục người thân, con em trong gia đình không phạm tội và tệ nạn xã hội",
        SelfManagementModel.Kind.OTHER,
        date(2016, 8, 20),
    )
    b.model(
        "Phòng ngừa, ngăn chặn tội phạm, tệ nạn xã hội trong thanh niên",
        SelfManagementModel.Kind.OTHER,
        date(2018, 3, 26),
    )

    # 61 cameras and 2 recorders, all paid for by residents.
    recorders = save_all(
        Recorder,
        [
            Recorder(ward=b.ward, code=code, location=place, channels=32, installed_on=day)
            for code, place, day in (
                ("BN-DT-01", "Trụ sở Công an phường", date(2017, 5, 18)),
                ("BN-DT-02", "Nhà văn hóa Tổ dân phố 6", date(2018, 6, 12)),
            )
        ],
    )
    for recorder, count in zip(recorders, (32, 29), strict=True):
        b.cameras(
            count,
            owners=Camera.OwnerKind.COMMUNITY,
            funding=Camera.Funding.CONTRIBUTION,
            start=recorder.installed_on,
            end=date(2019, 12, 20),
            groups=groups,
            streets=streets,
            recorder=recorder,
            model=camera_model,
            connected_to_police=True,
        )

    # "Nearly 2 billion đồng" over 2017-2019: 1,946,500,000 from 1,500 households.
    amounts = exact_split(rng, 1_946_500_000 // 50_000, 1_500, low=2, spread=0.6)
    givers = rng.sample(households, k=len(amounts))
    contributions = [
        Contribution(
            ward=b.ward,
            contributor_name=h.head_name,
            household=h,
            amount_vnd=units * 50_000,
            contributed_on=b.day(date(2017, 3, 20), date(2019, 12, 28)),
            purpose="Đóng góp xây dựng mô hình Camera an ninh",
        )
        for h, units in zip(givers, amounts, strict=True)
    ]
    save_all(Contribution, contributions)

    # 79 people who erred, managed and educated in the community in 2019 (the article's year):
    # each was under management at some time in 2019, so no case ends before 2019.
    categories = list(ReintegrationCase.Category)
    weights = (25, 20, 15, 20, 15, 5)
    sponsors = (
        "Hội Phụ nữ",
        "Chi hội Cựu chiến binh",
        "Chi đoàn Thanh niên",
        "Ban công tác Mặt trận",
    )
    cases = []
    for _ in range(79):
        category = rng.choices(categories, weights)[0]
        young = category == ReintegrationCase.Category.AT_RISK_YOUTH
        started = b.day(date(2017, 1, 10), date(2019, 12, 20))
        ended = max(started + timedelta(days=rng.randint(180, 900)), date(2019, 1, 2))
        done = ended <= date(2020, 3, 1)
        group = rng.choice(groups)
        cases.append(
            ReintegrationCase(
                ward=b.ward,
                group=group,
                person_name=b.person(female=rng.random() < 0.15),
                birth_year=rng.randint(2000, 2004) if young else rng.randint(1970, 1999),
                category=category,
                started_on=started,
                ended_on=ended if done else None,
                sponsor=f"{rng.choice(sponsors)} {b.label[group.pk]}",
                status=ReintegrationCase.Status.COMPLETED
                if done
                else ReintegrationCase.Status.ACTIVE,
            )
        )
    save_all(ReintegrationCase, cases)


PLANS = (WardPlan(CODE, build, "BN", (11.9050, 109.1400)),)
USERS = (
    DemoUser("police.bangoi", Role.WARD_POLICE, Scope.WARD, "Trương Minh", "Khoa", CODE),
    DemoUser("clerk.bangoi", Role.WARD_STAFF, Scope.WARD, "Lê Thị Thu", "Hà", CODE),
)
