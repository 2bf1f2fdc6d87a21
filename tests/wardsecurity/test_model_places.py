"""Every domain model has each of its places (docs/development.md, "Adding a model").

A model of a domain app (households, movement, incidents, cameras) that is a ``WardRecord`` needs
service functions, selectors, the fields the API and the portal agree on, a filterset, an API
resource, a portal page, an admin, an import kind and metrics — or an exemption below, with the
reason. A new model that forgets one fails here, naming the model and the place.
"""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.contrib import admin

from imports.kinds import KINDS
from reports.statistics.metrics import SOURCES
from wardsecurity.api.urls import router
from wardsecurity.models import WardRecord
from wardsecurity.portal import registry

DOMAIN_APPS = ("households", "movement", "incidents", "cameras")

# (model name, place): why that model has no such place.
EXEMPT = {
    ("ResidentialGroup", "import kind"): "a ward has a few dozen groups, entered once in the "
    "portal; household imports name them",
    ("SelfManagementModel", "import kind"): "a handful per ward, entered in the portal",
    ("Commendation", "import kind"): "entered one by one as they are awarded",
    ("WeaponSurrender", "import kind"): "entered one by one as they are handed in",
    ("ReintegrationCase", "import kind"): "sensitive (police only), entered case by case",
    ("EidTally", "import kind"): "one tally per group and period, entered in the portal",
    ("SafetyRecognition", "import kind"): "a yearly decision, entered in the portal",
    ("Appraisal", "import kind"): "a yearly appraisal, graded by the portal's thresholds",
    ("Tip", "import kind"): "sensitive: an informant's identity is never bulk-loaded",
    ("Hotspot", "import kind"): "a few per ward, placed on the map in the portal",
    ("VideoExtraction", "import kind"): "the footage access log: written only by the officer "
    "who asks for footage, never imported",
    ("TeamMember", "metrics"): "members count through their team's headcount",
}


def noun(model) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def domain_models():
    return sorted(
        (
            model
            for app in DOMAIN_APPS
            for model in apps.get_app_config(app).get_models()
            if issubclass(model, WardRecord)
        ),
        key=lambda model: model._meta.label,
    )


def _module_functions(module_name: str) -> dict:
    module = import_module(module_name)
    return {
        name: value
        for name, value in vars(module).items()
        if callable(value) and getattr(value, "__module__", None) == module_name
    }


def places(model) -> dict[str, bool]:
    app = model._meta.app_label
    name = noun(model)
    services = _module_functions(f"{app}.services")
    selectors = _module_functions(f"{app}.selectors")
    fields = vars(import_module(f"{app}.fields"))
    filtersets = vars(import_module(f"{app}.filtersets")).values()
    return {
        "service functions": {f"{name}_create", f"{name}_update", f"{name}_delete"}
        <= set(services),
        "selectors": {f"{name}_list", f"{name}_get"} <= set(selectors),
        "declared fields": {f"{name.upper()}_FIELDS", f"{name.upper()}_SORTABLE"} <= set(fields),
        "filterset": any(
            getattr(getattr(f, "_meta", None), "model", None) is model for f in filtersets
        ),
        "API resource": any(
            getattr(viewset, "model", None) is model for _p, viewset, _b in router.registry
        ),
        "portal page": any(entity.model is model for entity in registry()),
        "admin": admin.site.is_registered(model),
        "import kind": any(kind.model is model for kind in KINDS.values()),
        "metrics": any(source.model is model for source in SOURCES),
    }


def test_the_domain_models_are_found():
    names = {model.__name__ for model in domain_models()}
    assert {"Household", "Commitment", "Tip", "Camera", "VideoExtraction"} <= names
    assert len(names) == 25


@pytest.mark.parametrize("model", domain_models(), ids=lambda model: model.__name__)
def test_every_domain_model_has_its_places(model):
    missing = [
        place
        for place, present in places(model).items()
        if not present and (model.__name__, place) not in EXEMPT
    ]
    assert missing == [], f"{model.__name__} lacks: {', '.join(missing)} (docs/development.md)"


def test_every_exemption_is_still_needed():
    """An exemption for a place the model now has is stale: remove it."""
    by_name = {model.__name__: model for model in domain_models()}
    stale = [
        (name, place) for name, place in EXEMPT if places(by_name[name]).get(place, False) is True
    ]
    assert stale == []
    assert all(place in places(by_name[name]) for name, place in EXEMPT)
