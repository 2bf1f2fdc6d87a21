"""The safe-area criteria in the circular's own words, each naming its article and clause; the
grading values' sources saying what is and is not checked against Decision 510 (docs/domain.md,
"What was checked against the texts").

Read against the texts (URLs in docs/domain.md):

- Thông tư 124/2021/TT-BCA, Điều 4 (khu dân cư, 5 khoản), Điều 5 (xã, phường, thị trấn,
  4 khoản), Điều 6 (cơ quan, doanh nghiệp; khoản 1 and the start of khoản 2 read). Criteria
  whose clause was read in full take its wording; a clause read only in part is cut where the
  reading stopped ("[…]"), never completed. Criteria whose clause was not read keep their
  summary, and their source says so.
- Quyết định 510/QĐ-BCA-V05 (20/01/2022): the grading deadlines (khu dân cư before 20 November;
  xã, cơ quan, doanh nghiệp, cơ sở giáo dục before 30 November) were found; the sheet's lines
  and points and the grade thresholds were not, so their source now says they are the
  software's defaults.

Only rows still as an earlier migration loaded them are changed: an administrator's own
wording or source is kept. Numbers, codes and ids do not change, so recorded checklists
(`SafetyRecognition.criteria_met`) and gradings (`Appraisal.points`) keep pointing at them.
"""

import importlib

from django.db import migrations

TT124 = "Thông tư 124/2021/TT-BCA"
QD510 = "Quyết định 510/QĐ-BCA-V05"
NOT_READ = " (tóm tắt; nguyên văn chưa đối chiếu)"

# (subject, number) -> (the article's wording, or None to keep the summary; source)
WORDING = {
    ("group", 1): (
        "Quý I hằng năm, chi bộ có nghị quyết, khu dân cư có đăng ký phấn đấu đạt tiêu chuẩn "
        "“An toàn về an ninh, trật tự”; 100% hộ gia đình đang cư trú trên địa bàn đăng ký tham "
        "gia xây dựng khu dân cư “An toàn về an ninh, trật tự”.",
        f"{TT124}, Điều 4, khoản 1",
    ),
    ("group", 2): (
        "Triển khai, thực hiện đầy đủ các chủ trương, đường lối của Đảng, chính sách, pháp luật "
        "của Nhà nước, các quy định của địa phương về công tác bảo đảm an ninh, trật tự.",
        f"{TT124}, Điều 4, khoản 2",
    ),
    ("group", 3): (
        "Không để xảy ra một trong các trường hợp sau: hoạt động chống Đảng, chống chính quyền, "
        "phá hoại khối đại đoàn kết toàn dân tộc; […]",
        f"{TT124}, Điều 4, khoản 3 (trích phần đầu)",
    ),
    ("group", 4): (None, f"{TT124}, Điều 4, khoản 4{NOT_READ}"),
    ("group", 5): (None, f"{TT124}, Điều 4, khoản 5{NOT_READ}"),
    ("ward", 1): (
        "Quý I hằng năm, Đảng ủy có nghị quyết; Ủy ban nhân dân xã, phường, thị trấn có kế hoạch "
        "về bảo đảm an ninh, trật tự và đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, "
        "trật tự”; xây dựng, củng cố hoặc duy trì ít nhất 01 mô hình phong trào toàn dân bảo vệ "
        "an ninh Tổ quốc ở cơ sở hoạt động hiệu quả.",
        f"{TT124}, Điều 5, khoản 1",
    ),
    ("ward", 2): (
        "Đạt các tiêu chí quy định tại khoản 2, khoản 3, khoản 4 Điều 4 Thông tư này.",
        f"{TT124}, Điều 5, khoản 2",
    ),
    ("ward", 3): (
        "Công an xã, phường, thị trấn chủ động nắm chắc tình hình, kịp thời tham mưu, đề xuất "
        "cấp ủy đảng, chính quyền các chủ trương, biện pháp và tổ chức thực hiện có hiệu quả "
        "công tác bảo đảm an ninh, trật tự và xây dựng phong trào toàn dân bảo vệ an ninh Tổ "
        "quốc trên địa bàn; không có cá nhân vi phạm bị xử lý kỷ luật.",
        f"{TT124}, Điều 5, khoản 3",
    ),
    ("ward", 4): (
        "100% khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục thuộc thẩm quyền hoặc được ủy "
        "quyền quản lý trên địa bàn đăng ký, trong đó có từ 70% trở lên được công nhận đạt tiêu "
        "chuẩn “An toàn về an ninh, trật tự”.",
        f"{TT124}, Điều 5, khoản 4",
    ),
    ("organisation", 1): (
        "Quý I hằng năm, tổ chức Đảng có nghị quyết chuyên đề riêng hoặc lồng ghép công tác bảo "
        "đảm an ninh, trật tự trong nghị quyết lãnh đạo, chỉ đạo hằng năm (đối với nơi có tổ "
        "chức Đảng); cơ quan, doanh nghiệp có kế hoạch về bảo đảm an ninh, trật tự và đăng ký "
        "phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự”; có nội quy, quy định bảo vệ cơ "
        "quan, doanh nghiệp, bảo vệ bí mật Nhà nước, bảo vệ chính trị nội bộ, an toàn lao động, "
        "phòng, chống cháy nổ, bảo vệ môi trường phù hợp với tình hình thực tiễn và quy định "
        "của pháp luật; 100% cán bộ, công chức, viên chức, người lao động được phổ biến quán "
        "triệt các nội quy, quy định nêu trên và tiêu chí xây dựng cơ quan, doanh nghiệp đạt "
        "tiêu chuẩn “An toàn về an ninh, trật tự”; có ít nhất 01 mô hình phong trào toàn dân "
        "bảo vệ an ninh Tổ quốc hoạt động hiệu quả.",
        f"{TT124}, Điều 6, khoản 1",
    ),
    ("organisation", 2): (
        "Triển khai, thực hiện đầy đủ các chủ trương, đường lối của Đảng, chính sách, pháp luật "
        "của Nhà nước, quy chế, chương trình, kế hoạch […]",
        f"{TT124}, Điều 6, khoản 2 (trích phần đầu)",
    ),
    ("organisation", 3): (None, f"{TT124}, Điều 6{NOT_READ}"),
    ("organisation", 4): (None, f"{TT124}, Điều 6{NOT_READ}"),
}

