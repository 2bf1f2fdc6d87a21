# Today's values of the safe-area criteria (Thông tư 124/2021/TT-BCA), the grading sheet and its
# deadlines (Quyết định 510/QĐ-BCA-V05). They are configuration: administrators edit them in the
# admin; docs/domain.md says which wordings are summaries rather than the instrument's text.
from decimal import Decimal

from django.db import migrations

TT124 = "Thông tư 124/2021/TT-BCA"
QD510 = "Quyết định 510/QĐ-BCA-V05"

RECOGNITION = {
    "group": [
        (
            "Đầu năm, chi bộ có nghị quyết, khu dân cư đăng ký phấn đấu đạt tiêu chuẩn “An toàn "
            "về an ninh, trật tự”; 100% hộ gia đình thường xuyên sinh sống trên địa bàn đăng ký "
            "tham gia xây dựng khu dân cư “An toàn về an ninh, trật tự”.",
            Decimal("100"),
        ),
        (
            "Triển khai, thực hiện đầy đủ chủ trương, đường lối của Đảng, chính sách, pháp luật "
            "của Nhà nước và quy định của địa phương về bảo đảm an ninh, trật tự.",
            None,
        ),
        (
            "Không để xảy ra hoạt động chống Đảng, chống chính quyền, phá hoại khối đại đoàn kết "
            "toàn dân tộc, lợi dụng tín ngưỡng, tôn giáo, dân tộc gây phức tạp về an ninh, trật "
            "tự, mâu thuẫn, tranh chấp phức tạp kéo dài trong Nhân dân và các trường hợp khác "
            "Thông tư liệt kê.",
            None,
        ),
        (
            "Tội phạm, vi phạm pháp luật, tệ nạn xã hội, tai nạn, cháy, nổ được kiềm chế theo "
            "mức Thông tư quy định; không phát sinh tụ điểm phức tạp về an ninh, trật tự.",
            None,
        ),
        (
            "Các lực lượng nòng cốt bảo đảm an ninh, trật tự ở khu dân cư (tổ bảo vệ an ninh, "
            "trật tự, tổ hòa giải, mô hình tự quản) được kiện toàn và hoạt động hiệu quả.",
            None,
        ),
    ],
    "ward": [
        (
            "Quý I hằng năm, Đảng ủy có nghị quyết; Ủy ban nhân dân có kế hoạch bảo đảm an ninh, "
            "trật tự và đăng ký phấn đấu đạt tiêu chuẩn; xây dựng, củng cố hoặc duy trì ít nhất "
            "01 mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc hoạt động hiệu quả.",
            Decimal("1"),
        ),
        (
            "Đạt các tiêu chí quy định tại khoản 2, khoản 3 và khoản 4 Điều 4 của Thông tư "
            "(các tiêu chí của khu dân cư) trên địa bàn xã, phường.",
            None,
        ),
        (
            "Công an cấp xã chủ động nắm chắc tình hình, kịp thời tham mưu cho cấp ủy, chính "
            "quyền về bảo đảm an ninh, trật tự và xây dựng phong trào; không có cá nhân vi phạm "
            "bị xử lý kỷ luật.",
            None,
        ),
        (
            "Các khu dân cư trên địa bàn được công nhận đạt tiêu chuẩn “An toàn về an ninh, "
            "trật tự” theo tỷ lệ Thông tư quy định.",
            None,
        ),
    ],
    "organisation": [
        (
            "Đầu năm, cơ quan, doanh nghiệp, cơ sở giáo dục có kế hoạch và đăng ký phấn đấu đạt "
            "tiêu chuẩn “An toàn về an ninh, trật tự”; 100% cán bộ, công nhân viên, người lao "
            "động, giáo viên ký cam kết thực hiện.",
            Decimal("100"),
        ),
        (
            "Triển khai, thực hiện đầy đủ chủ trương, chính sách, pháp luật và nội quy, quy chế "
            "về bảo vệ an ninh, trật tự, bảo vệ bí mật nhà nước trong nội bộ.",
            None,
        ),
        (
            "Không để xảy ra vụ việc phức tạp về an ninh, trật tự, tội phạm, cháy, nổ, tai nạn "
            "lao động nghiêm trọng trong nội bộ theo mức Thông tư quy định.",
            None,
        ),
        (
            "Lực lượng bảo vệ, tổ chức bảo đảm an ninh, trật tự nội bộ được kiện toàn, hoạt động "
            "hiệu quả và phối hợp tốt với Công an trên địa bàn.",
            None,
        ),
    ],
}

SHEET = [
    ("lanh_dao", "Công tác lãnh đạo, chỉ đạo, xây dựng kế hoạch thực hiện phong trào.", "20"),
    ("tuyen_truyen", "Tuyên truyền, vận động Nhân dân tham gia phong trào.", "20"),
    (
        "mo_hinh",
        "Xây dựng, duy trì mô hình, lực lượng nòng cốt bảo vệ an ninh, trật tự ở cơ sở.",
        "20",
    ),
    (
        "ket_qua",
        "Kết quả phòng ngừa, phát hiện, tố giác tội phạm, giữ gìn an ninh, trật tự.",
        "30",
    ),
    ("so_ket", "Sơ kết, tổng kết, khen thưởng trong phong trào.", "10"),
]

DEADLINES = {"group": (20, 11), "ward": (30, 11), "organisation": (30, 11)}


def load(apps, schema_editor):
    criterion = apps.get_model("movement", "RecognitionCriterion")
    grading = apps.get_model("movement", "GradingCriterion")
    deadline = apps.get_model("movement", "GradingDeadline")
    threshold = apps.get_model("movement", "AppraisalThreshold")
    appraisal = apps.get_model("movement", "Appraisal")
    for subject, rows in RECOGNITION.items():
        for number, (text, minimum) in enumerate(rows, start=1):
            criterion.objects.get_or_create(
                subject=subject,
                number=number,
                defaults={"text": text, "minimum": minimum, "source": TT124},
            )
        for position, (code, text, max_points) in enumerate(SHEET, start=1):
            grading.objects.get_or_create(
                subject=subject,
                code=code,
                defaults={
                    "text": text,
                    "max_points": Decimal(max_points),
                    "position": position,
                    "source": QD510,
                },
            )
    for subject, (day, month) in DEADLINES.items():
        deadline.objects.get_or_create(
            subject=subject, defaults={"day": day, "month": month, "source": QD510}
        )
    threshold.objects.update(source=QD510)
    # Appraisals typed as a bare score before the sheet keep it as their total; one that no
    # threshold graded yet gets its grade now.
    for row in appraisal.objects.filter(grade=""):
        match = threshold.objects.filter(min_score__lte=row.score).order_by("-min_score").first()
        if match is not None:
            appraisal.objects.filter(pk=row.pk).update(grade=match.grade)


class Migration(migrations.Migration):
    dependencies = [("movement", "0006_recognition_criteria_grading_sheet_org_tallies")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
