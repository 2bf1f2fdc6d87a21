"""Imports of teams, team members, contributions, outreach sessions, mediation cases,
incidents, patrols, team appraisals and organisations' commitment tallies: created by import,
the same file twice changes nothing, a changed cell updates the record found by its natural key,
bad cells and other wards' links are refused with nothing written, and a natural key two records
of the ward share is refused rather than guessed."""

import datetime as dt
import io
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import openpyxl
import pghistory.models
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from cameras.models import Contribution
from imports.kinds import KINDS
from imports.models import ImportBatch
from imports.services import import_start
from imports.templates import template_workbook
from incidents.models import Incident
from movement.models import (
    MediationCase,
    OrganisationCommitmentTally,
    OutreachSession,
    Patrol,
    Team,
    TeamAppraisal,
    TeamMember,
)
from tests.factories import (
    CameraFactory,
    ContributionFactory,
    HouseholdFactory,
    IncidentFactory,
    MediationCaseFactory,
    OrganisationFactory,
    OutreachSessionFactory,
    ResidentialGroupFactory,
    TeamFactory,
    TeamMemberFactory,
)
from tests.imports.helpers import csv_bytes, messages, run, xlsx_bytes

pytestmark = pytest.mark.django_db

NEW_KINDS = (
    "teams",
    "team-members",
    "contributions",
    "outreach-sessions",
    "mediation-cases",
    "incidents",
    "patrols",
    "team-appraisals",
    "organisation-commitment-tallies",
)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOT_FOUND_7 = "“Tổ dân phố 7”: không có bản ghi nào của xã, phường có tên hoặc mã này."
NOT_FOUND = "Không có bản ghi nào của xã, phường có tên hoặc mã này."
DIGITS = "Vui lòng nhập số chỉ bằng các chữ số 0–9, không dùng dấu phân cách."


@dataclass
class Case:
    """One kind: a two-row file, a one-cell change, a bad row, a row naming another ward."""

    kind: str
    model: type
    header: str
    rows: tuple
    changed: tuple  # (row index, old text, new text, field, new value)
    bad: tuple  # (line, column, message)
    other_ward: tuple  # (line, column, message)
    police: bool = False
    setup: object = None
    # Makes two records of ward A with the first row's natural key (None: the database keeps
    # the natural key unique, so no two records can share it).
    duplicate: object = None
    extra: dict = field(default_factory=dict)

    def file(self, *lines):
        return csv_bytes(self.header, *lines)


def _teams_duplicate(ward, groups):
    for _n in range(2):
        TeamFactory(ward=ward, name="Tổ bảo vệ ANTT số 1")


def _members_setup(ward_a, ward_b, groups_a):
    TeamFactory(ward=ward_a, name="Tổ bảo vệ ANTT số 1")
    TeamFactory(ward=ward_b, name="Tổ bảo vệ ANTT phường Bình Minh")


def _members_duplicate(ward, groups):
    team = Team.objects.get(ward=ward, name="Tổ bảo vệ ANTT số 1")
    for _n in range(2):
        TeamMemberFactory(team=team, full_name="Trần Văn Bình")


def _contributions_setup(ward_a, ward_b, groups_a):
    HouseholdFactory(group=groups_a[0], code="BN-0001")
    OrganisationFactory(ward=ward_a, name="Công ty TNHH Hải Sản")
    CameraFactory(ward=ward_a, code="CAM-001")
    HouseholdFactory(group=ResidentialGroupFactory(ward=ward_b), code="BM-0001")


def _contributions_duplicate(ward, groups):
    for _n in range(2):
        ContributionFactory(
            ward=ward,
            contributor_name="Ông Nguyễn Văn An",
            contributed_on=dt.date(2025, 5, 15),
            purpose="Lắp camera ngã ba chợ",
        )


def _outreach_duplicate(ward, groups):
    for _n in range(2):
        OutreachSessionFactory(
            ward=ward, held_on=dt.date(2025, 4, 20), topic="Phòng chống lừa đảo qua mạng"
        )


