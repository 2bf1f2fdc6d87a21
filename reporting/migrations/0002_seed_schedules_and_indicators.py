"""The report kinds with their default deadlines, and the manual indicators wards report most.

Both are configuration an administrator edits in the admin afterwards; this migration only
seeds them once (it never overwrites an edited row).
"""

from django.db import migrations

# Days after the period's last day (the reporting calendar's 14th) by which the ward sends it.
SCHEDULES = (
    ("month", 3),
    ("quarter", 5),
    ("half", 7),
    ("nine_months", 7),
    ("year", 10),
)

# code, Vietnamese label, English label, unit, section, order — what ward reports list under
# "kết quả thực hiện phong trào" and that no record of the portal holds.
INDICATORS = (
    ("patrols", "Buổi tuần tra, kiểm soát bảo đảm ANTT", "Patrols held", "session", "patrol", 10),
    (
        "patrol_participants",
        "Lượt người tham gia tuần tra",
        "Patrol participants",
        "turn",
        "patrol",
        20,
    ),
    (
        "residence_checks",
        "Lượt kiểm tra cư trú, lưu trú",
        "Residence checks",
        "turn",
        "patrol",
        30,
    ),
    (
        "loudspeaker_broadcasts",
        "Tin, bài phát trên hệ thống loa truyền thanh",
        "Loudspeaker broadcasts",
        "broadcast",
        "outreach",
        10,
    ),
    (
        "leaflets",
        "Tờ rơi, tài liệu tuyên truyền đã phát",
        "Leaflets handed out",
        "copy",
        "outreach",
        20,
    ),
    (
        "banners",
        "Băng rôn, pa nô, khẩu hiệu tuyên truyền",
        "Banners and posters put up",
        "item",
        "outreach",
        30,
    ),
    (
        "social_posts",
        "Tin, bài đăng trên mạng xã hội (Zalo, Facebook)",
        "Social-media posts",
        "post",
        "outreach",
        40,
    ),
    (
        "trainings",
        "Lớp tập huấn nghiệp vụ cho lực lượng tham gia bảo vệ ANTT ở cơ sở",
        "Trainings for the grassroots security forces",
        "class",
        "forces",
        10,
    ),
    (
        "training_attendees",
        "Lượt người được tập huấn",
        "Training attendances",
        "turn",
        "forces",
        20,
    ),
    (
        "festival_days",
        "Ngày hội toàn dân bảo vệ ANTQ",
        "“All people protect national security” festival days",
        "event",
        "events",
        10,
    ),
    (
        "feedback_conferences",
        "Hội nghị tiếp thu ý kiến đóng góp của Nhân dân cho lực lượng Công an",
        "Conferences hearing residents' views on the police",
        "event",
        "events",
        20,
    ),
    (
        "security_briefings",
        "Hội nghị giao ban về công tác bảo đảm ANTT",
        "Security briefings",
        "event",
        "events",
        30,
    ),
)


def seed(apps, schema_editor):
    schedule = apps.get_model("reporting", "ReportSchedule")
    for kind, days in SCHEDULES:
        schedule.objects.get_or_create(kind=kind, defaults={"due_days": days})
    indicator = apps.get_model("reporting", "ManualIndicator")
    for code, label_vi, label_en, unit, section, order in INDICATORS:
        indicator.objects.get_or_create(
            code=code,
            defaults={
                "label_vi": label_vi,
                "label_en": label_en,
                "unit": unit,
                "section": section,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
