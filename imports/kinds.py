"""What can be imported: per kind, the columns (API field names, Vietnamese aliases), the natural
key that decides create or update, and how a cell's text becomes a value the API accepts."""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from wardsecurity.validators import fold_accents

TEXT, NUMBER, DATE, BOOL, CHOICE, LOOKUP, WARD = (
    "text",
    "number",
    "date",
    "bool",
    "choice",
    "lookup",
    "ward",
)


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
        for pk, value in model.objects.filter(ward=ward).values_list("pk", self.field):
            key = self.key(value)
            found[key] = None if key in found else pk
        return found


@dataclass(frozen=True)
class Column:
    key: str  # the API field name
    aliases: tuple = ()  # Vietnamese headers
    type: str = TEXT
    required: bool = False
    lookup: Lookup | None = None
    example: str = ""


@dataclass(frozen=True)
class Kind:
    name: str  # the API resource name: model, serializer and services are its viewset's
    columns: tuple
    natural_key: tuple  # column keys
    ward_in_data: bool = True  # the serializer takes ``ward`` (else it follows a link)
    label: str = ""
    aliases: dict = field(default_factory=dict, compare=False)

    @property
    def viewset(self):
        from wardsecurity.api.urls import router

        return next(vs for prefix, vs, _basename in router.registry if prefix == self.name)

    @property
    def model_class(self):
        return self.viewset.model

    @property
    def serializer_class(self):
        return self.viewset.serializer_class

    @property
    def service_functions(self):
        create, update, _delete = self.viewset.services
        return create, update

    def column(self, key):
        return next(c for c in self.columns if c.key == key)


def fold(value) -> str:
    """The accent-, case- and space-insensitive form of a header or a name."""
    text = unicodedata.normalize("NFC", str(value))
    return re.sub(r"\s+", " ", fold_accents(text)).strip()


WARD_COLUMN = Column(
    "ward", ("Mã xã/phường", "Mã phường", "Mã xã", "Mã đơn vị hành chính"), WARD, example="22423"
)
GROUP = Lookup("households.ResidentialGroup", "name")

KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            name="households",
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
            ),
        ),
        Kind(
            name="organisations",
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
                Column(
                    "group",
                    ("Tổ dân phố", "Tổ", "Thôn"),
                    LOOKUP,
                    lookup=GROUP,
                    example="Tổ dân phố 1",
                ),
                WARD_COLUMN,
            ),
        ),
        Kind(
            name="commitments",
            label=_("Commitments"),
            ward_in_data=False,
            natural_key=("household", "organisation", "year", "kind"),
            columns=(
                Column(
                    "household",
                    ("Mã hộ",),
                    LOOKUP,
                    lookup=Lookup("households.Household", "code"),
                    example="BN-0001",
                ),
                Column(
                    "organisation",
                    ("Cơ quan, tổ chức", "Tên tổ chức"),
                    LOOKUP,
                    lookup=Lookup("households.Organisation", "name"),
                ),
                Column("year", ("Năm",), NUMBER, required=True, example="2025"),
                Column(
                    "kind",
                    ("Loại cam kết", "Nội dung cam kết"),
                    CHOICE,
                    required=True,
                    example="no_firecrackers",
                ),
                Column("signed_on", ("Ngày ký",), DATE, required=True, example="15/01/2025"),
                WARD_COLUMN,
            ),
        ),
        Kind(
            name="recorders",
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
            ),
        ),
        Kind(
            name="cameras",
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
                Column(
                    "group",
                    ("Tổ dân phố", "Tổ", "Thôn"),
                    LOOKUP,
                    lookup=GROUP,
                    example="Tổ dân phố 1",
                ),
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
    model_field = kind.model_class._meta.get_field(key)
    found = {}
    for value, label in model_field.choices:
        found[fold(value)] = value
        for language in ("vi", "en"):
            with translation.override(language):
                found[fold(str(label))] = value
    return found


# Cells -> values the API serializer accepts --------------------------------------------------

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


class CellError(Exception):
    pass


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
    """Numbers stay text for the API's strict number fields ("1.500.000" is refused there)."""
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def to_text(cell):
    """Text exactly as written: "=SUM(A1)" and "+84…" stay text, never evaluated."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime | dt.date):
        return cell.strftime("%d/%m/%Y")
    return str(cell)


def blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def model_has_default(kind: Kind, key: str) -> bool:
    try:
        model_field = kind.model_class._meta.get_field(key)
    except FieldDoesNotExist:  # ``ward`` of a kind whose ward follows a link
        return False
    return isinstance(model_field, models.Field) and model_field.has_default()
