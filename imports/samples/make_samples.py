"""Write the demo import files for Phường Ba Ngòi (22423): one valid file per kind, one bad file.

Run from the project root: ``.venv/bin/python imports/samples/make_samples.py``. The valid files
import cleanly into the demo (``make run``) in this order: recorders, households, organisations,
commitments, cameras (cameras name recorders; commitments name households).
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
            ["Chợ đêm Ba Ngòi (mẫu nhập)", "market", GROUP.format(4)],
            ["Công ty TNHH Hải Sản Cam Ranh (mẫu nhập)", "enterprise", GROUP.format(7)],
        ],
    ),
    "commitments.csv": (
        ["Mã hộ", "Năm", "Loại cam kết", "Ngày ký"],
        [
            [f"BN-N{n:04d}", "2026", kind, f"{n % 20 + 1:02d}/01/2026"]
            for n in range(1, 21)
            for kind in ("no_firecrackers", "fire_safety")
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
                "community",
                "contribution",
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
