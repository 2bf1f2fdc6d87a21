"""Choices read as people know them (issue 17, item 7): the import preview shows a choice by its
Vietnamese label whether the file wrote the label, the stored code or the English label, on both
the row-by-row and the COPY path; the sample files and templates write labels, never codes."""

import csv
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

from imports import kinds as K
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, validate

pytestmark = pytest.mark.django_db

SAMPLES = Path(K.__file__).parent / "samples"
LINES = [
    "HK-1,Nguyễn Văn An,Tổ dân phố 1,1 Đường Ba Ngòi,3,,permanent",
    "HK-2,Trần Thị Bình,Tổ dân phố 1,2 Đường Ba Ngòi,2,,Temporary residence",
    "HK-3,Lê Văn Cường,Tổ dân phố 1,3 Đường Ba Ngòi,4,,Thường trú",
]


@pytest.mark.parametrize("threshold", [10_000, 1], ids=["row by row", "copy path"])
def test_the_preview_shows_each_choice_by_its_vietnamese_label(
    clerk_a, ward_a, groups_a, threshold
):
    with override_settings(IMPORT_FAST_THRESHOLD=threshold):
        content = csv_bytes(f"{HOUSEHOLD_HEADER},Cư trú", *LINES)
        batch = validate(clerk_a, ward_a, "households", content)
    assert batch.error_count == 0, batch.errors
    shown = {row["values"]["Mã hộ"]: row["values"]["Cư trú"] for row in batch.preview}
    assert shown == {"HK-1": "Thường trú", "HK-2": "Tạm trú", "HK-3": "Thường trú"}


def test_an_unknown_choice_is_shown_as_written(clerk_a, ward_a, groups_a):
    line = "HK-1,Nguyễn Văn An,Tổ dân phố 1,1 Đường Ba Ngòi,3,,vĩnh viễn"
    batch = validate(clerk_a, ward_a, "households", csv_bytes(f"{HOUSEHOLD_HEADER},Cư trú", line))
    assert batch.preview[0]["values"]["Cư trú"] == "vĩnh viễn"
    assert batch.error_count == 1


def test_sample_files_and_template_examples_write_choices_as_vietnamese_labels():
    checked = 0
    with translation.override("vi"):
        for spec in K.KINDS.values():
            for column in spec.columns:
                if column.type != K.CHOICE:
                    continue
                model_field = spec.model._meta.get_field(column.key)
                labels = {str(label) for _v, label in model_field.flatchoices}
                if column.example:
                    assert column.example in labels, (spec.name, column.key, column.example)
                sample = SAMPLES / f"{spec.name}.csv"
                if not sample.exists():
                    continue
                with sample.open(encoding="utf-8-sig") as handle:
                    rows = list(csv.reader(handle))
                headers = [K.fold(h) for h in rows[0]]
                names = [K.fold(a) for a in column.aliases]
                index = next((i for i, h in enumerate(headers) if h in names), None)
                if index is None:
                    continue
                for row in rows[1:]:
                    if row[index]:
                        assert row[index] in labels, (sample.name, column.key, row[index])
                        checked += 1
    assert checked > 50  # the samples do hold choices: households, commitments, cameras, …
