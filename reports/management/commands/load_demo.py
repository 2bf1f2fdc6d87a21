"""Load the demo wards of SPEC §13 and the demo users (idempotent; see ``reports.demo``)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports import demo


class Command(BaseCommand):
    help = (
        "Load the five wards of the source articles with their published figures, and demo users "
        "for every role (password DEMO_PASSWORD). Run load_territory first; safe to run again."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            lines = demo.load_demo(password=settings.DEMO_PASSWORD)
        except demo.TerritoryMissing as exc:
            raise CommandError(str(exc)) from exc
        for line in lines:
            self.stdout.write(line)
        users = ", ".join(user.username for user in demo.DEMO_USERS)
        self.stdout.write(f"demo users: {users} (password: DEMO_PASSWORD)")
        self.stdout.write(f"load_demo finished in {time.monotonic() - started:.1f} s")
