"""``manage.py end_legacy_forces``: end the forces Law 30/2023/QH15 replaced (docs/domain.md)."""

import pghistory
from django.core.management.base import BaseCommand, CommandParser

from movement.models import LAW_30_IN_FORCE, Team
from movement.services import legacy_forces_end


class Command(BaseCommand):
    help = (
        "Set the dissolution date of the legacy teams (neighbourhood guards, part-time commune "
        "police, civil defence captains) still open on 1 July 2024 to that day. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the teams it would end; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        with pghistory.context(command="end_legacy_forces"):
            result = legacy_forces_end(dry_run=dry_run)
        labels = dict(Team.Kind.choices)
        for kind, count in sorted(result.ended.items()):
            self.stdout.write(f"{kind} ({labels.get(kind, kind)}): {count}")
        verb = "would end" if dry_run else "ended"
        self.stdout.write(
            f"{result.total} legacy teams {verb} on {LAW_30_IN_FORCE:%Y-%m-%d}; "
            f"{result.already_ended} had already ended by then."
        )
