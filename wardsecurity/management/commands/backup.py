"""``manage.py backup [--output PATH]``: a pg_dump custom-format file and its manifest (G16)."""

from argparse import ArgumentParser
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wardsecurity.backups import backup, manifest_path


class Command(BaseCommand):
    help = (
        "Dump the database (pg_dump custom format) with a manifest of per-table row counts and"
        " checksums taken in the same snapshot."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="the dump file (default: .data/backups/<database>-<time>.dump)",
        )

    def handle(self, *args: object, **options: object) -> None:
        output = options["output"]
        if output is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            name = settings.DATABASES["default"]["NAME"]
            output = settings.BASE_DIR / ".data" / "backups" / f"{name}-{stamp}.dump"
        manifest = backup(output=Path(str(output)))
        dump = Path(str(output)).with_name(manifest["dump"])
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            _("%(dump)s (%(tables)s tables, %(rows)s rows); manifest %(manifest)s")
            % {
                "dump": dump,
                "tables": len(manifest["tables"]),
                "rows": rows,
                "manifest": manifest_path(dump),
            }
        )
