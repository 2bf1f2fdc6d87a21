# Default appraisal thresholds (excellent ≥ 90, good ≥ 70, average ≥ 50, weak below).
# They are configuration: administrators change them in the admin, not in code.
from decimal import Decimal

from django.db import migrations

DEFAULTS = {"excellent": "90", "good": "70", "average": "50", "weak": "0"}


def add_defaults(apps, schema_editor):
    threshold = apps.get_model("movement", "AppraisalThreshold")
    for grade, min_score in DEFAULTS.items():
        threshold.objects.get_or_create(grade=grade, defaults={"min_score": Decimal(min_score)})


class Migration(migrations.Migration):
    dependencies = [("movement", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
