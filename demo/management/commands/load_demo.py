"""Load the demo wards of SPEC §13 and the demo users (idempotent; see ``demo.loader``)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import loader
from reports.statistics import rollup


class Command(BaseCommand):
    help = (
        "Load the five wards of the source articles with their published figures, and demo users "
        "for every role (password DEMO_PASSWORD). Run load_territory first; safe to run again."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            lines = loader.load_demo(password=settings.DEMO_PASSWORD)
        except loader.TerritoryMissing as exc:
            raise CommandError(str(exc)) from exc
        # The dashboard shows the demo at once, without waiting for the worker's next run.
        processed = rollup.process_dirty(wait=True)
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"statistics: {processed} changed days processed")
        users = ", ".join(user.username for user in loader.DEMO_USERS)
        self.stdout.write(f"demo users: {users} (password: DEMO_PASSWORD)")
        self.stdout.write(f"load_demo finished in {time.monotonic() - started:.1f} s")
