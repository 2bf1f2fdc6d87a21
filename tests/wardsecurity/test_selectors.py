"""The selectors: every entry point's reads of a ward model (``<app>/selectors.py``).

For each ward-owned domain model, ``<noun>_list(user=…, filters=…)`` and ``<noun>_get(user=…,
pk=…)`` (the nouns of its services) answer within the user's scope and role, a record out of
scope or missing is a 404 (``OutOfScope``), ``filters`` are the app's FilterSet parameters, and
the rows come with the linked records every entry point shows of them, at no extra query.
"""

import re
from importlib import import_module

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.selectors import (
    household_list,
    province_list,
    residential_group_get,
    ward_cluster_list,
    ward_list,
)
from movement.models import Appraisal, SafetyRecognition
from movement.selectors import team_get
from tests import factories as f
from tests.model_builders import BUILDERS
from wardsecurity.portal import registry
from wardsecurity.services import OutOfScope

pytestmark = pytest.mark.django_db

# The portal's entities are the ward-owned domain models; their API resources and admins read
# through the same selectors.
ENTITIES = registry()
BY_YEAR = {Appraisal: f.AppraisalFactory, SafetyRecognition: f.SafetyRecognitionFactory}


def noun(model):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower()


def selectors_of(model):
    module = import_module(f"{model._meta.app_label}.selectors")
    return getattr(module, f"{noun(model)}_list"), getattr(module, f"{noun(model)}_get")


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
def test_the_selectors_are_named_after_the_services(entity):
    assert entity.selectors == selectors_of(entity.model)
    create, _update, _delete = entity.services
    assert create.__name__ == f"{noun(entity.model)}_create"


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
def test_a_ward_officer_reads_the_own_ward_only(entity, officer_a, ward_a, ward_b):
    list_selector, get_selector = selectors_of(entity.model)
    mine = BUILDERS[entity.model].make(ward_a, True)
    theirs = BUILDERS[entity.model].make(ward_b, True)

    assert set(list_selector(user=officer_a)) == {mine}
    assert get_selector(user=officer_a, pk=mine.pk) == mine
    for pk in (theirs.pk, max(mine.pk, theirs.pk) + 1000):
        with pytest.raises(OutOfScope):
            get_selector(user=officer_a, pk=pk)


@pytest.mark.parametrize("entity", [e for e in ENTITIES if e.model.sensitive], ids=lambda e: e.name)
def test_sensitive_records_are_not_read_by_a_clerk(entity, clerk_a, officer_a, ward_a):
    list_selector, get_selector = selectors_of(entity.model)
    record = BUILDERS[entity.model].make(ward_a, True)

    assert list(list_selector(user=clerk_a)) == []
    with pytest.raises(OutOfScope):
        get_selector(user=clerk_a, pk=record.pk)
    assert get_selector(user=officer_a, pk=record.pk) == record


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: e.name)
def test_a_list_reads_the_linked_records_it_shows_at_no_extra_query(entity, admin_user, ward_a):
    """The ward, every linked record the portal's columns and exports and the admin show, and
    the many-valued links: one query for the rows, one per prefetched link, whatever the rows."""
    model = entity.model
    for year in (2001, 2002, 2003):
        if model in BY_YEAR:  # one row per subject and year
            BY_YEAR[model](ward=ward_a, year=year)
        else:
            BUILDERS[model].make(ward_a, True)
    list_selector, _get = entity.selectors
    shown = [model.ward_path, *(n for n in {*entity.columns, *entity.export_columns})]

    with CaptureQueriesContext(connection) as queries:
        rows = list(list_selector(user=admin_user))
        for row in rows:
            for path in shown:
                value = row
                for hop in path.split("__"):
                    value = getattr(value, hop)
                if hasattr(value, "all"):
                    [str(o) for o in value.all()]
                else:
                    str(value)

    assert len(rows) == 3
    prefetches = len(list_selector(user=admin_user)._prefetch_related_lookups)
    assert len(queries) == 1 + prefetches, [q["sql"] for q in queries.captured_queries]


def test_filters_are_the_filtersets_parameters(officer_a, ward_a):
    group, other = f.ResidentialGroupFactory.create_batch(2, ward=ward_a)
    wanted = f.HouseholdFactory(group=group, head_name="Nguyễn Thị Đào")
    f.HouseholdFactory(group=group, head_name="Trần Văn Bình")
    f.HouseholdFactory(group=other, head_name="Nguyễn Văn Đào")

    assert list(household_list(user=officer_a, filters={"group": group.pk, "search": "dao"})) == [
        wanted
    ]
    # Names the FilterSet does not know are ignored, as in the API's query string.
    assert household_list(user=officer_a, filters={"colour": "red"}).count() == 3
    assert household_list(user=officer_a, filters={}).count() == 3


def test_an_invalid_filter_is_refused_never_ignored(officer_a, ward_a):
    f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward_a))
    with pytest.raises(ValidationError) as refused:
        household_list(user=officer_a, filters={"group": "one", "active": "maybe"})
    assert set(refused.value.error_dict) == {"group", "active"}


def test_the_territory_is_read_within_the_scope(officer_a, viewer_province, ward_a, ward_b, ward_c):
    assert list(ward_list(user=officer_a)) == [ward_a]
    assert set(ward_list(user=viewer_province)) == {ward_a, ward_b}
    assert list(province_list(user=officer_a)) == [ward_a.province]
    assert list(ward_list(user=viewer_province, filters={"code": ward_b.code})) == [ward_b]
    cluster = f.WardClusterFactory(wards=[ward_a, ward_c])
    assert list(ward_cluster_list(user=officer_a)) == [cluster]


def test_one_record_is_read_with_its_joins_and_without_the_lists_prefetches(admin_user, ward_a):
    """A single record reads a many-valued link only when it shows it: one query either way."""
    group = f.ResidentialGroupFactory(ward=ward_a)
    team = f.TeamFactory(ward=ward_a)
    team.groups.set([group])

    with CaptureQueriesContext(connection) as queries:
        read = team_get(user=admin_user, pk=team.pk)
        assert str(read.ward) == str(ward_a)
        assert residential_group_get(user=admin_user, pk=group.pk).ward == ward_a
    assert len(queries) == 2
