# PostgreSQL extensions the portal relies on: accent-insensitive search and trigram indexes.
from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [UnaccentExtension(), TrigramExtension()]
