"""Write the demo import files for Phường Ba Ngòi (22423): one valid file per kind, one bad file.

Every choice is written by its Vietnamese label, as people type it (imports also take the
stored codes and the English labels: ``imports.kinds.choice_map``).

Run from the project root: ``.venv/bin/python imports/samples/make_samples.py``. The valid files
import cleanly into the demo (``make run``) in this order: recorders, households, organisations,
commitments, cameras, teams, team-members, contributions, outreach-sessions, mediation-cases,
incidents, patrols, team-appraisals, organisation-commitment-tallies (cameras name recorders;
commitments name households; members, patrols and appraisals name teams; contributions name
households, organisations and cameras; tallies name organisations). Incidents are police-only.
"""

import csv
from pathlib import Path

HERE = Path(__file__).parent
GROUP = "Tổ dân phố {} (phường Ba Ngòi cũ)"
STREETS = ("Đường Nguyễn Trãi", "Đường Hùng Vương", "Đường Lê Duẩn", "Hẻm Chợ Ba Ngòi")
FAMILY = ("Nguyễn Văn", "Trần Thị", "Lê Văn", "Phạm Thị", "Hoàng Văn", "Võ Thị")
GIVEN = ("An", "Bình", "Cường", "Dung", "Em", "Giang", "Hải", "Hoa", "Khánh", "Lan")

