"""The legal reference data checked against the texts (migration 0011, docs/domain.md "What was
checked against the texts"): the safe-area criteria in Thông tư 124/2021/TT-BCA's own words
with article and clause, and the grading values' sources saying what is not yet checked."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from movement.models import (
    AppraisalThreshold,
    GradingCriterion,
    GradingDeadline,
    RecognitionCriterion,
    TeamAppraisalRule,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

WORDING = importlib.import_module("movement.migrations.0011_recognition_criteria_article_wording")
LOADED = importlib.import_module("movement.migrations.0007_recognition_and_grading_values")

# Clauses per article: Điều 4 (khu dân cư) has 5, Điều 5 (xã, phường, thị trấn) has 4.
ARTICLE_CLAUSES = {"group": (4, 5), "ward": (5, 4)}


@pytest.fixture(autouse=True)
def standards(db):
    f.seed_standards()


def criteria(subject):
    return list(
        RecognitionCriterion.objects.filter(subject=subject, active=True).order_by("number")
    )


@pytest.mark.parametrize("subject", ["group", "ward"])
def test_each_kind_has_as_many_active_criteria_as_its_article_has_clauses(subject):
    article, clauses = ARTICLE_CLAUSES[subject]
    rows = criteria(subject)
    assert [c.number for c in rows] == list(range(1, clauses + 1))
    assert [c.source.split(" (")[0] for c in rows] == [
        f"Thông tư 124/2021/TT-BCA, Điều {article}, khoản {n}" for n in range(1, clauses + 1)
    ]


def test_the_residential_area_criteria_read_as_article_4():
    first, second, third, fourth, fifth = criteria("group")
    assert first.text.startswith("Quý I hằng năm, chi bộ có nghị quyết")
    assert "100% hộ gia đình đang cư trú trên địa bàn đăng ký" in first.text
    assert first.minimum == Decimal("100")  # still computed from the households' commitments
    assert second.text.endswith("các quy định của địa phương về công tác bảo đảm an ninh, trật tự.")
    # Read only in part: cut where the reading stopped, and the source says so.
    assert third.text.startswith("Không để xảy ra một trong các trường hợp sau:")
    assert third.text.endswith("[…]") and "trích phần đầu" in third.source
    # Not read: the summary stays and its source says it is one.
    for row in (fourth, fifth):
        assert row.text == LOADED.RECOGNITION["group"][row.number - 1][0]
        assert row.source.endswith("(tóm tắt; nguyên văn chưa đối chiếu)")


def test_the_ward_criteria_read_as_article_5():
    first, second, third, fourth = criteria("ward")
    assert "ít nhất 01 mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc" in first.text
    assert first.minimum == Decimal("1")
    assert (
        second.text
        == "Đạt các tiêu chí quy định tại khoản 2, khoản 3, khoản 4 Điều 4 Thông tư này."
    )
    assert third.text.startswith("Công an xã, phường, thị trấn chủ động nắm chắc tình hình")
    assert "trong đó có từ 70% trở lên được công nhận" in fourth.text


def test_the_organisation_criteria_follow_article_6_where_it_was_read():
    first, second, third, fourth = criteria("organisation")
    assert first.source == "Thông tư 124/2021/TT-BCA, Điều 6, khoản 1"
    assert (
        "100% cán bộ, công chức, viên chức, người lao động được phổ biến quán triệt" in first.text
    )
    assert first.minimum == Decimal("100")
    assert second.text.endswith("kế hoạch […]") and "Điều 6, khoản 2" in second.source
    assert all("nguyên văn chưa đối chiếu" in row.source for row in (third, fourth))


def test_an_administrators_own_wording_and_source_are_kept():
    RecognitionCriterion.objects.filter(subject="group", number=2).update(
        text="Văn bản của tỉnh.", source="Quyết định của UBND tỉnh"
    )
    WORDING.apply(apps, None)
    row = RecognitionCriterion.objects.get(subject="group", number=2)
    assert (row.text, row.source) == ("Văn bản của tỉnh.", "Quyết định của UBND tỉnh")


def test_reverting_restores_what_0007_loaded_and_applying_again_rewords_it():
    before = {
        (c.subject, c.number, c.pk): (c.text, c.source) for c in RecognitionCriterion.objects.all()
    }
    WORDING.revert(apps, None)
    first = RecognitionCriterion.objects.get(subject="ward", number=1)
    assert first.text == LOADED.RECOGNITION["ward"][0][0]
    assert first.source == "Thông tư 124/2021/TT-BCA"
    assert GradingDeadline.objects.get(subject="group").source == "Quyết định 510/QĐ-BCA-V05"
    WORDING.apply(apps, None)
    after = {
        (c.subject, c.number, c.pk): (c.text, c.source) for c in RecognitionCriterion.objects.all()
    }
    assert after == before  # same ids and numbers, same wording


def test_the_grading_values_say_which_are_checked_against_decision_510():
    deadlines = {d.subject: (d.day, d.month, d.source) for d in GradingDeadline.objects.all()}
    assert {k: v[:2] for k, v in deadlines.items()} == {
        "group": (20, 11),
        "ward": (30, 11),
        "organisation": (30, 11),
    }
    assert all("Điều 11, khoản 3" in source for _day, _month, source in deadlines.values())
    assert GradingCriterion.objects.exists() and all(
        c.source.startswith("Mặc định của phần mềm") for c in GradingCriterion.objects.all()
    )
    assert all(
        t.source.startswith("Mặc định của phần mềm") for t in AppraisalThreshold.objects.all()
    )


def test_the_team_appraisal_rule_keeps_the_guidances_20_percent_and_9_months():
    rule = TeamAppraisalRule.for_year(2025)
    assert (rule.top_level_cap_pct, rule.min_months_operating) == (Decimal("20"), 9)
    assert "01/HD-BCA-V05" in rule.source
