"""Scope and role (SPEC §1, §4; GUARANTEES G2, G4): ``visible_to`` for every model and persona.

The models are found by introspection, so a new ward-owned model is checked the day it appears;
one without a builder in ``tests.model_builders`` fails ``test_every_scoped_model_has_a_builder``.
"""

import pghistory.models
import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser

from cameras.models import VideoExtraction
from households.models import Household, Province, Ward, WardCluster
from incidents.models import Incident, Tip
from movement.models import ReintegrationCase
from tests.factories import ProvinceFactory, UserFactory, WardClusterFactory, WardFactory
from tests.model_builders import BUILDERS
from wardsecurity.models import User
from wardsecurity.scope import ALL_WARDS, scope_ward_ids

SCOPED_APPS = ("households", "movement", "incidents", "cameras")
TERRITORY = (Province, Ward, WardCluster)
# SPEC §1 and G4: police-only records.
SPEC_SENSITIVE = {Incident, Tip, ReintegrationCase, VideoExtraction}
# SPEC §5: every ward-owned record (by its API resource), plus the territory of §4.
SPEC_SCOPED = {
    "households": {
        "province",
        "ward",
        "wardcluster",
        "residentialgroup",
        "household",
        "organisation",
    },
    "movement": {
        "selfmanagementmodel",
        "team",
        "teammember",
        "commitment",
        "mediationcase",
        "outreachsession",
        "commendation",
        "weaponsurrender",
        "reintegrationcase",
        "eidtally",
        "safetyrecognition",
        "appraisal",
        "organisationcommitmenttally",
    },
    "incidents": {"incident", "tip", "hotspot"},
    "cameras": {"camera", "recorder", "contribution", "videoextraction"},
}


def scoped_models():
    """Every model of the ward apps whose default manager offers ``visible_to``."""
    found = []
    for label in SCOPED_APPS:
        for model in apps.get_app_config(label).get_models():
            if issubclass(model, pghistory.models.Event):
                continue
            if hasattr(model._default_manager, "visible_to"):
                found.append(model)
    return found


SCOPED_MODELS = scoped_models()
WARD_OWNED = [model for model in SCOPED_MODELS if model not in TERRITORY]

# persona -> (wards whose records it sees, whether it sees sensitive records).
# Ward C belongs to another province; the city cluster is wards A and C.
PERSONAS = {
    "officer_a": ({"a"}, True),
    "clerk_a": ({"a"}, False),
    "officer_b": ({"b"}, True),
    "viewer_city": ({"a", "c"}, False),
    "viewer_province": ({"a", "b"}, False),
    "viewer_all": ({"a", "b", "c"}, False),
    "admin_user": ({"a", "b", "c"}, True),
    "admin_role_user": ({"a", "b", "c"}, True),
    "anonymous": (set(), False),
    "inactive_officer_a": (set(), False),
    "inactive_admin": (set(), False),
}


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def inactive_officer_a(ward_a):
    return UserFactory(
        username="inactive_officer_a",
        role=User.Role.WARD_POLICE,
        scope_ward=ward_a,
        is_active=False,
    )


@pytest.fixture
def inactive_admin(db):
    return UserFactory(
        username="inactive_admin",
        role=User.Role.ADMIN,
        scope_kind=User.ScopeKind.ALL,
        scope_ward=None,
        is_superuser=True,
        is_staff=True,
        is_active=False,
    )


@pytest.fixture
def admin_role_user(db):
    """An administrator by role, not a Django superuser."""
    return UserFactory(
        username="admin_role",
        role=User.Role.ADMIN,
        scope_kind=User.ScopeKind.ALL,
        scope_ward=None,
    )


@pytest.fixture
def wards(ward_a, ward_b, ward_c, cluster_a):
    return {"a": ward_a, "b": ward_b, "c": ward_c}


def visible_pks(model, user):
    return set(model._default_manager.visible_to(user).values_list("pk", flat=True))


def model_id(model):
    return model._meta.label


def test_introspection_finds_every_scoped_model_of_the_spec():
    found = {}
    for model in SCOPED_MODELS:
        found.setdefault(model._meta.app_label, set()).add(model._meta.model_name)
    missing = {label: names - found.get(label, set()) for label, names in SPEC_SCOPED.items()}
    assert not any(missing.values()), f"models without visible_to on their manager: {missing}"


def test_every_scoped_model_has_a_builder():
    missing = [model._meta.label for model in SCOPED_MODELS if model not in BUILDERS]
    assert not missing, f"add a row to tests/model_builders.py BUILDERS for: {missing}"


def test_the_sensitive_models_are_exactly_those_the_spec_names():
    flagged = {model for model in SCOPED_MODELS if getattr(model, "sensitive", False)}
    assert flagged == SPEC_SENSITIVE


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("model", WARD_OWNED, ids=model_id)
def test_each_persona_sees_exactly_the_records_its_role_and_scope_allow(
    model, persona, wards, request
):
    assert model in BUILDERS, f"no builder for {model._meta.label} in tests/model_builders.py"
    records = {name: BUILDERS[model].make(ward, True) for name, ward in wards.items()}
    user = request.getfixturevalue(persona)
    in_scope, sees_sensitive = PERSONAS[persona]

    expected = set()
    if sees_sensitive or not model.sensitive:
        expected = {records[name].pk for name in in_scope}
    assert visible_pks(model, user) == expected


