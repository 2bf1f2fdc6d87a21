"""Groups in natural order ("Tổ 2" before "Tổ 10"): needs ``ws_natural`` (wardsecurity 0009)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0005_search_trigram"),
        ("wardsecurity", "0009_natural_sort"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="residentialgroup",
            options={
                "ordering": ["ward", "name__ws_natural", "name"],
                "verbose_name": "residential group",
                "verbose_name_plural": "residential groups",
            },
        ),
    ]
