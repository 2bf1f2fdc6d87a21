"""``manage.py restore DUMP --into NEW_DATABASE``: restore a backup, then prove it identical."""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from wardsecurity.backups import restore


class Command(BaseCommand):
    help = (
        "Restore a dump made by `backup` into a new database, then compare every table's row"
        " count and checksum with the manifest; fails on any difference."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("dump", type=Path, help="the .dump file (its manifest beside it)")
        parser.add_argument("--into", required=True, help="the database to create and restore into")

    def handle(self, *args: object, **options: object) -> None:
        summary = restore(dump=Path(str(options["dump"])), into=str(options["into"]))
        self.stdout.write(
            _(
                "Restored into %(name)s: %(tables)s tables and %(rows)s rows identical to the"
                " backup."
            )
            % {"name": options["into"], "tables": summary["tables"], "rows": summary["rows"]}
        )
