"""Personal data and the roles that may not see it (PDPL, Law 91/2025/QH15; issue 15, item 13).

Each app's ``fields.py`` declares, once, which fields of its models are personal
(``PERSONAL_FIELDS``: model name → field names: people's names, addresses, phone numbers,
birth years, an informant's identity, free text that names people). This module reads those
declarations and is the one place every entry point asks:

- the API's serializers answer ``null`` for them (``WardRecordSerializer``, lean lists too);
- the portal leaves them out of list columns, detail pages, history and exports, and shows a
  linked record whose name is personal (a household in a commitment) by its code or number;
- search and sort never reach them (``search_fields_for``, ``sortable_for``), so a steering
  viewer cannot probe names with ``?search=`` or ``?ordering=``.

Who may see them is ``User.can_see_personal`` (an allow-list of roles).
"""

import functools
from collections.abc import Iterable
from importlib import import_module

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

# The apps whose ``fields.py`` declares ``PERSONAL_FIELDS`` (the portal's and the API's apps).
APPS = ("households", "movement", "incidents", "cameras")


@functools.cache
def _registry() -> dict[str, frozenset[str]]:
    """{"app_label.model_name": personal field names}, from every app's ``fields.py``."""
    found: dict[str, frozenset[str]] = {}
    for app in APPS:
        declared = getattr(import_module(f"{app}.fields"), "PERSONAL_FIELDS", {})
        for model_name, names in declared.items():
            model = apps.get_model(app, model_name)  # a typo fails here, loudly
            for name in names:
                model._meta.get_field(name)
            found[model._meta.label_lower] = frozenset(names)
    return found


def personal_fields(model) -> frozenset[str]:
    """The personal fields of ``model`` (a class or an instance); empty when it has none."""
    return _registry().get(model._meta.label_lower, frozenset())


def may_see_personal(user) -> bool:
    return bool(getattr(user, "can_see_personal", False))


def hidden_fields(model, user) -> frozenset[str]:
    """The fields of ``model`` that ``user`` may not see: its personal ones, or none."""
    return frozenset() if may_see_personal(user) else personal_fields(model)


def path_is_personal(model, path: str) -> bool:
    """Whether a lookup path (``household__head_name``) ends on a personal field."""
    *hops, last = path.split("__")
    for hop in hops:
        try:
            field = model._meta.get_field(hop)
        except FieldDoesNotExist:
            return True  # not understood: treated as personal, never searched
        if field.related_model is None:
            return True
        model = field.related_model
    return last in personal_fields(model)


def without_personal(model, names: Iterable[str], user) -> tuple[str, ...]:
    """``names`` (fields or lookup paths of ``model``) less those ``user`` may not see."""
    names = tuple(names)
    if may_see_personal(user):
        return names
    return tuple(name for name in names if not path_is_personal(model, name))


def record_label(record: models.Model, user) -> str:
    """``str(record)``, unless ``user`` may not see personal data and the text holds some (a
    household's "HK00012 – Nguyễn Văn A", a member's name): then its code (a household's) or its
    kind and number ("thành viên tổ #12")."""
    label = str(record)
    if may_see_personal(user):
        return label
    names = personal_fields(record)
    # A field still deferred after ``str()`` is not in the text, and reading it would cost a
    # query per row of a list.
    deferred = record.get_deferred_fields()
    values = (getattr(record, name, None) for name in names if name not in deferred)
    if not any(value not in (None, "") and str(value) in label for value in values):
        return label
    code = getattr(record, "code", None)
    if isinstance(code, str) and code and "code" not in names:
        return code
    return f"{record._meta.verbose_name} #{record.pk}"