@pytest.mark.parametrize("model", WARD_OWNED, ids=model_id)
def test_a_record_of_another_ward_is_not_found_rather_than_forbidden(
    model, ward_a, ward_b, officer_a
):
    other = BUILDERS[model].make(ward_b, True)
    with pytest.raises(model.DoesNotExist):
        model._default_manager.visible_to(officer_a).get(pk=other.pk)


# persona -> (province codes, ward names, cluster names) it sees.
TERRITORY_EXPECTED = {
    "officer_a": ({"91"}, {"a"}, {"city"}),
    "clerk_a": ({"91"}, {"a"}, {"city"}),
    "officer_b": ({"91"}, {"b"}, {"b_only"}),
    "viewer_city": ({"91", "92"}, {"a", "c"}, {"city"}),
    "viewer_province": ({"91"}, {"a", "b"}, {"city", "b_only"}),
    "viewer_all": ({"91", "92", "93"}, {"a", "b", "c", "d"}, {"city", "b_only", "d_only"}),
    "admin_user": ({"91", "92", "93"}, {"a", "b", "c", "d"}, {"city", "b_only", "d_only"}),
    "admin_role_user": ({"91", "92", "93"}, {"a", "b", "c", "d"}, {"city", "b_only", "d_only"}),
    "anonymous": (set(), set(), set()),
    "inactive_officer_a": (set(), set(), set()),
    "inactive_admin": (set(), set(), set()),
}


@pytest.mark.parametrize("persona", TERRITORY_EXPECTED)
def test_each_persona_sees_the_provinces_wards_and_clusters_of_its_scope(
    persona, wards, cluster_a, request
):
    ward_d = WardFactory(code="93001", province=ProvinceFactory(code="93"), name="Xã Đồi Núi")
    all_wards = {**wards, "d": ward_d}
    clusters = {
        "city": cluster_a,
        "b_only": WardClusterFactory(name="Cụm B", wards=[wards["b"]]),
        "d_only": WardClusterFactory(name="Cụm D", wards=[ward_d]),
    }
    user = request.getfixturevalue(persona)
    provinces, ward_names, cluster_names = TERRITORY_EXPECTED[persona]

    assert set(Province.objects.visible_to(user).values_list("code", flat=True)) == provinces
    assert visible_pks(Ward, user) == {all_wards[name].pk for name in ward_names}
    assert visible_pks(WardCluster, user) == {clusters[name].pk for name in cluster_names}


def test_every_territory_model_has_expectations():
    territory = [model for model in SCOPED_MODELS if model in TERRITORY]
    assert sorted(model.__name__ for model in territory) == ["Province", "Ward", "WardCluster"]


@pytest.mark.parametrize(
    "scope",
    [
        {"scope_kind": User.ScopeKind.WARD},
        {"scope_kind": User.ScopeKind.PROVINCE},
        {"scope_kind": User.ScopeKind.CLUSTER},
        {"scope_kind": ""},
        {"scope_kind": "planet"},
    ],
    ids=["ward-without-ward", "province-without-province", "cluster-without-cluster", "empty", "x"],
)
def test_a_user_with_an_incomplete_scope_sees_nothing(scope, wards):
    # The database refuses such a user (test_user_model); an unsaved one must still see nothing.
    user = User(username="incomplete", role=User.Role.WARD_POLICE, is_active=True, **scope)
    for model in WARD_OWNED:
        BUILDERS[model].make(wards["a"], True)
    for model in SCOPED_MODELS:
        assert visible_pks(model, user) == set(), model._meta.label
    assert set(Ward.objects.filter(id__in=scope_ward_ids(user))) == set()


def ward_ids(user):
    ids = scope_ward_ids(user)
    return ids if ids is ALL_WARDS else set(Ward.objects.filter(id__in=ids))


def test_scope_ward_ids_of_a_ward_user_is_that_ward(officer_a, wards):
    assert ward_ids(officer_a) == {wards["a"]}


def test_scope_ward_ids_of_a_province_user_is_the_wards_of_that_province(viewer_province, wards):
    assert ward_ids(viewer_province) == {wards["a"], wards["b"]}


def test_scope_ward_ids_of_a_cluster_user_is_the_wards_of_that_cluster(viewer_city, wards):
    assert ward_ids(viewer_city) == {wards["a"], wards["c"]}


def test_scope_ward_ids_of_an_all_scope_user_is_every_ward(viewer_all, wards):
    assert scope_ward_ids(viewer_all) is ALL_WARDS


def test_scope_ward_ids_of_a_superuser_is_every_ward_whatever_the_scope_says(ward_a, wards):
    superuser = UserFactory(role=User.Role.ADMIN, scope_ward=ward_a, is_superuser=True)
    assert scope_ward_ids(superuser) is ALL_WARDS


@pytest.mark.parametrize("persona", ["anonymous", "inactive_officer_a", "inactive_admin"])
def test_scope_ward_ids_of_an_anonymous_or_inactive_user_is_empty(persona, wards, request):
    assert ward_ids(request.getfixturevalue(persona)) == set()


def test_a_province_scope_follows_wards_added_to_the_province_later(viewer_province, wards):
    assert ward_ids(viewer_province) == {wards["a"], wards["b"]}
    new_ward = WardFactory(code="91003", province=wards["a"].province)
    household = BUILDERS[Household].make(new_ward, True)
    assert household.pk in visible_pks(Household, viewer_province)
