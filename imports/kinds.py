"""What can be imported: per kind, the model and its services, the columns (model field names,
Vietnamese aliases), the natural key that decides create or update, and how a cell's text becomes
a value the service takes."""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cameras import services as camera_services
from cameras.models import Camera, Contribution, Recorder
from households import services as household_services
from households.models import Household, Organisation, ResidentialGroup, WardSuccession
from incidents import services as incident_services
from incidents.models import Incident
from movement import services as movement_services
from movement.models import (
    Commitment,
    MediationCase,
    OrganisationCommitmentTally,
    OutreachSession,
    Patrol,
    Team,
    TeamAppraisal,
    TeamMember,
)
from wardsecurity.models import WardRecord
from wardsecurity.scope import role_may_see
from wardsecurity.validators import fold_accents

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

TEXT, NUMBER, DATE, BOOL, CHOICE, LOOKUP, WARD, MANY, DATETIME = (
    "text",
    "number",
    "date",
    "bool",
    "choice",
    "lookup",
    "ward",
    "many",
    "datetime",
)
# A cell of a many-valued column lists its values separated by ";" (or on separate lines).
SEPARATOR = re.compile(r"[;\n]")


@dataclass(frozen=True)
class Lookup:
    """A link written as a natural key of a record of the same ward (a group by its name)."""

    model: str  # "households.ResidentialGroup"
    field: str  # the natural key: "name" (matched accent-insensitively) or "code" (exactly)

    def key(self, value: str) -> str:
        return fold(value) if self.field == "name" else value.strip()

    def table(self, ward):
        """natural key -> id for the ward; an ambiguous key maps to None."""
        model = apps.get_model(self.model)
        found = {}
        records = model.objects.filter(**{model.ward_path: ward})
        for pk, value in records.values_list("pk", self.field):
            key = self.key(value)
            found[key] = None if key in found else pk
        return found


# Cell readers of the MANY and DATETIME columns: ``table(ward)`` is built once per import, and
# the run reads each cell's text with its ``read``, which raises ``CellError`` for a bad cell.


@dataclass(frozen=True)
class ManyLookup:
    """Several records of the ward, named by their natural keys: "Tổ 1; Tổ 2"."""

    model: str
    field: str

    def table(self, ward):
        return _ManyTable(Lookup(self.model, self.field), ward)


def split_many(value: str) -> tuple:
    return tuple(part.strip() for part in SEPARATOR.split(value) if part.strip())


class _ManyTable:
    def __init__(self, lookup, ward):
        self.lookup = lookup
        self.ids = lookup.table(ward)

    def read(self, text):
        found = []
        for name in split_many(text):
            key = self.lookup.key(name)
            if key not in self.ids:
                raise CellError(NAMED_NOT_FOUND % {"value": name[:50]})
            if self.ids[key] is None:
                raise CellError(NAMED_AMBIGUOUS % {"value": name[:50]})
            if self.ids[key] not in found:
                found.append(self.ids[key])
        return sorted(found)


@dataclass(frozen=True)
class ChoiceList:
    """Several values of a list-of-choices field, by value or label: "Công an; Đoàn Thanh niên"."""

    model: str
    field: str

    def table(self, ward):
        return _ChoiceListTable(apps.get_model(self.model)._meta.get_field(self.field))


class _ChoiceListTable:
    def __init__(self, model_field):
        self.order = [value for value, _label in model_field.base_field.choices]
        self.values = {}
        for value, label in model_field.base_field.choices:
            self.values[fold(value)] = value
            for language in ("vi", "en"):
                with translation.override(language):
                    self.values[fold(str(label))] = value

    def read(self, text):
        chosen = set()
        for word in split_many(text):
            value = self.values.get(fold(word))
            if value is None:
                raise CellError(BAD_CHOICE % {"value": word[:50]})
            chosen.add(value)
        return [value for value in self.order if value in chosen]


@dataclass(frozen=True)
class DateTimeCell:
    """A moment written dd/mm/yyyy hh:mm (or ISO) in the portal's time zone.

    The value is the UTC text a stored datetime prints as, so the natural key of a row and of the
    record it matches compare equal, and the model's datetime field reads it unchanged.
    """

    def table(self, ward):
        return self

    def read(self, text):
        return to_datetime_text(text.strip())


@dataclass(frozen=True)
class Column:
    key: str  # the model field name (the API's name too)
    aliases: tuple = ()  # Vietnamese headers
    type: str = TEXT
    required: bool = False
    # The cell reader of a LOOKUP, MANY or DATETIME column.
    lookup: "Lookup | ManyLookup | ChoiceList | DateTimeCell | None" = None
    example: str = ""


