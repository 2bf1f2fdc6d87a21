"""``migrate`` as the schema's owner, then the application's role granted its privileges.

With ``DATABASE_OWNER_URL`` (or the embedded server) the migrations connect as the owner: they
create extensions, C functions, tables and triggers, which the application's role may not. Each
run ends by granting the application's role DML on every table (wardsecurity/db_roles.py).
"""

from django.conf import settings
from django.core.management.commands import migrate

from wardsecurity.db_roles import as_owner, grant_app_role


class Command(migrate.Command):
    def handle(self, *args: object, **options: object) -> None:
        using = str(options["database"])
        with as_owner(using):
            super().handle(*args, **options)
            role = getattr(settings, "DATABASE_APP_ROLE", None)
            if role and using == "default" and not (options["plan"] or options["check_unapplied"]):
                grant_app_role(role=role, using=using)
