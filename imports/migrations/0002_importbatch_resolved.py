from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="resolved",
            field=models.JSONField(default=dict, editable=False),
        ),
        # Uploads are kept uncompressed (until commit or cancel): compressing a 100 MB file on
        # upload cost more time than the file spends in the table.
        migrations.RunSQL(
            "ALTER TABLE imports_importbatch ALTER COLUMN content SET STORAGE EXTERNAL",
            "ALTER TABLE imports_importbatch ALTER COLUMN content SET STORAGE EXTENDED",
        ),
    ]
