"""``manage.py apply_retention``: what the nightly retention task does, now (issue 15)."""

from django.core.management.base import BaseCommand, CommandParser

from wardsecurity.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Blank the personal values of history entries older than HISTORY_RETENTION_DAYS and "
        "delete sensitive-read log rows older than that."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Retention in days (default: the HISTORY_RETENTION_DAYS setting).",
        )

    def handle(self, *args, days: int | None = None, **options) -> None:
        if days is not None and days < 1:
            self.stderr.write("--days must be at least 1.")
            raise SystemExit(2)
        result = retention_apply(days=days)
        for label, count in sorted(result.redacted.items()):
            self.stdout.write(f"{label}: {count} entries redacted")
        self.stdout.write(
            f"{result.redacted_total} history entries redacted, "
            f"{result.sensitive_reads_deleted} sensitive reads deleted "
            f"(before {result.cutoff:%Y-%m-%d %H:%M})."
        )