DEADLINE_SOURCE = f"{QD510} (20/01/2022), Quy định kèm theo, Điều 11, khoản 3"
SHEET_SOURCE = f"Mặc định của phần mềm; chưa đối chiếu bảng điểm của {QD510}"
THRESHOLD_SOURCE = f"Mặc định của phần mềm; chưa đối chiếu mức điểm xếp loại của {QD510}"


def _loaded():
    """The texts migration 0007 loaded, to tell them from an administrator's own."""
    module = importlib.import_module("movement.migrations.0007_recognition_and_grading_values")
    return {
        (subject, number): text
        for subject, rows in module.RECOGNITION.items()
        for number, (text, _minimum) in enumerate(rows, start=1)
    }


def apply(apps, schema_editor):
    criterion = apps.get_model("movement", "RecognitionCriterion")
    loaded = _loaded()
    for (subject, number), (text, source) in WORDING.items():
        rows = criterion.objects.filter(subject=subject, number=number)
        if text is not None:
            rows.filter(text=loaded[subject, number]).update(text=text)
        rows.filter(source=TT124).update(source=source)
    apps.get_model("movement", "GradingDeadline").objects.filter(source=QD510).update(
        source=DEADLINE_SOURCE
    )
    apps.get_model("movement", "GradingCriterion").objects.filter(source=QD510).update(
        source=SHEET_SOURCE
    )
    apps.get_model("movement", "AppraisalThreshold").objects.filter(source=QD510).update(
        source=THRESHOLD_SOURCE
    )


def revert(apps, schema_editor):
    criterion = apps.get_model("movement", "RecognitionCriterion")
    loaded = _loaded()
    for (subject, number), (text, source) in WORDING.items():
        rows = criterion.objects.filter(subject=subject, number=number)
        if text is not None:
            rows.filter(text=text).update(text=loaded[subject, number])
        rows.filter(source=source).update(source=TT124)
    for model, source in (
        ("GradingDeadline", DEADLINE_SOURCE),
        ("GradingCriterion", SHEET_SOURCE),
        ("AppraisalThreshold", THRESHOLD_SOURCE),
    ):
        apps.get_model("movement", model).objects.filter(source=source).update(source=QD510)


class Migration(migrations.Migration):
    dependencies = [("movement", "0010_ward_id_list_indexes")]
    operations = [migrations.RunPython(apply, revert)]