@dataclass(frozen=True)
class Kind:
    """One kind of record: a row creates a record through ``create`` or, when its natural key
    names a record of the ward, updates that one through ``update`` (the entity's services)."""

    name: str  # the kind's name in URLs and in ``ImportBatch.kind``
    model: type[WardRecord]
    create: Callable  # create(*, actor, data) -> record
    update: Callable  # update(*, actor, instance, data, expected_version=None) -> record
    columns: tuple
    natural_key: tuple  # column keys
    ward_in_data: bool = True  # the row names its ``ward`` (else it follows a link: a group…)
    # A row's rules read the rows before it (the cap on a team appraisal's top level counts the
    # ward's other appraisals): validation keeps the earlier rows of the file, rolled back at the
    # end, so each row is checked as the commit will check it (``imports.rows``).
    sequential: bool = False
    label: "str | StrPromise" = ""
    aliases: dict = field(default_factory=dict, compare=False)

    def column(self, key):
        return next(c for c in self.columns if c.key == key)

    def header(self, key):
        column = self.column(key)
        return column.aliases[0] if column.aliases else column.key

    def may_import(self, user) -> bool:
        """Whether ``user``'s role may import this kind at all (sensitive kinds: police only)."""
        return role_may_see(user, self.model)


def fold(value) -> str:
    """The accent-, case- and space-insensitive form of a header or a name."""
    text = unicodedata.normalize("NFC", str(value))
    return re.sub(r"\s+", " ", fold_accents(text)).strip()


WARD_COLUMN = Column(
    "ward", ("Mã xã/phường", "Mã phường", "Mã xã", "Mã đơn vị hành chính"), WARD, example="22423"
)
# The unit of the map before 1 July 2025 the row comes from (a predecessor of the ward), by its
# old code or name: needed beside the ward when that unit was split among several new wards.
FORMER_WARD_COLUMN = Column(
    "former_ward",
    ("Xã/phường cũ", "Mã xã/phường cũ", "Phường cũ", "Xã cũ"),
    WARD,
)
GROUP = Lookup("households.ResidentialGroup", "name")
# A household by its code, an organisation by its name (a commitment's or contribution's signer).
HOUSEHOLD_COLUMN = Column(
    "household",
    ("Mã hộ",),
    LOOKUP,
    lookup=Lookup("households.Household", "code"),
    example="BN-0001",
)
ORGANISATION_COLUMN = Column(
    "organisation",
    ("Cơ quan, tổ chức", "Tên tổ chức"),
    LOOKUP,
    lookup=Lookup("households.Organisation", "name"),
)
# The optional residential group of a ward record, written by its name.
GROUP_COLUMN = Column(
    "group", ("Tổ dân phố", "Tổ", "Thôn"), LOOKUP, lookup=GROUP, example="Tổ dân phố 1"
)
MANY_GROUPS = ManyLookup("households.ResidentialGroup", "name")
# A team of the ward by its name (a member's, a patrol's or an appraisal's team).
TEAM = Lookup("movement.Team", "name")

KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            name="households",
            model=Household,
            create=household_services.household_create,
            update=household_services.household_update,
            label=_("Households"),
            ward_in_data=False,
            natural_key=("code",),
            columns=(
                Column("code", ("Mã hộ",), required=True, example="BN-0001"),
                Column(
                    "head_name", ("Chủ hộ", "Họ tên chủ hộ"), required=True, example="Nguyễn Văn An"
                ),
                Column(
                    "group",
                    ("Tổ dân phố", "Tổ", "Thôn", "Khu phố"),
                    LOOKUP,
                    required=True,
                    lookup=GROUP,
                    example="Tổ dân phố 1",
                ),
                Column("address", ("Địa chỉ",), required=True, example="12 Đường Ba Ngòi"),
                Column(
                    "member_count",
                    ("Số nhân khẩu", "Nhân khẩu"),
                    NUMBER,
                    required=True,
                    example="4",
                ),
                Column("phone", ("Số điện thoại", "Điện thoại"), example="+84901234567"),
                Column("residence", ("Cư trú", "Loại cư trú"), CHOICE, example="Thường trú"),
                Column("active", ("Còn cư trú", "Đang cư trú"), BOOL, example="Có"),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="organisations",
            model=Organisation,
            create=household_services.organisation_create,
            update=household_services.organisation_update,
            label=_("Organisations"),
            natural_key=("name",),
            columns=(
                Column(
                    "name",
                    ("Tên", "Tên cơ quan, tổ chức", "Tên tổ chức"),
                    required=True,
                    example="Trường Tiểu học Ba Ngòi",
                ),
                Column(
                    "kind", ("Loại", "Loại hình"), CHOICE, required=True, example="Cơ sở giáo dục"
                ),
                GROUP_COLUMN,
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="commitments",
            model=Commitment,
            create=movement_services.commitment_create,
            update=movement_services.commitment_update,
            label=_("Commitments"),
            ward_in_data=False,
            natural_key=("household", "organisation", "year", "kind"),
            columns=(
                HOUSEHOLD_COLUMN,
                ORGANISATION_COLUMN,
                Column("year", ("Năm",), NUMBER, required=True, example="2025"),
                Column(
                    "kind",
                    ("Loại cam kết", "Nội dung cam kết"),
                    CHOICE,
                    required=True,
                    example="Không sản xuất, buôn bán, sử dụng pháo trái phép",
                ),
                Column("signed_on", ("Ngày ký",), DATE, required=True, example="15/01/2025"),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="recorders",
            model=Recorder,
            create=camera_services.recorder_create,
            update=camera_services.recorder_update,
            label=_("Recorders"),
            natural_key=("code",),
            columns=(
                Column("code", ("Mã đầu thu",), required=True, example="DT-01"),
                Column(
                    "location", ("Vị trí", "Nơi đặt"), required=True, example="Nhà văn hóa tổ 1"
                ),
                Column("channels", ("Số kênh",), NUMBER, example="8"),
                Column(
                    "installed_on", ("Ngày lắp đặt",), DATE, required=True, example="01/03/2024"
                ),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="cameras",
            model=Camera,
            create=camera_services.camera_create,
            update=camera_services.camera_update,
            label=_("Cameras"),
            natural_key=("code",),
            columns=(
                Column("code", ("Mã camera",), required=True, example="CAM-001"),
                Column(
                    "location", ("Vị trí", "Nơi lắp"), required=True, example="Ngã ba chợ Ba Ngòi"
                ),
                Column(
                    "owner_kind", ("Chủ sở hữu",), CHOICE, required=True, example="Cộng đồng dân cư"
                ),
                Column(
                    "funding",
                    ("Nguồn kinh phí",),
                    CHOICE,
                    required=True,
                    example="Xã hội hóa (nhân dân đóng góp)",
                ),
                Column(
                    "installed_on", ("Ngày lắp đặt",), DATE, required=True, example="01/03/2024"
                ),
                Column("status", ("Tình trạng",), CHOICE, example="Đang hoạt động"),
                Column("removed_on", ("Ngày tháo dỡ",), DATE),
                GROUP_COLUMN,
                Column(
                    "recorder",
                    ("Mã đầu thu", "Đầu thu"),
                    LOOKUP,
                    lookup=Lookup("cameras.Recorder", "code"),
                ),
                Column("latitude", ("Vĩ độ",), NUMBER),
                Column("longitude", ("Kinh độ",), NUMBER),
                Column("signage", ("Có biển cảnh báo", "Biển cảnh báo"), BOOL, example="Có"),
                Column("retention_days", ("Số ngày lưu trữ",), NUMBER, example="30"),
                Column("connected_to_police", ("Kết nối công an",), BOOL, example="Không"),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="teams",
            model=Team,
            create=movement_services.team_create,
            update=movement_services.team_update,
            label=pgettext_lazy("import kind", "Teams"),
            natural_key=("name",),
            columns=(
                Column(
                    "name",
                    ("Tên tổ", "Tên tổ, đội", "Tên"),
                    required=True,
                    example="Tổ bảo vệ ANTT tổ dân phố 1",
                ),
                Column(
                    "kind",
                    ("Loại tổ", "Loại hình"),
                    CHOICE,
                    required=True,
                    example="Tổ bảo vệ an ninh, trật tự ở cơ sở",
                ),
                Column(
                    "groups",
                    ("Địa bàn phụ trách", "Tổ dân phố", "Thôn"),
                    MANY,
                    lookup=MANY_GROUPS,
                    example="Tổ dân phố 1; Tổ dân phố 2",
                ),
                Column(
                    "established_on",
                    ("Ngày thành lập",),
                    DATE,
                    required=True,
                    example="01/07/2024",
                ),
                Column("dissolved_on", ("Ngày giải thể",), DATE),
                Column(
                    "decision_no",
                    ("Số quyết định", "Quyết định thành lập"),
                    example="125/QĐ-UBND",
                ),
                Column(
                    "decision_on",
                    ("Ngày quyết định", "Ngày ký quyết định"),
                    DATE,
                    example="28/06/2024",
                ),
                Column("headcount", ("Số thành viên", "Quân số"), NUMBER, example="5"),
                Column(
                    "roster_kept",
                    ("Quản lý danh sách thành viên", "Có danh sách thành viên"),
                    BOOL,
                    example="Không",
                ),
                Column(
                    "model",
                    ("Mô hình tự quản", "Thuộc mô hình"),
                    LOOKUP,
                    lookup=Lookup("movement.SelfManagementModel", "name"),
                ),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="team-members",
            model=TeamMember,
            create=movement_services.team_member_create,
            update=movement_services.team_member_update,
            label=pgettext_lazy("import kind", "Team members"),
            ward_in_data=False,
            natural_key=("team", "full_name"),
            columns=(
                Column(
                    "team",
                    ("Tên tổ", "Tổ, đội", "Thuộc tổ"),
                    LOOKUP,
                    required=True,
                    lookup=Lookup("movement.Team", "name"),
                    example="Tổ bảo vệ ANTT tổ dân phố 1",
                ),
                Column(
                    "full_name", ("Họ và tên", "Họ tên"), required=True, example="Trần Văn Bình"
                ),
                Column("role", ("Chức danh", "Chức vụ"), CHOICE, example="Tổ viên"),
                Column("phone", ("Số điện thoại", "Điện thoại"), example="+84905123456"),
                Column("birth_year", ("Năm sinh",), NUMBER, example="1978"),
                Column("joined_on", ("Ngày tham gia", "Ngày vào tổ"), DATE, example="01/07/2024"),
                Column("left_on", ("Ngày thôi tham gia", "Ngày ra khỏi tổ"), DATE),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="contributions",
            model=Contribution,
            create=camera_services.contribution_create,
            update=camera_services.contribution_update,
            label=pgettext_lazy("import kind", "Contributions"),
            natural_key=("contributor_name", "contributed_on", "purpose"),
            columns=(
                Column(
                    "contributor_name",
                    ("Người đóng góp", "Tên người đóng góp", "Họ tên người đóng góp"),
                    required=True,
                    example="Ông Nguyễn Văn An",
                ),
                Column(
                    "amount_vnd",
                    ("Số tiền (đồng)", "Số tiền", "Số tiền (VNĐ)"),
                    NUMBER,
                    required=True,
                    example="500000",
                ),
                Column(
                    "contributed_on", ("Ngày đóng góp",), DATE, required=True, example="15/05/2025"
                ),
                Column(
                    "purpose",
                    ("Mục đích", "Nội dung"),
                    required=True,
                    example="Lắp camera ngã ba chợ",
                ),
                HOUSEHOLD_COLUMN,
                ORGANISATION_COLUMN,
                Column(
                    "camera",
                    ("Mã camera",),
                    LOOKUP,
                    lookup=Lookup("cameras.Camera", "code"),
                    example="CAM-001",
                ),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="outreach-sessions",
            model=OutreachSession,
            create=movement_services.outreach_session_create,
            update=movement_services.outreach_session_update,
            label=pgettext_lazy("import kind", "Outreach sessions"),
            natural_key=("held_on", "topic"),
            columns=(
                Column(
                    "held_on", ("Ngày tổ chức", "Ngày"), DATE, required=True, example="20/04/2025"
                ),
                Column(
                    "topic",
                    ("Chủ đề", "Nội dung tuyên truyền", "Nội dung"),
                    required=True,
                    example="Phòng chống lừa đảo qua mạng",
                ),
                Column("attendees", ("Số người tham dự", "Số lượt người"), NUMBER, example="120"),
                Column(
                    "partners",
                    ("Đơn vị phối hợp", "Phối hợp"),
                    MANY,
                    lookup=ChoiceList("movement.OutreachSession", "partners"),
                    example="Công an; Đoàn Thanh niên",
                ),
                GROUP_COLUMN,
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="mediation-cases",
            model=MediationCase,
            create=movement_services.mediation_case_create,
            update=movement_services.mediation_case_update,
            label=pgettext_lazy("import kind", "Mediation cases"),
            natural_key=("received_on", "parties"),
            columns=(
                Column(
                    "received_on", ("Ngày tiếp nhận",), DATE, required=True, example="03/02/2025"
                ),
                Column(
                    "parties",
                    ("Các bên", "Các bên tranh chấp", "Đương sự"),
                    required=True,
                    example="Hộ ông Lê Văn Cường và hộ bà Phạm Thị Dung",
                ),
                Column(
                    "subject",
                    ("Lĩnh vực", "Loại việc"),
                    CHOICE,
                    required=True,
                    example="Quan hệ láng giềng",
                ),
                Column("outcome", ("Kết quả",), CHOICE, example="Hòa giải thành"),
                Column("closed_on", ("Ngày kết thúc",), DATE, example="20/02/2025"),
                Column(
                    "security_related",
                    ("Liên quan an ninh, trật tự", "Liên quan ANTT"),
                    BOOL,
                    example="Không",
                ),
                GROUP_COLUMN,
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="patrols",
            model=Patrol,
            create=movement_services.patrol_create,
            update=movement_services.patrol_update,
            label=pgettext_lazy("import kind", "Patrols"),
            natural_key=("team", "patrolled_on", "shift"),
            columns=(
                Column(
                    "team",
                    ("Tên tổ", "Tổ, đội", "Tổ trực"),
                    LOOKUP,
                    required=True,
                    lookup=TEAM,
                    example="Tổ bảo vệ ANTT tổ dân phố 1",
                ),
                Column(
                    "patrolled_on",
                    ("Ngày trực", "Ngày tuần tra", "Ngày"),
                    DATE,
                    required=True,
                    example="14/03/2025",
                ),
                Column("shift", ("Ca trực", "Ca"), CHOICE, required=True, example="Ca đêm"),
                Column(
                    "area",
                    ("Địa bàn", "Địa bàn tuần tra", "Khu vực"),
                    required=True,
                    example="Tổ dân phố 1, đường Hùng Vương",
                ),
                Column(
                    "members_on_duty",
                    ("Số người trực", "Số thành viên tham gia", "Quân số"),
                    NUMBER,
                    required=True,
                    example="3",
                ),
                Column(
                    "findings",
                    ("Tình hình phát hiện", "Kết quả", "Nội dung phát hiện"),
                    example="Nhắc nhở 2 nhóm thanh niên tụ tập sau 23 giờ",
                ),
                Column(
                    "incidents_found",
                    ("Số vụ việc phát hiện", "Số vụ việc"),
                    NUMBER,
                    example="0",
                ),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="team-appraisals",
            model=TeamAppraisal,
            create=movement_services.team_appraisal_create,
            update=movement_services.team_appraisal_update,
            label=pgettext_lazy("import kind", "Team appraisals"),
            natural_key=("team", "year"),
            sequential=True,
            columns=(
                Column(
                    "team",
                    ("Tên tổ", "Tổ, đội", "Tổ bảo vệ ANTT"),
                    LOOKUP,
                    required=True,
                    lookup=TEAM,
                    example="Tổ bảo vệ ANTT tổ dân phố 1",
                ),
                Column("year", ("Năm đánh giá", "Năm"), NUMBER, required=True, example="2025"),
                Column(
                    "level",
                    ("Xếp loại", "Mức xếp loại", "Kết quả xếp loại"),
                    CHOICE,
                    required=True,
                    example="Hoàn thành tốt nhiệm vụ",
                ),
                Column(
                    "decision_no",
                    ("Số quyết định", "Quyết định"),
                    example="312/QĐ-UBND",
                ),
                Column("note", ("Ghi chú",)),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="organisation-commitment-tallies",
            model=OrganisationCommitmentTally,
            create=movement_services.organisation_commitment_tally_create,
            update=movement_services.organisation_commitment_tally_update,
            label=pgettext_lazy("import kind", "Organisations' commitment tallies"),
            natural_key=("organisation", "year"),
            columns=(
                Column(
                    "organisation",
                    ("Cơ quan, tổ chức", "Tên tổ chức", "Tên cơ quan, tổ chức"),
                    LOOKUP,
                    required=True,
                    lookup=Lookup("households.Organisation", "name"),
                    example="Trường Tiểu học Ba Ngòi",
                ),
                Column("year", ("Năm",), NUMBER, required=True, example="2025"),
                Column(
                    "staff_count",
                    ("Tổng số cán bộ, nhân viên", "Số cán bộ, nhân viên", "Tổng số"),
                    NUMBER,
                    required=True,
                    example="42",
                ),
                Column(
                    "signed_count",
                    ("Số người đã ký cam kết", "Số đã ký cam kết", "Số đã ký"),
                    NUMBER,
                    required=True,
                    example="42",
                ),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
        Kind(
            name="incidents",
            model=Incident,
            create=incident_services.incident_create,
            update=incident_services.incident_update,
            label=pgettext_lazy("import kind", "Incidents"),
            natural_key=("occurred_at", "category", "summary"),
            columns=(
                Column(
                    "occurred_at",
                    ("Thời gian xảy ra", "Thời điểm xảy ra"),
                    DATETIME,
                    required=True,
                    lookup=DateTimeCell(),
                    example="15/03/2025 21:30",
                ),
                Column(
                    "category",
                    ("Loại vụ việc", "Lĩnh vực"),
                    CHOICE,
                    required=True,
                    example="Ma túy",
                ),
                Column(
                    "summary",
                    ("Tóm tắt", "Nội dung vụ việc", "Tóm tắt vụ việc"),
                    required=True,
                    example="Phát hiện đối tượng tàng trữ trái phép chất ma túy",
                ),
                Column(
                    "source",
                    ("Nguồn tin", "Nguồn phát hiện"),
                    CHOICE,
                    required=True,
                    example="Tuần tra, kiểm soát",
                ),
                Column("subcategory", ("Phân loại chi tiết", "Tội danh, hành vi")),
                # "Loại vụ việc" names the category (files written before the case type).
                Column(
                    "case_type",
                    ("Phân loại thống kê", "Loại vụ việc (thống kê)", "Tính chất vụ việc"),
                    CHOICE,
                    required=True,
                    example="Hình sự",
                ),
                Column(
                    "severity",
                    ("Mức độ nghiêm trọng", "Phân loại tội phạm", "Loại tội phạm"),
                    CHOICE,
                    example="Ít nghiêm trọng",
                ),
                Column("suspects", ("Số đối tượng",), NUMBER, example="1"),
                Column("suspects_handled", ("Số đối tượng đã xử lý",), NUMBER, example="1"),
                Column("cleared", ("Điều tra làm rõ", "Đã làm rõ"), BOOL, example="Có"),
                Column("cleared_on", ("Ngày làm rõ",), DATE, example="20/03/2025"),
                Column("deaths", ("Số người chết", "Người chết"), NUMBER),
                Column("injuries", ("Số người bị thương", "Người bị thương"), NUMBER),
                Column("damage_vnd", ("Thiệt hại (đồng)", "Thiệt hại ước tính (đồng)"), NUMBER),
                Column(
                    "status", ("Tình trạng xử lý", "Tình trạng"), CHOICE, example="Đã tiếp nhận"
                ),
                GROUP_COLUMN,
                Column("latitude", ("Vĩ độ",), NUMBER),
                Column("longitude", ("Kinh độ",), NUMBER),
                WARD_COLUMN,
                FORMER_WARD_COLUMN,
            ),
        ),
    )
}


def header_map(kind: Kind) -> dict:
    """folded header text -> column key: the key itself and every Vietnamese alias."""
    found = {}
    for column in kind.columns:
        for name in (column.key, *column.aliases):
            found[fold(name)] = column.key
    return found


def choice_map(kind: Kind, key: str) -> dict:
    """folded value or label (Vietnamese or English) -> stored value."""
    model_field = kind.model._meta.get_field(key)
    found = {}
    # A CHOICE column names a concrete field with choices.
    assert isinstance(model_field, models.Field) and model_field.choices is not None
    for value, label in model_field.choices:
        found[fold(value)] = value
        for language in ("vi", "en"):
            with translation.override(language):
                found[fold(str(label))] = value
    return found


# Cells -> values the shape step and the service take ------------------------------------------

TRUE_WORDS = {"1", "x", "co", "true", "yes", "dung", "đung"}
FALSE_WORDS = {"0", "khong", "false", "no", "sai"}
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})\Z")
_DMY_DATE = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})\Z")
_SHORT_YEAR = re.compile(r"[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}\Z")
_SERIAL = re.compile(r"[0-9]{3,6}(\.[0-9]+)?\Z")

SERIAL_DATE = _(
    "This looks like an Excel date serial number; format the cell as a date or write it as "
    "dd/mm/yyyy."
)
SHORT_YEAR = _("Write the year with four digits (dd/mm/yyyy).")
BAD_DATE = _("Enter a date as dd/mm/yyyy.")
NO_SUCH_DATE = _("This date does not exist (dates are read as dd/mm/yyyy).")
BAD_BOOL = _("Write “Có” or “Không”.")
BAD_CHOICE = _("“%(value)s” is not one of the allowed values.")
NOT_FOUND = _("No record of this ward has this name or code.")
AMBIGUOUS = _("Several records of this ward have this name; make the names distinct first.")
OTHER_WARD = _("This row belongs to another ward; import it in that ward.")
NAMED_NOT_FOUND = _("“%(value)s”: no record of this ward has this name or code.")
NAMED_AMBIGUOUS = _(
    "“%(value)s”: several records of this ward have this name; make the names distinct first."
)
BAD_DATETIME = _("Enter a date and time as dd/mm/yyyy hh:mm.")
NO_TIME = _("Write the time too, as dd/mm/yyyy hh:mm.")
KEY_AMBIGUOUS = _(
    "Several records of this ward have the same %(columns)s, so this row cannot tell which one "
    "to update; make them distinct first."
)


SPLIT_FORMER_WARD = _(
    "“%(former)s” was split among several new wards (%(wards)s): write the new ward in the "
    "“Mã xã/phường” column and the former ward in the “Xã/phường cũ” column."
)
NOT_PREDECESSOR = _("“%(value)s” is not one of the former wards merged into %(ward)s.")
FORMER_WARDS_DIFFER = _(
    "The ward column names %(ward_column)s but this column names %(former)s; keep one."
)
GROUP_OF_OTHER_FORMER_WARD = _(
    "The residential group “%(group)s” lay in %(group_former)s, not in %(former)s."
)


class CellError(Exception):
    pass


class WardCells:
    """The ward and former-ward cells of the rows imported into ``ward`` (docs/imports.md).

    The ward cell may name the ward itself (code or name) or one of its predecessors on the map
    before 1 July 2025 (old code or name) that went wholly into it; a predecessor split among
    several new wards (or only partly merged) must be named in the former-ward column, with the
    ward column naming the new ward. The predecessor found must be the one of the row's group,
    when the group names one.
    """

    def __init__(self, ward):
        self.ward = ward
        self.ward_code, self.ward_name = ward.code, fold(ward.name)
        links = WardSuccession.objects.filter(former_ward__successions__ward=ward).select_related(
            "former_ward", "ward"
        )
        self.successors: dict[int, list] = {}
        self.former = {}
        for link in links.order_by("ward__code"):
            self.successors.setdefault(link.former_ward_id, []).append(link)
            self.former[link.former_ward_id] = link.former_ward
        self.by_key: dict[str, int | None] = {}
        for former_id, unit in self.former.items():
            self.by_key[unit.code] = former_id
            for key in self._name_keys(unit.name):
                self.by_key[key] = (
                    None if self.by_key.get(key, former_id) != former_id else former_id
                )
        groups = ResidentialGroup.objects.filter(ward=ward, former_ward__isnull=False)
        self.group_former = {}
        self.group_names = {}
        for group in groups.select_related("former_ward"):
            self.group_former[group.pk] = group.former_ward_id
            self.group_names[group.pk] = group.name
            self.former.setdefault(group.former_ward_id, group.former_ward)
        self.cache: dict = {}

    @staticmethod
    def _name_keys(name):
        """ "Phường Hải Hòa" is also "Hải Hòa", "phường Hải Hòa (cũ)" and "Hải Hòa cũ"."""
        folded = fold(name)
        bare = re.sub(r"^(thi tran|phuong|xa) ", "", folded)
        return {folded, bare}

    def _find(self, text):
        """The predecessor ``text`` names (old code or name, with or without "(cũ)"), or None;
        a name two predecessors share is None too."""
        key = fold(text)
        key = re.sub(r"(\s+cu|\s*\(cu\))$", "", key).strip()
        if key.isdigit() and len(key) <= 5:
            key = key.zfill(5)
        found = self.by_key.get(key)
        if found is None:
            found = self.by_key.get(re.sub(r"^(thi tran|phuong|xa) ", "", key))
        return found

    def _is_this_ward(self, text):
        return text.strip() == self.ward_code or fold(text) == self.ward_name

    def _split(self, former_id):
        """Whether the predecessor did not go wholly into this ward alone."""
        links = self.successors[former_id]
        return len(links) > 1 or any(link.partly for link in links)

    def _split_message(self, former_id):
        wards = ", ".join(
            f"{link.ward.name} ({link.ward.code})" for link in self.successors[former_id]
        )
        unit = self.former[former_id]
        return SPLIT_FORMER_WARD % {"former": f"{unit.name} ({unit.code})", "wards": wards}

    def read(self, ward_cell, former_cell, group_id=None):
        """(the predecessor's id or None, {column key: message})."""
        key = (
            None if blank(ward_cell) else to_text(ward_cell),
            None if blank(former_cell) else to_text(former_cell),
            group_id,
        )
        if key not in self.cache:
            self.cache[key] = self._read(*key)
        return self.cache[key]

    def _read(self, ward_text, former_text, group_id):
        errors = {}
        mapped = None
        names_ward = False
        if ward_text is not None:
            if self._is_this_ward(ward_text):
                names_ward = True
            elif (found := self._find(ward_text)) is None or self.ward.pk not in {
                link.ward_id for link in self.successors[found]
            }:
                errors["ward"] = OTHER_WARD
            elif self._split(found):
                errors["ward"] = self._split_message(found)
            else:
                mapped = found
        if former_text is not None:
            found = self._find(former_text)
            if found is None or self.ward.pk not in {
                link.ward_id for link in self.successors[found]
            }:
                errors["former_ward"] = NOT_PREDECESSOR % {
                    "value": former_text.strip()[:50],
                    "ward": self.ward.name,
                }
            elif mapped is not None and found != mapped:
                errors["former_ward"] = FORMER_WARDS_DIFFER % {
                    "ward_column": self.former[mapped].former_label,
                    "former": self.former[found].former_label,
                }
            elif self._split(found) and not names_ward:
                errors["former_ward"] = self._split_message(found)
            else:
                mapped = found
        group_former = self.group_former.get(group_id)
        if mapped is not None and group_former is not None and group_former != mapped:
            errors["group"] = GROUP_OF_OTHER_FORMER_WARD % {
                "group": self.group_names[group_id],
                "group_former": self.former[group_former].former_label,
                "former": self.former[mapped].former_label,
            }
        return (None if errors else mapped), errors


def to_date(cell):
    """A date from a workbook date, ISO yyyy-mm-dd or dd/mm/yyyy; nothing is guessed."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        raise CellError(SERIAL_DATE)
    text = str(cell).strip()
    if match := _ISO_DATE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY_DATE.match(text):
        day, month, year = (int(g) for g in match.groups())
    elif _SHORT_YEAR.match(text):
        raise CellError(SHORT_YEAR)
    elif _SERIAL.match(text):
        raise CellError(SERIAL_DATE)
    else:
        raise CellError(BAD_DATE)
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(NO_SUCH_DATE) from exc


_DMY_TIME = re.compile(
    r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})[ T]+([0-9]{1,2})[:h]([0-9]{2})(?::([0-9]{2}))?\Z"
)
_ISO_TIME = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})[ T]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\Z"
)


def to_datetime_text(text):
    """The UTC text of a local ``dd/mm/yyyy hh:mm[:ss]`` or ISO moment; a date alone is refused."""
    text = re.sub(r"\s+", " ", str(text)).strip()
    if match := _DMY_TIME.match(text):
        day, month, year, hour, minute, second = match.groups()
    elif match := _ISO_TIME.match(text):
        year, month, day, hour, minute, second = match.groups()
    elif _DMY_DATE.match(text) or _ISO_DATE.match(text):
        raise CellError(NO_TIME)
    elif _SERIAL.match(text):
        raise CellError(SERIAL_DATE)
    else:
        raise CellError(BAD_DATETIME)
    try:
        moment = dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
        )
    except ValueError as exc:
        raise CellError(NO_SUCH_DATE) from exc
    local = timezone.make_aware(moment, timezone.get_default_timezone())
    return str(local.astimezone(dt.UTC))


def to_bool(cell):
    if isinstance(cell, bool):
        return cell
    word = fold(cell)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(BAD_BOOL)


def to_number_text(cell):
    """Numbers stay text for the shape step (``imports.shape``), which reads only the digits 0-9
    ("1.500.000" is refused there)."""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def to_text(cell):
    """Text exactly as written: "=SUM(A1)" and "+84…" stay text, never evaluated."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime) and cell.time() != dt.time():
        return cell.strftime("%d/%m/%Y %H:%M:%S" if cell.second else "%d/%m/%Y %H:%M")
    if isinstance(cell, dt.datetime | dt.date):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


def preview_values(spec: Kind, columns: dict, cells: list, choices: dict) -> dict:
    """A row as the preview shows it: each mapped column's text as written, except that a
    choice written as its stored code or English label reads as its label in the active
    language (Vietnamese by default): "no_firecrackers" shows as the commitment people know.
    ``choices``: each choice column's ``choice_map``, computed once per file."""
    values = {}
    for i, (key, header) in columns.items():
        cell = cells[i] if i < len(cells) else None
        if cell is None:
            values[header] = ""
            continue
        values[header] = to_text(cell)
        stored = choices[key].get(fold(cell)) if key in choices and not blank(cell) else None
        if stored is not None:
            model_field = spec.model._meta.get_field(key)
            assert isinstance(model_field, models.Field)  # a CHOICE column: a concrete field
            values[header] = str(dict(model_field.flatchoices)[stored])
    return values


def blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def model_has_default(kind: Kind, key: str) -> bool:
    try:
        model_field = kind.model._meta.get_field(key)
    except FieldDoesNotExist:  # ``ward`` of a kind whose ward follows a link
        return False
    if model_field.many_to_many:
        # An empty cell leaves the links as they are (none, for a new record).
        return True
    return isinstance(model_field, models.Field) and model_field.has_default()
