"""Load the 34 provinces and 3,321 wards of the post-July-2025 map from ``vietnam-provinces``."""

import pghistory
from django.core.management.base import BaseCommand
from django.db import transaction
from vietnam_provinces import Province as SourceProvince
from vietnam_provinces import VietNamDivisionType as DivisionType
from vietnam_provinces import Ward as SourceWard

from households.models import Province, Ward
from wardsecurity.validators import fold_accents

PROVINCE_KINDS = {
    DivisionType.TINH: Province.Kind.PROVINCE,
    DivisionType.THANH_PHO_TRUNG_UONG: Province.Kind.CITY,
}
WARD_KINDS = {
    DivisionType.XA: Ward.Kind.XA,
    DivisionType.PHUONG: Ward.Kind.PHUONG,
    DivisionType.DAC_KHU: Ward.Kind.DAC_KHU,
}


def province_code(value) -> str:
    return f"{int(value):02d}"


def ward_code(value) -> str:
    return f"{int(value):05d}"


class Command(BaseCommand):
    help = "Load or refresh provinces and wards from vietnam-provinces (idempotent, keyed on code)."

    def handle(self, *args, **options):
        with pghistory.context(command="load_territory"), transaction.atomic():
            created, updated = self.sync_provinces()
            w_created, w_updated = self.sync_wards()
        self.stdout.write(
            f"provinces: {Province.objects.count()} ({created} created, {updated} updated); "
            f"wards: {Ward.objects.count()} ({w_created} created, {w_updated} updated)"
        )

    def sync_provinces(self):
        existing = {p.code: p for p in Province.objects.all()}
        created = updated = 0
        for source in SourceProvince.iter_all():
            wanted = {
                "name": source.name,
                "kind": PROVINCE_KINDS[source.division_type],
                "search_name": fold_accents(source.name),
            }
            code = province_code(source.code)
            current = existing.get(code)
            if current is None:
                Province.objects.create(code=code, **wanted)
                created += 1
            elif any(getattr(current, k) != v for k, v in wanted.items()):
                Province.objects.filter(pk=current.pk).update(**wanted)
                updated += 1
        return created, updated

    def sync_wards(self):
        provinces = dict(Province.objects.values_list("code", "id"))
        existing = {w.code: w for w in Ward.objects.all()}
        to_create, updated = [], 0
        for source in SourceWard.iter_all():
            wanted = {
                "name": source.name,
                "kind": WARD_KINDS[source.division_type],
                "province_id": provinces[province_code(source.province_code)],
                "search_name": fold_accents(source.name),
            }
            code = ward_code(source.code)
            current = existing.get(code)
            if current is None:
                to_create.append(Ward(code=code, **wanted))
            elif any(getattr(current, k) != v for k, v in wanted.items()):
                Ward.objects.filter(pk=current.pk).update(**wanted)
                updated += 1
        Ward.objects.bulk_create(to_create, batch_size=1000)
        return len(to_create), updated