def _mediation_duplicate(ward, groups):
    for _n in range(2):
        MediationCaseFactory(
            ward=ward,
            received_on=dt.date(2025, 2, 3),
            parties="Hộ ông Lê Văn Cường và hộ bà Phạm Thị Dung",
        )


def _incidents_duplicate(ward, groups):
    for _n in range(2):
        IncidentFactory(
            ward=ward,
            occurred_at=dt.datetime(2025, 3, 15, 21, 30, tzinfo=HCM),
            category="drugs",
            summary="Phát hiện đối tượng tàng trữ trái phép chất ma túy",
        )


FOUNDED = dt.date(2024, 7, 1)


def _security_teams_setup(ward_a, ward_b, groups_a):
    for n in (1, 2):
        TeamFactory(ward=ward_a, name=f"Tổ bảo vệ ANTT số {n}", established_on=FOUNDED, headcount=5)
    TeamFactory(ward=ward_b, name="Tổ bảo vệ ANTT phường Bình Minh", established_on=FOUNDED)


def _tallies_setup(ward_a, ward_b, groups_a):
    OrganisationFactory(ward=ward_a, name="Trường Tiểu học An Bình")
    OrganisationFactory(ward=ward_a, name="Công ty TNHH Hải Sản")
    OrganisationFactory(ward=ward_b, name="Trường THCS Bình Minh")


