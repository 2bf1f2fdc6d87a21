"""Today's values of the grassroots force's configuration (docs/domain.md).

Administrators change them in the admin, each with its legal source beside it; these rows are
the starting point, not code.

- The national team-size norm: a Tổ bảo vệ ANTT has a leader, a deputy and members, so at
  least 3 (Law 30/2023/QH15; Decree 40/2024/NĐ-CP, under which each province sets its own
  numbers: a province's row replaces the default there). No national maximum.
- The team appraisal rule from the 2024 appraisal year: Guidance 01/HD-BCA-V05 of the Ministry
  of Public Security — teams rated "hoàn thành xuất sắc nhiệm vụ" are at most 20% of those
  rated "hoàn thành tốt nhiệm vụ", and a team that has worked less than 9 months in the year
  is not appraised.
"""

from decimal import Decimal

from django.db import migrations

NORM_SOURCE = (
    "Luật Lực lượng tham gia bảo vệ an ninh, trật tự ở cơ sở số 30/2023/QH15; "
    "Nghị định số 40/2024/NĐ-CP (Hội đồng nhân dân cấp tỉnh quy định số lượng thành viên "
    "Tổ bảo vệ an ninh, trật tự của địa phương)."
)
RULE_SOURCE = (
    "Hướng dẫn số 01/HD-BCA-V05 của Bộ Công an về đánh giá, xếp loại lực lượng tham gia bảo vệ "
    "an ninh, trật tự ở cơ sở: số Tổ xếp loại “Hoàn thành xuất sắc nhiệm vụ” không vượt quá 20% "
    "số Tổ xếp loại “Hoàn thành tốt nhiệm vụ”; chưa đánh giá Tổ mới thành lập hoạt động chưa đủ "
    "9 tháng."
)


def add_defaults(apps, schema_editor):
    norm = apps.get_model("movement", "TeamSizeNorm")
    rule = apps.get_model("movement", "TeamAppraisalRule")
    if not norm.objects.filter(province__isnull=True).exists():
        norm.objects.create(province=None, min_members=3, max_members=None, source=NORM_SOURCE)
    rule.objects.get_or_create(
        from_year=2024,
        defaults={
            "top_level_cap_pct": Decimal("20"),
            "min_months_operating": 9,
            "source": RULE_SOURCE,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("movement", "0008_grassroots_force")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
