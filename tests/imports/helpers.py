"""Import test helpers: files built in memory, and runs through the public services."""

import io

from imports.models import ImportBatch
from imports.services import import_commit, import_start, import_validate

HOUSEHOLD_HEADER = "Mã hộ,Chủ hộ,Tổ dân phố,Địa chỉ,Số nhân khẩu,Số điện thoại"


def csv_bytes(*lines, encoding="utf-8", newline="\n"):
    return newline.join(lines).encode(encoding) + newline.encode(encoding)


def household_lines(count, start=1, group="Tổ dân phố 1"):
    return [
        f"HK-{n:05d},Nguyễn Văn {n},{group},{n} Đường Ba Ngòi,{n % 7 + 1},+8490{n:07d}"
        for n in range(start, start + count)
    ]


def xlsx_bytes(rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def validate(actor, ward, kind, content, filename="data.csv"):
    """Upload and validate (the background task, run inline); the batch as stored."""
    batch = import_start(actor=actor, ward=ward, kind=kind, filename=filename, content=content)
    import_validate(batch_id=batch.pk)
    return ImportBatch.objects.get(pk=batch.pk)


def run(actor, ward, kind, content, filename="data.csv"):
    """Validate, and commit when ready; the batch as stored."""
    batch = validate(actor, ward, kind, content, filename)
    if batch.status == ImportBatch.Status.READY:
        import_commit(actor=actor, batch=batch)
    return ImportBatch.objects.get(pk=batch.pk)


def messages(batch):
    return [(e["row"], e["column"], e["message"]) for e in batch.errors]