CASES = {
    case.kind: case
    for case in (
        Case(
            kind="teams",
            model=Team,
            header="Tên tổ,Loại tổ,Địa bàn phụ trách,Ngày thành lập,Số quyết định,"
            "Ngày quyết định,Số thành viên",
            rows=(
                'Tổ bảo vệ ANTT số 1,"Tổ bảo vệ an ninh, trật tự ở cơ sở",'
                "Tổ dân phố 1; Tổ dân phố 2,01/07/2024,125/QĐ-UBND,28/06/2024,5",
                "Tổ tự quản khu chợ,Tổ tự quản,Tổ dân phố 2,15/08/2024,,,7",
            ),
            changed=(1, ",7", ",9", "headcount", 9),
            bad=(
                "Tổ PCCC,fire_safety_cluster,Tổ dân phố 1,32/01/2024,,,3",
                "Ngày thành lập",
                "Ngày này không tồn tại (ngày được đọc theo dạng dd/mm/yyyy).",
            ),
            other_ward=(
                "Tổ PCCC,fire_safety_cluster,Tổ dân phố 1; Tổ dân phố 7,01/03/2024,,,3",
                "Địa bàn phụ trách",
                NOT_FOUND_7,
            ),
            duplicate=_teams_duplicate,
        ),
        Case(
            kind="team-members",
            model=TeamMember,
            header="Tên tổ,Họ và tên,Chức danh,Số điện thoại,Năm sinh,Ngày tham gia",
            rows=(
                "Tổ bảo vệ ANTT số 1,Trần Văn Bình,Tổ trưởng,+84905123456,1978,01/07/2024",
                "Tổ bảo vệ ANTT số 1,Lê Thị Hoa,Tổ viên,,1985,01/07/2024",
            ),
            changed=(1, ",,1985", ",0905111222,1985", "phone", "0905111222"),
            bad=(
                "Tổ bảo vệ ANTT số 1,Phạm Văn Cường,Tổ viên,,19x5,01/07/2024",
                "Năm sinh",
                DIGITS,
            ),
            other_ward=(
                "Tổ bảo vệ ANTT phường Bình Minh,Phạm Văn Cường,Tổ viên,,1985,01/07/2024",
                "Tên tổ",
                NOT_FOUND,
            ),
            setup=_members_setup,
            duplicate=_members_duplicate,
        ),
        Case(
            kind="contributions",
            model=Contribution,
            header="Người đóng góp,Số tiền (đồng),Ngày đóng góp,Mục đích,Mã hộ,Tên tổ chức,"
            "Mã camera",
            rows=(
                "Ông Nguyễn Văn An,500000,15/05/2025,Lắp camera ngã ba chợ,BN-0001,,CAM-001",
                "Công ty TNHH Hải Sản,2000000,20/05/2025,Lắp camera ngã ba chợ,,"
                "Công ty TNHH Hải Sản,CAM-001",
            ),
            changed=(0, ",500000,", ",700000,", "amount_vnd", 700000),
            bad=(
                "Bà Trần Thị Bình,1.500.000,16/05/2025,Lắp camera ngã ba chợ,,,",
                "Số tiền (đồng)",
                DIGITS,
            ),
            other_ward=(
                "Bà Trần Thị Bình,300000,16/05/2025,Lắp camera ngã ba chợ,BM-0001,,",
                "Mã hộ",
                NOT_FOUND,
            ),
            setup=_contributions_setup,
            duplicate=_contributions_duplicate,
        ),
        Case(
            kind="outreach-sessions",
            model=OutreachSession,
            header="Ngày tổ chức,Chủ đề,Số người tham dự,Đơn vị phối hợp,Tổ dân phố",
            rows=(
                "20/04/2025,Phòng chống lừa đảo qua mạng,120,Công an; Đoàn Thanh niên,Tổ dân phố 1",
                "05/05/2025,Phòng cháy chữa cháy mùa khô,80,police,",
            ),
            changed=(1, ",80,", ",95,", "attendees", 95),
            bad=(
                "06/05/2025,An toàn giao thông,60,Công an; Hội Nông dân,",
                "Đơn vị phối hợp",
                "“Hội Nông dân” không thuộc các giá trị được phép.",
            ),
            other_ward=(
                "06/05/2025,An toàn giao thông,60,Công an,Tổ dân phố 7",
                "Tổ dân phố",
                NOT_FOUND,
            ),
            duplicate=_outreach_duplicate,
        ),
        Case(
            kind="mediation-cases",
            model=MediationCase,
            header="Ngày tiếp nhận,Các bên,Lĩnh vực,Kết quả,Ngày kết thúc,Tổ dân phố",
            rows=(
                "03/02/2025,Hộ ông Lê Văn Cường và hộ bà Phạm Thị Dung,Quan hệ láng giềng,"
                "Hòa giải thành,20/02/2025,Tổ dân phố 1",
                "10/03/2025,Hộ ông Võ Văn Tám và hộ ông Đặng Văn Chín,Đất đai,Đang hòa giải,,"
                "Tổ dân phố 2",
            ),
            changed=(1, ",Đất đai,", ",Khác,", "subject", "other"),
            bad=(
                "11/03/2025,Hộ bà Ngô Thị Mười và hộ ông Lý Văn Một,Thừa kế,Đang hòa giải,,",
                "Lĩnh vực",
                "“Thừa kế” không thuộc các giá trị được phép.",
            ),
            other_ward=(
                "11/03/2025,Hộ bà Ngô Thị Mười và hộ ông Lý Văn Một,Đất đai,Đang hòa giải,,"
                "Tổ dân phố 7",
                "Tổ dân phố",
                NOT_FOUND,
            ),
            duplicate=_mediation_duplicate,
        ),
        Case(
            kind="incidents",
            model=Incident,
            header=(
                "Thời gian xảy ra,Loại vụ việc,Phân loại thống kê,Mức độ nghiêm trọng,Tóm tắt,"
                "Nguồn tin,Số đối tượng,Tổ dân phố"
            ),
            rows=(
                "15/03/2025 21:30,Ma túy,Hình sự,Ít nghiêm trọng,"
                "Phát hiện đối tượng tàng trữ trái phép chất ma túy,patrol,1,Tổ dân phố 1",
                "2025-04-02 08:15,cyber_fraud,criminal,serious,"
                "Người dân bị lừa chuyển khoản qua mạng,Bị hại trình báo,0,Tổ dân phố 2",
            ),
            changed=(0, ",patrol,1,", ",patrol,2,", "suspects", 2),
            bad=(
                "16/03/2025,Ma túy,Hình sự,Ít nghiêm trọng,"
                "Phát hiện đối tượng sử dụng trái phép chất ma túy,patrol,1,",
                "Thời gian xảy ra",
                "Vui lòng ghi cả giờ, theo dạng dd/mm/yyyy hh:mm.",
            ),
            other_ward=(
                "16/03/2025 22:00,Ma túy,Vi phạm hành chính,,"
                "Phát hiện đối tượng sử dụng trái phép chất ma túy,patrol,1,Tổ dân phố 7",
                "Tổ dân phố",
                NOT_FOUND,
            ),
            police=True,
            duplicate=_incidents_duplicate,
        ),
        Case(
            kind="patrols",
            model=Patrol,
            header="Tên tổ,Ngày trực,Ca trực,Địa bàn,Số người trực,Tình hình phát hiện,"
            "Số vụ việc phát hiện",
            rows=(
                "Tổ bảo vệ ANTT số 1,14/03/2025,Ca đêm,Tổ dân phố 1,3,"
                "Nhắc nhở nhóm thanh niên tụ tập sau 23 giờ,0",
                "Tổ bảo vệ ANTT số 1,15/03/2025,morning,Chợ An Bình,2,,1",
            ),
            changed=(1, ",2,,1", ",2,,2", "incidents_found", 2),
            bad=(
                "Tổ bảo vệ ANTT số 2,31/02/2025,Ca đêm,Tổ dân phố 2,3,,0",
                "Ngày trực",
                "Ngày này không tồn tại (ngày được đọc theo dạng dd/mm/yyyy).",
            ),
            other_ward=(
                "Tổ bảo vệ ANTT phường Bình Minh,16/03/2025,Ca đêm,Tổ dân phố 1,3,,0",
                "Tên tổ",
                NOT_FOUND,
            ),
            setup=_security_teams_setup,
        ),
        Case(
            kind="team-appraisals",
            model=TeamAppraisal,
            header="Tên tổ,Năm đánh giá,Xếp loại,Số quyết định",
            rows=(
                "Tổ bảo vệ ANTT số 1,2025,Hoàn thành tốt nhiệm vụ,312/QĐ-UBND",
                "Tổ bảo vệ ANTT số 2,2025,completed,312/QĐ-UBND",
            ),
            changed=(1, ",completed,", ",Không hoàn thành nhiệm vụ,", "level", "not_completed"),
            bad=(
                "Tổ bảo vệ ANTT số 1,2026,Khá,",
                "Xếp loại",
                "“Khá” không thuộc các giá trị được phép.",
            ),
            other_ward=(
                "Tổ bảo vệ ANTT phường Bình Minh,2025,Hoàn thành nhiệm vụ,",
                "Tên tổ",
                NOT_FOUND,
            ),
            setup=_security_teams_setup,
        ),
        Case(
            kind="organisation-commitment-tallies",
            model=OrganisationCommitmentTally,
            header='"Cơ quan, tổ chức",Năm,"Tổng số cán bộ, nhân viên",Số người đã ký cam kết',
            rows=(
                "Trường Tiểu học An Bình,2025,42,42",
                "Công ty TNHH Hải Sản,2025,120,97",
            ),
            changed=(1, ",120,97", ",120,110", "signed_count", 110),
            bad=(
                "Công ty TNHH Hải Sản,2024,120,121",
                "",
                "Số người ký cam kết không thể nhiều hơn số cán bộ, nhân viên của đơn vị.",
            ),
            other_ward=(
                "Trường THCS Bình Minh,2025,30,30",
                "Cơ quan, tổ chức",
                NOT_FOUND,
            ),
            setup=_tallies_setup,
        ),
    )
}