FILES = {
    "households.csv": (
        ["Mã hộ", "Chủ hộ", "Tổ dân phố", "Địa chỉ", "Số nhân khẩu", "Số điện thoại", "Cư trú"],
        [
            [
                f"BN-N{n:04d}",
                f"{FAMILY[n % len(FAMILY)]} {GIVEN[n % len(GIVEN)]}",
                GROUP.format(n % 10 + 1),
                f"Số {n * 3} {STREETS[n % len(STREETS)]}",
                str(n % 6 + 1),
                f"+8490{n:07d}" if n % 3 else "",
                "Tạm trú" if n % 9 == 0 else "Thường trú",
            ]
            for n in range(1, 41)
        ],
    ),
    "organisations.csv": (
        ["Tên", "Loại", "Tổ dân phố"],
        [
            ["Trường Mầm non Hoa Sen (mẫu nhập)", "Cơ sở giáo dục", GROUP.format(2)],
            ["Chợ đêm Ba Ngòi (mẫu nhập)", "Chợ", GROUP.format(4)],
            ["Công ty TNHH Hải Sản Cam Ranh (mẫu nhập)", "Doanh nghiệp", GROUP.format(7)],
        ],
    ),
    "commitments.csv": (
        ["Mã hộ", "Năm", "Loại cam kết", "Ngày ký"],
        [
            [f"BN-N{n:04d}", "2026", kind, f"{n % 20 + 1:02d}/01/2026"]
            for n in range(1, 21)
            for kind in (
                "Không sản xuất, buôn bán, sử dụng pháo trái phép",
                "Bảo đảm an toàn phòng cháy, chữa cháy",
            )
        ],
    ),
    "recorders.csv": (
        ["Mã đầu thu", "Vị trí", "Số kênh", "Ngày lắp đặt"],
        [
            ["BN-DT-N01", "Nhà văn hóa tổ dân phố 3", "8", "12/03/2025"],
            ["BN-DT-N02", "Trụ sở Công an phường Ba Ngòi", "16", "2025-04-20"],
        ],
    ),
    "cameras.csv": (
        [
            "Mã camera",
            "Vị trí",
            "Chủ sở hữu",
            "Nguồn kinh phí",
            "Ngày lắp đặt",
            "Tổ dân phố",
            "Mã đầu thu",
            "Có biển cảnh báo",
            "Số ngày lưu trữ",
            "Kết nối công an",
        ],
        [
            [
                f"BN-CAM-N{n:02d}",
                f"Ngã tư {STREETS[n % len(STREETS)]}",
                "Cộng đồng dân cư",
                "Xã hội hóa (nhân dân đóng góp)",
                f"{n:02d}/05/2025",
                GROUP.format(n % 10 + 1),
                "BN-DT-N01" if n % 2 else "BN-DT-N02",
                "Có",
                "30",
                "Không" if n % 3 else "Có",
            ]
            for n in range(1, 9)
        ],
    ),
    "teams.csv": (
        [
            "Tên tổ",
            "Loại tổ",
            "Địa bàn phụ trách",
            "Ngày thành lập",
            "Số quyết định",
            "Ngày quyết định",
            "Số thành viên",
            "Quản lý danh sách thành viên",
        ],
        [
            # A roster team: its headcount is the number of members imported next.
            [
                "Tổ bảo vệ ANTT tổ dân phố 3 (mẫu nhập)",
                "Tổ bảo vệ an ninh, trật tự ở cơ sở",
                f"{GROUP.format(3)}; {GROUP.format(4)}",
                "01/07/2024",
                "215/QĐ-UBND",
                "28/06/2024",
                "",
                "Có",
            ],
            [
                "Tổ tự quản khu chợ Ba Ngòi (mẫu nhập)",
                "Tổ tự quản",
                GROUP.format(4),
                "15/08/2024",
                "",
                "",
                "12",
                "Không",
            ],
            [
                "Tổ hòa giải tổ dân phố 7 (mẫu nhập)",
                "Tổ hòa giải",
                GROUP.format(7),
                "10/01/2025",
                "08/QĐ-UBND",
                "06/01/2025",
                "5",
                "Không",
            ],
        ],
    ),
    "team-members.csv": (
        ["Tên tổ", "Họ và tên", "Chức danh", "Số điện thoại", "Năm sinh", "Ngày tham gia"],
        [
            [
                "Tổ bảo vệ ANTT tổ dân phố 3 (mẫu nhập)",
                name,
                role,
                phone,
                year,
                "01/07/2024",
            ]
            for name, role, phone, year in (
                ("Nguyễn Văn Hùng", "Tổ trưởng", "+84905111001", "1972"),
                ("Trần Văn Lộc", "Tổ phó", "+84905111002", "1980"),
                ("Lê Thị Mai", "Tổ viên", "", "1988"),
                ("Phạm Văn Nam", "Tổ viên", "0905111004", "1991"),
            )
        ],
    ),
    "contributions.csv": (
        [
            "Người đóng góp",
            "Số tiền (đồng)",
            "Ngày đóng góp",
            "Mục đích",
            "Mã hộ",
            "Tên tổ chức",
            "Mã camera",
        ],
        [
            [
                f"Hộ {FAMILY[n % len(FAMILY)]} {GIVEN[n % len(GIVEN)]}",
                str(200_000 + 100_000 * (n % 4)),
                f"{n + 5:02d}/06/2025",
                "Lắp camera giám sát khu dân cư",
                f"BN-N{n:04d}",
                "",
                f"BN-CAM-N{n % 8 + 1:02d}",
            ]
            for n in range(1, 6)
        ]
        + [
            [
                "Chợ đêm Ba Ngòi (mẫu nhập)",
                "5000000",
                "20/06/2025",
                "Lắp camera giám sát khu chợ",
                "",
                "Chợ đêm Ba Ngòi (mẫu nhập)",
                "BN-CAM-N03",
            ],
        ],
    ),
    "outreach-sessions.csv": (
        ["Ngày tổ chức", "Chủ đề", "Số người tham dự", "Đơn vị phối hợp", "Tổ dân phố"],
        [
            [
                "12/03/2025",
                "Phòng, chống lừa đảo qua mạng (mẫu nhập)",
                "140",
                "Công an; Đoàn Thanh niên",
                GROUP.format(2),
            ],
            [
                "26/04/2025",
                "Phòng cháy, chữa cháy mùa khô (mẫu nhập)",
                "95",
                "Công an; Hội Liên hiệp Phụ nữ",
                GROUP.format(5),
            ],
            [
                "18/06/2025",
                "Phòng, chống ma túy trong thanh thiếu niên (mẫu nhập)",
                "210",
                "police; youth; front",
                "",
            ],
            [
                "09/08/2025",
                "An toàn giao thông cho học sinh (mẫu nhập)",
                "75",
                "Công an",
                GROUP.format(8),
            ],
        ],
    ),
    "mediation-cases.csv": (
        ["Ngày tiếp nhận", "Các bên", "Lĩnh vực", "Kết quả", "Ngày kết thúc", "Tổ dân phố"],
        [
            [
                "03/02/2025",
                "Hộ ông Lê Văn Cường và hộ bà Phạm Thị Dung (mẫu nhập)",
                "Quan hệ láng giềng",
                "Hòa giải thành",
                "20/02/2025",
                GROUP.format(3),
            ],
            [
                "17/04/2025",
                "Ông Võ Văn Tám và ông Đặng Văn Chín (mẫu nhập)",
                "Đất đai",
                "Hòa giải không thành",
                "30/05/2025",
                GROUP.format(6),
            ],
            [
                "05/09/2025",
                "Bà Ngô Thị Mười và ông Ngô Văn Một (mẫu nhập)",
                "Vay mượn, nợ nần",
                "Đang hòa giải",
                "",
                GROUP.format(9),
            ],
        ],
    ),
    "incidents.csv": (
        [
            "Thời gian xảy ra",
            "Loại vụ việc",
            "Phân loại thống kê",
            "Mức độ nghiêm trọng",
            "Tóm tắt",
            "Nguồn tin",
            "Số đối tượng",
            "Số đối tượng đã xử lý",
            "Điều tra làm rõ",
            "Ngày làm rõ",
            "Số người chết",
            "Số người bị thương",
            "Thiệt hại (đồng)",
            "Tình trạng xử lý",
            "Tổ dân phố",
        ],
        [
            [
                "14/02/2025 22:40",
                "Ma túy",
                "Vi phạm hành chính",
                "",
                "Tuần tra phát hiện 2 đối tượng sử dụng trái phép chất ma túy (mẫu nhập)",
                "Tuần tra, kiểm soát",
                "2",
                "2",
                "",
                "",
                "",
                "",
                "",
                "Đã giải quyết",
                GROUP.format(4),
            ],
            [
                "03/04/2025 09:15",
                "Lừa đảo trên không gian mạng",
                "Hình sự",
                "Ít nghiêm trọng",
                "Người dân bị lừa chuyển khoản khi mua hàng trực tuyến (mẫu nhập)",
                "Bị hại trình báo",
                "0",
                "0",
                "Không",
                "",
                "",
                "",
                "",
                "Đang xác minh",
                GROUP.format(2),
            ],
            [
                "12/05/2025 02:10",
                "Tội phạm về trật tự xã hội",
                "Hình sự",
                "Nghiêm trọng",
                "Trộm cắp xe máy tại nhà dân, đã bắt giữ đối tượng (mẫu nhập)",
                "Camera an ninh",
                "1",
                "1",
                "Có",
                "20/05/2025",
                "",
                "",
                "",
                "Đã giải quyết",
                GROUP.format(3),
            ],
            [
                "2025-06-21 19:05",
                "Tai nạn giao thông",
                "Tai nạn giao thông",
                "",
                "Va chạm giữa hai xe máy tại ngã tư, 1 người bị thương nhẹ (mẫu nhập)",
                "Camera an ninh",
                "0",
                "0",
                "",
                "",
                "0",
                "1",
                "3000000",
                "Đã giải quyết",
                GROUP.format(1),
            ],
            [
                "11/08/2025 23:30",
                "Tệ nạn xã hội (cờ bạc, mại dâm)",
                "Tệ nạn xã hội",
                "",
                "Tụ tập đánh bạc tại quán nước ven chợ (mẫu nhập)",
                "Tin báo, tố giác",
                "5",
                "5",
                "",
                "",
                "",
                "",
                "",
                "Đã chuyển cơ quan có thẩm quyền",
                GROUP.format(4),
            ],
        ],
    ),
    # The duty log of the Tổ bảo vệ ANTT imported above (4 members).
    "patrols.csv": (
        [
            "Tên tổ",
            "Ngày trực",
            "Ca trực",
            "Địa bàn",
            "Số người trực",
            "Tình hình phát hiện",
            "Số vụ việc phát hiện",
        ],
        [
            [
                "Tổ bảo vệ ANTT tổ dân phố 3 (mẫu nhập)",
                day,
                shift,
                area,
                on_duty,
                findings,
                found,
            ]
            for day, shift, area, on_duty, findings, found in (
                (
                    "07/03/2025",
                    "Ca đêm",
                    f"{GROUP.format(3)}, đường Nguyễn Trãi",
                    "3",
                    "Tình hình ổn định, không phát hiện vụ việc.",
                    "0",
                ),
                (
                    "21/03/2025",
                    "Ca đêm",
                    f"{GROUP.format(4)}, hẻm Chợ Ba Ngòi",
                    "2",
                    "Nhắc nhở nhóm thanh niên tụ tập sau 23 giờ (mẫu nhập)",
                    "0",
                ),
                (
                    "05/04/2025",
                    "Ca chiều",
                    "Khu vực chợ Ba Ngòi",
                    "4",
                    "Phát hiện đối tượng nghi trộm cắp, báo Công an phường (mẫu nhập)",
                    "1",
                ),
            )
        ],
    ),
    "team-appraisals.csv": (
        ["Tên tổ", "Năm đánh giá", "Xếp loại", "Số quyết định", "Ghi chú"],
        [
            [
                "Tổ bảo vệ ANTT tổ dân phố 3 (mẫu nhập)",
                "2025",
                "Hoàn thành tốt nhiệm vụ",
                "412/QĐ-UBND",
                "Duy trì trực, tuần tra đều đặn (mẫu nhập)",
            ],
        ],
    ),
    "organisation-commitment-tallies.csv": (
        ["Cơ quan, tổ chức", "Năm", "Tổng số cán bộ, nhân viên", "Số người đã ký cam kết"],
        [
            ["Trường Mầm non Hoa Sen (mẫu nhập)", "2025", "28", "28"],
            ["Công ty TNHH Hải Sản Cam Ranh (mẫu nhập)", "2025", "65", "61"],
        ],
    ),
    # Every line is wrong in its own way: the report names row and column for each.
    "households_with_errors.csv": (
        ["Mã hộ", "Chủ hộ", "Tổ dân phố", "Địa chỉ", "Số nhân khẩu", "Số điện thoại"],
        [
            ["BN-E0001", "Nguyễn Văn Sai", "Tổ dân phố 99", "Số 1 Đường Nguyễn Trãi", "3", ""],
            ["BN-E0002", "", GROUP.format(1), "Số 2 Đường Nguyễn Trãi", "2", ""],
            ["BN-E0003", "Trần Thị Số", GROUP.format(1), "Số 3 Đường Nguyễn Trãi", "1.500", ""],
            ["BN-E0004", "Lê Văn Không", GROUP.format(1), "Số 4 Đường Nguyễn Trãi", "0", ""],
            ["BN E 5", "Phạm Thị Mã", GROUP.format(1), "Số 5 Đường Nguyễn Trãi", "2", ""],
            ["BN-E0006", "Hoàng Văn Toàn", GROUP.format(1), "", "４", ""],
            ["BN-E0001", "Nguyễn Văn Trùng", GROUP.format(2), "Số 7 Đường Lê Duẩn", "2", ""],
        ],
    ),
}


def main():
    for name, (header, rows) in FILES.items():
        with open(HERE / name, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            writer.writerows(rows)


if __name__ == "__main__":
    main()
