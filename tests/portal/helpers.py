"""What the portal tests share: the personas' scopes and rights, and form data from a record."""

import csv
import datetime as dt
import html
import io
import re

from django.utils import timezone

from tests.model_builders import BUILDERS

# The personas of tests/conftest.py and the wards their scope covers (SPEC §4): wards A and B are
# in one province, C in another; the city cluster is A and C. ``None`` is every ward.
SCOPE = {
    "admin_user": None,
    "officer_a": "a",
    "clerk_a": "a",
    "officer_b": "b",
    "viewer_city": "ac",
    "viewer_province": "ab",
    "viewer_all": None,
}
PERSONAS = tuple(SCOPE)
# SPEC §1: who may write, and who may see sensitive records.
WRITERS = {"admin_user", "officer_a", "clerk_a", "officer_b"}
POLICE = {"admin_user", "officer_a", "officer_b"}


def sees(persona, letter):
    return SCOPE[persona] is None or letter in SCOPE[persona]


def home_letter(persona):
    """The ward a persona works in (every-ward personas: A)."""
    return (SCOPE[persona] or "a")[0]


def make(model, ward, create=True):
    assert model in BUILDERS, f"no builder for {model._meta.label} in tests/model_builders.py"
    return BUILDERS[model].make(ward, create)


def form_data(form_class, record, **changes):
    """What a browser posts for ``record`` through ``form_class`` (the version included)."""
    data = {}
    for name in form_class._meta.fields:
        model_field = record._meta.get_field(name)
        if model_field.many_to_many:
            data[name] = [o.pk for o in getattr(record, name).all()] if record.pk else []
            continue
        value = changes.get(name, getattr(record, model_field.attname))
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, dt.datetime):
            data[name] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        elif isinstance(value, list | tuple):
            data[name] = list(value)
        else:
            data[name] = str(value)
    # Fields a form builds itself from the record (the points boxes of a grading sheet).
    record_post_data = getattr(form_class, "record_post_data", None)
    if record_post_data is not None:
        data.update(record_post_data(record))
    if record.pk:
        data["version"] = str(record.version)
    return data


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def exported_ids(response):
    rows = csv_rows(response)
    return {int(row[0]) for row in rows[1:]}


def link(url):
    return f'href="{url}"'


FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def form_token(page: str) -> str:
    """The one-time token a create form was drawn with (issue 15, item 6)."""
    match = FORM_TOKEN.search(page)
    assert match, "the form carries no one-time token"
    return html.unescape(match[1])


def create_data(client, entity, record, **changes):
    """What a browser posts to ``entity``'s create page for ``record``: its form, opened first."""
    response = client.get(entity.url("create"))
    assert response.status_code == 200
    token = form_token(response.content.decode())
    return {**form_data(entity.form_class, record, **changes), "form_token": token}