@pytest.fixture(params=NEW_KINDS)
def case(request, ward_a, ward_b, groups_a, groups_b):
    case = CASES[request.param]
    ResidentialGroupFactory(ward=ward_b, name="Tổ dân phố 7")
    if case.setup:
        case.setup(ward_a, ward_b, groups_a)
    return case


@pytest.fixture
def actor(case, clerk_a, officer_a):
    return officer_a if case.police else clerk_a


def records(case, ward):
    return case.model.objects.filter(**{case.model.ward_path: ward})


def snapshot(case, ward):
    return list(records(case, ward).order_by("pk").values("pk", "version", "updated_at"))


def test_a_file_creates_the_records_and_the_same_file_again_changes_nothing(case, actor, ward_a):
    content = case.file(*case.rows)
    batch = run(actor, ward_a, case.kind, content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert batch.summary == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert records(case, ward_a).count() == 2
    before, events = snapshot(case, ward_a), pghistory.models.Events.objects.count()

    again = run(actor, ward_a, case.kind, content)

    assert again.summary == {"create": 0, "update": 0, "unchanged": 2, "error": 0}
    assert snapshot(case, ward_a) == before
    assert pghistory.models.Events.objects.count() == events, "history rows for unchanged rows"


def test_a_changed_cell_updates_the_record_found_by_its_natural_key(case, actor, ward_a):
    run(actor, ward_a, case.kind, case.file(*case.rows))
    index, old, new, field_name, value = case.changed
    rows = list(case.rows)
    assert old in rows[index]
    rows[index] = rows[index].replace(old, new)

    batch = run(actor, ward_a, case.kind, case.file(*rows))

    assert batch.summary == {"create": 0, "update": 1, "unchanged": 1, "error": 0}
    assert records(case, ward_a).count() == 2
    updated = records(case, ward_a).get(**{field_name: value})
    assert updated.version == 2


def test_a_bad_cell_is_reported_by_row_and_column_and_nothing_is_written(case, actor, ward_a):
    line, column, message = case.bad
    batch = run(actor, ward_a, case.kind, case.file(*case.rows, line))
    assert batch.status == ImportBatch.Status.INVALID
    assert messages(batch) == [(4, column, message)]
    assert not records(case, ward_a).exists()


def test_a_link_to_another_wards_record_is_refused(case, actor, ward_a):
    line, column, message = case.other_ward
    batch = run(actor, ward_a, case.kind, case.file(case.rows[0], line))
    assert batch.status == ImportBatch.Status.INVALID
    assert messages(batch) == [(3, column, message)]
    assert not records(case, ward_a).exists()


def test_a_natural_key_two_records_share_is_refused_not_guessed(case, actor, ward_a, groups_a):
    if case.duplicate is None:
        pytest.skip("the database keeps this kind's natural key unique")
    case.duplicate(ward_a, groups_a)
    before = snapshot(case, ward_a)
    kind = KINDS[case.kind]
    headers = ", ".join(f"“{kind.header(key)}”" for key in kind.natural_key)

    batch = run(actor, ward_a, case.kind, case.file(*case.rows))

    assert batch.status == ImportBatch.Status.INVALID
    assert messages(batch) == [
        (
            2,
            kind.header(kind.natural_key[0]),
            f"Có nhiều bản ghi của xã, phường trùng {headers} nên không xác định được dòng này "
            "cập nhật bản ghi nào; vui lòng làm cho chúng khác nhau trước khi nhập.",
        )
    ]
    assert snapshot(case, ward_a) == before


def test_the_template_of_each_kind_imports_its_example_row(case, actor, ward_a, groups_a):
    """The downloadable workbook has the Vietnamese headers, and its example row is valid."""
    if case.kind in ("team-members", "patrols", "team-appraisals"):
        TeamFactory(ward=ward_a, name="Tổ bảo vệ ANTT tổ dân phố 1", established_on=FOUNDED)
    if case.kind == "organisation-commitment-tallies":
        OrganisationFactory(ward=ward_a, name="Trường Tiểu học Ba Ngòi")
    content = template_workbook(case.kind)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    assert header == [
        column.aliases[0] for column in KINDS[case.kind].columns if column.key != "ward"
    ]
    before = records(case, ward_a).count()

    batch = run(actor, ward_a, case.kind, content, filename="mau.xlsx")

    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert batch.summary["create"] == 1
    assert records(case, ward_a).count() == before + 1


# What only some kinds have --------------------------------------------------------------------


def test_a_teams_residential_groups_are_listed_in_one_cell(clerk_a, ward_a, groups_a):
    header = CASES["teams"].header
    run(clerk_a, ward_a, "teams", csv_bytes(header, *CASES["teams"].rows))
    team = Team.objects.get(name="Tổ bảo vệ ANTT số 1")
    assert set(team.groups.all()) == set(groups_a)
    assert team.kind == Team.Kind.SECURITY_TEAM

    narrowed = CASES["teams"].rows[0].replace("Tổ dân phố 1; Tổ dân phố 2", "to dan pho 2")
    batch = run(clerk_a, ward_a, "teams", csv_bytes(header, narrowed))
    assert batch.summary == {"create": 0, "update": 1, "unchanged": 0, "error": 0}
    assert list(team.groups.all()) == [groups_a[1]]

    # An empty cell leaves the groups as they are.
    emptied = CASES["teams"].rows[0].replace("Tổ dân phố 1; Tổ dân phố 2", "")
    batch = run(clerk_a, ward_a, "teams", csv_bytes(header, emptied))
    assert batch.summary["unchanged"] == 1
    assert list(team.groups.all()) == [groups_a[1]]


def test_outreach_partners_are_read_from_labels_or_values(clerk_a, ward_a, groups_a):
    case = CASES["outreach-sessions"]
    run(clerk_a, ward_a, case.kind, case.file(*case.rows))
    sessions = OutreachSession.objects.filter(ward=ward_a).order_by("held_on")
    assert [s.partners for s in sessions] == [["youth", "police"], ["police"]]


def test_the_time_of_an_incident_is_read_in_the_wards_time_zone(officer_a, ward_a, groups_a):
    case = CASES["incidents"]
    workbook = xlsx_bytes(
        [
            [
                *("Thời gian xảy ra", "Loại vụ việc", "Phân loại thống kê"),
                *("Mức độ nghiêm trọng", "Tóm tắt", "Nguồn tin"),
            ],
            [
                *(dt.datetime(2025, 3, 15, 21, 30), "Ma túy", "Hình sự"),
                *("Ít nghiêm trọng", "Tàng trữ ma túy", "patrol"),
            ],
        ]
    )
    run(officer_a, ward_a, case.kind, case.file(*case.rows))
    batch = run(officer_a, ward_a, case.kind, workbook, filename="vu-viec.xlsx")
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    times = sorted(Incident.objects.filter(ward=ward_a).values_list("occurred_at", flat=True))
    assert times == [
        dt.datetime(2025, 3, 15, 21, 30, tzinfo=HCM),
        dt.datetime(2025, 3, 15, 21, 30, tzinfo=HCM),
        dt.datetime(2025, 4, 2, 8, 15, tzinfo=HCM),
    ]


def test_a_clerk_may_not_import_incidents(clerk_a, officer_a, ward_a, groups_a, client):
    content = CASES["incidents"].file(*CASES["incidents"].rows)
    with pytest.raises(PermissionDenied):
        import_start(
            actor=clerk_a, ward=ward_a, kind="incidents", filename="x.csv", content=content
        )
    assert not ImportBatch.objects.exists()

    api = APIClient()
    api.force_authenticate(clerk_a)
    response = api.post(
        "/api/v1/imports/",
        {"kind": "incidents", "file": SimpleUploadedFile("x.csv", content)},
        format="multipart",
    )
    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_the_upload_page_offers_each_role_the_kinds_it_may_import(client, clerk_a, officer_a):
    client.force_login(clerk_a)
    choices = client.get(reverse("imports:upload")).context["form"].fields["kind"].choices
    offered = {name for name, _label in choices}
    assert set(NEW_KINDS) - {"incidents"} <= offered
    assert "incidents" not in offered

    client.force_login(officer_a)
    choices = client.get(reverse("imports:upload")).context["form"].fields["kind"].choices
    assert set(NEW_KINDS) <= {name for name, _label in choices}


def test_a_new_kind_imports_through_the_api(
    clerk_a, ward_a, groups_a, django_capture_on_commit_callbacks
):
    case = CASES["mediation-cases"]
    api = APIClient()
    api.force_authenticate(clerk_a)
    upload = {"kind": case.kind, "file": SimpleUploadedFile("hoa-giai.csv", case.file(*case.rows))}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/imports/", upload, format="multipart")
    assert response.status_code == 201, response.content
    url = f"/api/v1/imports/{response.json()['id']}/"
    assert api.get(url).json()["summary"] == {"create": 2, "update": 0, "unchanged": 0, "error": 0}
    assert api.post(f"{url}commit/").status_code == 200
    assert MediationCase.objects.filter(ward=ward_a).count() == 2


def test_a_contribution_without_purpose_is_found_again_by_its_blank_purpose(
    clerk_a, ward_a, groups_a
):
    content = CASES["contributions"].file("Bà Trần Thị Bình,300000,16/05/2025,,,,")
    assert run(clerk_a, ward_a, "contributions", content).summary["create"] == 1
    again = run(clerk_a, ward_a, "contributions", content)
    assert again.summary == {"create": 0, "update": 0, "unchanged": 1, "error": 0}
    assert Contribution.objects.filter(ward=ward_a).count() == 1


def test_an_organisations_commitment_takes_the_organisations_ward(officer_a, ward_a, groups_a):
    OrganisationFactory(ward=ward_a, name="Chợ Ba Ngòi")
    content = csv_bytes(
        "Tên tổ chức,Năm,Loại cam kết,Ngày ký", "Chợ Ba Ngòi,2025,fire_safety,02/01/2025"
    )
    batch = run(officer_a, ward_a, "commitments", content)
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    assert run(officer_a, ward_a, "commitments", content).summary["unchanged"] == 1


# Patrols, team appraisals and organisations' tallies: their own bad rows ----------------------

OTHER_WARD = "Dòng này thuộc xã, phường khác; vui lòng nhập tại xã, phường đó."
LAW_30_KINDS = ("patrols", "team-appraisals", "organisation-commitment-tallies")


@pytest.mark.parametrize("kind", LAW_30_KINDS)
def test_a_row_naming_another_ward_is_refused_and_nothing_is_written(
    kind, clerk_a, ward_a, ward_b, groups_a
):
    case = CASES[kind]
    case.setup(ward_a, ward_b, groups_a)
    header = f"{case.header},Mã xã/phường"
    content = csv_bytes(header, f"{case.rows[0]},91001", f"{case.rows[1]},{ward_b.code}")
    batch = run(clerk_a, ward_a, kind, content)
    assert batch.status == ImportBatch.Status.INVALID
    assert messages(batch) == [(3, "Mã xã/phường", OTHER_WARD)]
    assert not records(case, ward_a).exists()
    assert not records(case, ward_b).exists()


@pytest.mark.parametrize("kind", ("patrols", "team-appraisals"))
def test_an_unknown_team_is_refused(kind, clerk_a, ward_a, ward_b, groups_a):
    case = CASES[kind]
    case.setup(ward_a, ward_b, groups_a)
    unknown = case.rows[0].replace("Tổ bảo vệ ANTT số 1", "Tổ bảo vệ ANTT số 9")
    batch = run(clerk_a, ward_a, kind, case.file(case.rows[1], unknown))
    assert batch.status == ImportBatch.Status.INVALID
    assert messages(batch) == [(3, "Tên tổ", NOT_FOUND)]
    assert not records(case, ward_a).exists()


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            "10/03/2024,Ca đêm,Tổ dân phố 1,3",
            "Ngày trực",
            "Ngày đó tổ chưa được thành lập.",
        ),
        (
            "14/03/25,Ca đêm,Tổ dân phố 1,3",
            "Ngày trực",
            "Vui lòng ghi năm đủ bốn chữ số (dd/mm/yyyy).",
        ),
        (
            "14/03/2025,Ca đêm,Tổ dân phố 1,6",
            "Số người trực",
            "Số thành viên trực nhiều hơn số thành viên của tổ (5).",
        ),
        (
            "14/03/2025,Ca khuya,Tổ dân phố 1,3",
            "Ca trực",
            "“Ca khuya” không thuộc các giá trị được phép.",
        ),
    ],
)
def test_a_patrol_the_team_could_not_have_done_is_refused(
    cells, column, message, clerk_a, ward_a, ward_b, groups_a
):
    _security_teams_setup(ward_a, ward_b, groups_a)
    header = "Tên tổ,Ngày trực,Ca trực,Địa bàn,Số người trực"
    batch = run(clerk_a, ward_a, "patrols", csv_bytes(header, f"Tổ bảo vệ ANTT số 1,{cells}"))
    assert batch.status == ImportBatch.Status.INVALID
    assert messages(batch) == [(2, column, message)]
    assert not Patrol.objects.exists()


