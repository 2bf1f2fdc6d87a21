"""Load the 34 provinces and 3,321 wards of the post-July-2025 map from ``vietnam-provinces``,
and the 10,051 former wards of the map before it with their old → new links (docs/domain.md)."""

import pghistory
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from vietnam_provinces import Province as SourceProvince
from vietnam_provinces import VietNamDivisionType as DivisionType
from vietnam_provinces import Ward as SourceWard
from vietnam_provinces import _ward_conversion_2025 as conversion
from vietnam_provinces import legacy

from households.models import FormerWard, Province, Ward, WardSuccession
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
FORMER_KINDS = {
    legacy.VietNamDivisionType.XA: FormerWard.Kind.XA,
    legacy.VietNamDivisionType.PHUONG: FormerWard.Kind.PHUONG,
    legacy.VietNamDivisionType.THI_TRAN: FormerWard.Kind.THI_TRAN,
}
FORMER_FIELDS = ("name", "kind", "district_name", "province_name", "search_name")


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
            f_created, f_updated = self.sync_former_wards()
            s_created, s_updated, s_deleted = self.sync_successions()
            self.analyze()
        self.stdout.write(
            f"provinces: {Province.objects.count()} ({created} created, {updated} updated); "
            f"wards: {Ward.objects.count()} ({w_created} created, {w_updated} updated); "
            f"former wards: {FormerWard.objects.count()} "
            f"({f_created} created, {f_updated} updated); "
            f"successions: {WardSuccession.objects.count()} "
            f"({s_created} created, {s_updated} updated, {s_deleted} deleted)"
        )

    def analyze(self):
        """Give the planner the tables' new sizes at once. Freshly filled and never analysed
        (a new installation, a test database), they look empty to it until autovacuum comes
        by: PostgreSQL 18 then joined a ward's 10,000 successions with the 10,051 former wards
        in a nested loop without an index condition, for minutes (a ward's former wards, on
        its page and in its documents). A role that does not own the tables is skipped with a
        warning, and autovacuum analyses them later."""
        tables = [model._meta.db_table for model in (Province, Ward, FormerWard, WardSuccession)]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(tables)}")

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

    def sync_former_wards(self):
        """The units of the map before 1 July 2025 (``vietnam_provinces.legacy``), by old code."""
        districts = {d.code: d for d in legacy.District.iter_all()}
        provinces = {p.code: p for p in legacy.Province.iter_all()}
        existing = {f.code: f for f in FormerWard.objects.all()}
        to_create, to_update = [], []
        for source in legacy.Ward.iter_all():
            district = districts[source.district_code]
            wanted = {
                "name": source.name,
                "kind": FORMER_KINDS[source.division_type],
                "district_name": district.name,
                "province_name": provinces[district.province_code].name,
                "search_name": fold_accents(source.name),
            }
            code = ward_code(source.code)
            current = existing.get(code)
            if current is None:
                to_create.append(FormerWard(code=code, **wanted))
            elif any(getattr(current, k) != v for k, v in wanted.items()):
                for key, value in wanted.items():
                    setattr(current, key, value)
                to_update.append(current)
        FormerWard.objects.bulk_create(to_create, batch_size=2000)
        FormerWard.objects.bulk_update(to_update, FORMER_FIELDS, batch_size=2000)
        return len(to_create), len(to_update)

    def sync_successions(self):
        """Old → new links from the package's conversion table of the July 2025 map.

        ``partly``: the former ward went into several new wards, or the table marks it as only
        partly merged. A link the table no longer has is deleted. Old codes the legacy tables
        lack (a handful) are skipped.
        """
        former = dict(FormerWard.objects.values_list("code", "id"))
        wards = dict(Ward.objects.values_list("code", "id"))
        wanted = {}
        for old_code, entry in conversion.OLD_TO_NEW.items():
            former_id = former.get(ward_code(old_code))
            if former_id is None:
                continue
            partly = entry.old_ward.is_partly_merged or len(entry.new_wards) > 1
            for new in entry.new_wards:
                wanted[(former_id, wards[ward_code(new.code)])] = partly
        existing = {(s.former_ward_id, s.ward_id): s for s in WardSuccession.objects.all()}
        to_create = [
            WardSuccession(former_ward_id=f, ward_id=w, partly=partly)
            for (f, w), partly in wanted.items()
            if (f, w) not in existing
        ]
        to_update = []
        for key, succession in existing.items():
            if key in wanted and succession.partly != wanted[key]:
                succession.partly = wanted[key]
                to_update.append(succession)
        stale = [s.pk for key, s in existing.items() if key not in wanted]
        WardSuccession.objects.bulk_create(to_create, batch_size=2000)
        WardSuccession.objects.bulk_update(to_update, ["partly"], batch_size=2000)
        WardSuccession.objects.filter(pk__in=stale).delete()
        return len(to_create), len(to_update), len(stale)
