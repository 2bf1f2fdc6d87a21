"""Criminal cases entered before severity was recorded: "not yet classified", not "less serious".

Migration 0006 gave every criminal case that existed then the lowest class of the Penal Code
(ít nghiêm trọng), a class nobody had given. This one puts back in "not yet classified" the
cases that still carry the class 0006 gave them: criminal, "less serious", created before 0006
was applied and not changed since (0006's own UPDATE stamped ``updated_at`` with the start of
its transaction, before the time ``django_migrations`` records; a case an officer saved after
that keeps what the officer's form said). A database where 0006 found no incident (a new one,
the tests, the demo) has none to move. The statistics count such cases apart
(``criminal_cases.unclassified``), and the report does not then claim "no very serious or
particularly serious case" (docs/domain.md).
"""

from django.db import migrations, models

LEGACY_MIGRATION = "0006_incident_case_type_from_category"


def unclassify_legacy(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT applied FROM django_migrations WHERE app = 'incidents' AND name = %s",
            [LEGACY_MIGRATION],
        )
        row = cursor.fetchone()
    if row is None:
        return
    applied = row[0]
    Incident.objects.filter(
        case_type="criminal",
        severity="less_serious",
        created_at__lt=applied,
        updated_at__lte=applied,
    ).update(severity="unclassified")


def classify_again(apps, schema_editor):
    """Backwards: the state 0006 left (the lowest class), which the old constraint accepts."""
    Incident = apps.get_model("incidents", "Incident")
    Incident.objects.filter(severity="unclassified").update(severity="less_serious")


class Migration(migrations.Migration):

    dependencies = [
        ('households', '0009_search_words_table'),
        ('incidents', '0008_ward_date_id_list_indexes'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='incident',
            name='incident_severity_for_crimes',
        ),
        migrations.AlterField(
            model_name='incident',
            name='severity',
            field=models.CharField(blank=True, choices=[('less_serious', 'Less serious'), ('serious', 'Serious'), ('very_serious', 'Very serious'), ('particularly_serious', 'Particularly serious'), ('unclassified', 'Not yet classified')], default='', help_text='Penal Code 2015, article 9; criminal cases only.', max_length=20, verbose_name='severity'),
        ),
        migrations.AlterField(
            model_name='incidentevent',
            name='severity',
            field=models.CharField(blank=True, choices=[('less_serious', 'Less serious'), ('serious', 'Serious'), ('very_serious', 'Very serious'), ('particularly_serious', 'Particularly serious'), ('unclassified', 'Not yet classified')], default='', help_text='Penal Code 2015, article 9; criminal cases only.', max_length=20, verbose_name='severity'),
        ),
        migrations.RunPython(unclassify_legacy, classify_again),
        migrations.AddConstraint(
            model_name='incident',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('case_type', 'criminal'), ('severity__in', ['less_serious', 'serious', 'very_serious', 'particularly_serious', 'unclassified'])), models.Q(models.Q(('case_type', 'criminal'), _negated=True), ('severity', '')), _connector='OR'), name='incident_severity_for_crimes', violation_error_code='severity', violation_error_message='Give the severity of a criminal case (Penal Code 2015, article 9).'),
        ),
    ]
