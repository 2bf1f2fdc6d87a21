"""What every demo ward shares: the seed, synthetic names, exact splits of published totals,
bulk saves, and the demo users (SPEC §13).

Deterministic: each ward draws from its own ``random.Random`` seeded with SEED and the ward code
(see ``demo.builder``), so a ward comes out the same whichever other wards are built in the same
run.
"""

import math
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from households.models import Ward, WardCluster
from wardsecurity.models import User

SEED = "ward-security-demo-1"
BATCH = 2000


# --- Synthetic names ---------------------------------------------------------------------------

SURNAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 10),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Vũ", 4),
    ("Phan", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Đinh", 2),
    ("Trương", 1),
    ("Mai", 1),
    ("Đào", 1),
    ("Lương", 1),
)
MALE_MIDDLE = ("Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Quốc")
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Kim")
MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hòa", "Hùng", "Huy", "Khánh", "Kiên",
    "Long", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Thành",
    "Trung", "Tuấn", "Việt", "Vinh",
)  # fmt: skip
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Liên", "Linh",
    "Loan", "Mai", "Nga", "Ngân", "Nhung", "Oanh", "Phượng", "Thảo", "Thủy", "Trang", "Tuyết",
    "Vân", "Xuân", "Yến",
)  # fmt: skip


# --- Exact splits ------------------------------------------------------------------------------


def exact_split(rng, total, parts, *, low=1, high=None, spread=0.35) -> list[int]:
    """``parts`` integers in [low, high] scattered around the mean that sum exactly to ``total``."""
    mean = total / parts
    high = high or max(low + 1, math.ceil(mean * 2.5))
    if not low * parts <= total <= high * parts:
        raise ValueError(f"cannot split {total} into {parts} parts of {low}..{high}")
    values = [min(high, max(low, round(rng.gauss(mean, mean * spread)))) for _ in range(parts)]
    step = 1 if total > sum(values) else -1
    missing = abs(total - sum(values))
    while missing:
        i = rng.randrange(parts)
        if low <= values[i] + step <= high:
            values[i] += step
            missing -= 1
    return values


def apportion(total, weights) -> list[int]:
    """``total`` shared in proportion to ``weights`` (largest remainder), summing exactly."""
    whole = sum(weights)
    quotients = [divmod(total * w, whole) for w in weights]
    values = [q for q, _ in quotients]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-quotients[i][1], i))
    for i in by_remainder[: total - sum(values)]:
        values[i] += 1
    return values


def ratio_count(residents, per_mille) -> int:
    """The smallest count whose share of ``residents`` is at least ``per_mille`` ‰."""
    return -(-residents * per_mille // 1000)


def roads(names: str) -> list[str]:
    """Street names for addresses: "Hùng Vương, Lê Lợi" -> ["đường Hùng Vương", "đường Lê Lợi"]."""
    return [f"đường {name}" for name in names.split(", ")]


def save_all(model, objs):
    return model.objects.bulk_create(objs, batch_size=BATCH)


# --- Users -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    scope_kind: str
    last_name: str  # họ và tên đệm
    first_name: str  # tên
    ward: str | None = None  # the ward's code, for a ward scope
    province_of: str | None = None  # for a province scope: the code of a ward of the province


Role, Scope = User.Role, User.ScopeKind
# The users of no one ward; each ward's module declares its own (``USERS``).
ADMIN = DemoUser("admin", Role.ADMIN, Scope.ALL, "Đặng Quốc", "Bảo")
NATIONAL_VIEWER = DemoUser("viewer.all", Role.STEERING_VIEWER, Scope.ALL, "Phạm Đức", "Long")


def upsert_users(
    users: tuple[DemoUser, ...],
    *,
    password: str,
    wards: dict[str, Ward],
    cluster: WardCluster,
) -> dict[str, User]:
    """Create or restore every demo user, with the demo password."""
    # One hash for all: hashing is deliberately slow, and every demo user has the same
    # documented password anyway.
    hashed = make_password(password)
    result = {}
    for spec in users:
        user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.role, user.scope_kind = spec.role, spec.scope_kind
        user.scope_province = wards[spec.province_of].province if spec.province_of else None
        user.scope_ward = wards[spec.ward] if spec.ward else None
        user.scope_cluster = cluster if spec.scope_kind == Scope.CLUSTER else None
        user.is_staff = user.is_superuser = spec.role == Role.ADMIN
        user.is_active = True
        user.password = hashed
        user.save()
        result[spec.username] = user
    return result