def _appraisal_file(levels):
    rows = [f"Tổ bảo vệ ANTT số {n},2025,{level}," for n, level in enumerate(levels, start=1)]
    return csv_bytes(CASES["team-appraisals"].header, *rows)


def test_an_appraisal_file_is_checked_against_the_cap_with_its_earlier_rows(clerk_a, ward_a):
    """Validation keeps the file's earlier rows (rolled back): five teams rated well allow one
    excellent in the same file (20 %), as the commit will; a sixth team cannot be excellent."""
    for n in range(1, 8):
        TeamFactory(ward=ward_a, name=f"Tổ bảo vệ ANTT số {n}", established_on=FOUNDED)
    well, excellent = "Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ"

    too_many = run(
        clerk_a, ward_a, "team-appraisals", _appraisal_file([well] * 5 + [excellent] * 2)
    )
    assert too_many.status == ImportBatch.Status.INVALID
    [(line, column, message)] = messages(too_many)
    assert (line, column) == (8, "Xếp loại")
    assert "tối đa 1 Tổ hoàn thành xuất sắc, nhưng đang có 2" in message
    assert not TeamAppraisal.objects.exists()

    batch = run(clerk_a, ward_a, "team-appraisals", _appraisal_file([well] * 5 + [excellent]))
    assert batch.status == ImportBatch.Status.COMMITTED, batch.errors
    levels = TeamAppraisal.objects.filter(ward=ward_a, year=2025).values_list("level", flat=True)
    assert sorted(levels) == ["excellent"] + ["good"] * 5


def test_a_team_too_new_for_the_appraisal_year_is_refused(clerk_a, ward_a):
    TeamFactory(ward=ward_a, name="Tổ bảo vệ ANTT số 1", established_on=FOUNDED)
    content = csv_bytes(
        CASES["team-appraisals"].header, "Tổ bảo vệ ANTT số 1,2024,Hoàn thành nhiệm vụ,"
    )
    batch = run(clerk_a, ward_a, "team-appraisals", content)
    assert batch.status == ImportBatch.Status.INVALID
    [(line, column, message)] = messages(batch)
    assert (line, column) == (2, "Tên tổ")
    assert "ít nhất 9 tháng" in message
    assert not TeamAppraisal.objects.exists()
