"""Fill the new case type of existing incidents from their category (docs/domain.md).

The mapping is ``incidents.models.CASE_TYPE_OF_CATEGORY``, copied here as it stood when the field
was added, so that this migration does not change when the model's constant does:

- crimes against public order, drugs, economic crime, online fraud → criminal (hình sự);
- environment and food safety, traffic violations, urban order, domestic violence, weapons and
  firecrackers → administrative violation (vi phạm hành chính);
- social evils → social evils; traffic accident → traffic accident; fire or explosion → fire or
  explosion; civil dispute and other → other.

A criminal case needs a severity (Penal Code 2015, art. 9) and nothing recorded says which: the
existing criminal rows get the lowest class, "less serious" (ít nghiêm trọng), for an officer to
correct. Deaths, injuries, damage, clearance and suspects handled start at 0 / not cleared.
"""

from django.db import migrations

CASE_TYPE_OF_CATEGORY = {
    "public_order_crime": "criminal",
    "drugs": "criminal",
    "economic": "criminal",
    "cyber_fraud": "criminal",
    "environment_food": "administrative",
    "traffic_violation": "administrative",
    "urban_order": "administrative",
    "domestic_violence": "administrative",
    "weapons_firecrackers": "administrative",
    "social_evils": "social_evils",
    "traffic_accident": "traffic_accident",
    "fire_explosion": "fire_explosion",
    "civil_dispute": "other",
    "other": "other",
}
LEGACY_SEVERITY = "less_serious"


def fill_case_type(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    for category, case_type in CASE_TYPE_OF_CATEGORY.items():
        Incident.objects.filter(category=category).update(
            case_type=case_type,
            severity=LEGACY_SEVERITY if case_type == "criminal" else "",
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0005_incident_police_statistics_fields")]

    operations = [migrations.RunPython(fill_case_type, migrations.RunPython.noop)]
