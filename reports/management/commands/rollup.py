"""manage.py rollup [--since DATE] [--ward CODE ...] [--province CODE ...]: rebuild the statistics
from the records (all of them built beside the live tables and swapped in; a part in place)."""

import datetime as dt

import pghistory
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from households.models import Province, Ward
from reports.statistics import rollup


def _date(text):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = _("%(value)s is not a valid date (use YYYY-MM-DD).") % {"value": text}
        raise CommandError(message) from None


class Command(BaseCommand):
    help = (
        "Rebuild the statistics rollup from the source records"
        " (all, or from a date, or wards or provinces)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=_date, help="first day to rebuild (YYYY-MM-DD)")
        parser.add_argument(
            "--ward", action="append", default=[], metavar="CODE", help="a ward code (repeatable)"
        )
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="CODE",
            help="a province code (repeatable)",
        )

    def handle(self, *args, since=None, ward=(), province=(), **options):
        ward_ids = _ids(Ward, ward, _("Unknown ward code: %(codes)s."))
        province_ids = _ids(Province, province, _("Unknown province code: %(codes)s."))
        with pghistory.context(command="rollup"):
            rollup.rebuild(since=since, ward_ids=ward_ids, province_ids=province_ids)
        self.stdout.write(_("Statistics rebuilt."))


def _ids(model, codes, unknown: str) -> list[int] | None:
    """The ids of the units with these codes (None without codes); an unknown code stops."""
    if not codes:
        return None
    found = dict(model.objects.filter(code__in=codes).values_list("code", "id"))
    missing = sorted(set(codes) - set(found))
    if missing:
        raise CommandError(unknown % {"codes": ", ".join(missing)})
    return list(found.values())
