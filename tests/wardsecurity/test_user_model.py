"""The user's role and scope (SPEC §1, §4): one role, one complete scope, checked twice —
by ``full_clean`` (forms, admin, API) and by database constraints (every other path)."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from wardsecurity.models import User

POLICE, STAFF = User.Role.WARD_POLICE, User.Role.WARD_STAFF
VIEWER, ADMIN = User.Role.STEERING_VIEWER, User.Role.ADMIN
REVIEWER = User.Role.PROVINCE_REVIEWER
ALL, PROVINCE = User.ScopeKind.ALL, User.ScopeKind.PROVINCE
CLUSTER, WARD = User.ScopeKind.CLUSTER, User.ScopeKind.WARD

CONSISTENT = "user_scope_consistent"
WARD_ROLES = "user_ward_roles_have_ward_scope"
REVIEWER_SCOPE = "user_reviewer_has_province_or_cluster"


@pytest.fixture
def places(ward_a, province, cluster_a):
    return {"ward": ward_a, "province": province, "cluster": cluster_a}


def user_kwargs(role, scope_kind, targets, places):
    """``targets`` names the scope fields to fill: any of "ward", "province", "cluster"."""
    kwargs = {"username": f"u_{role}_{scope_kind}_{'_'.join(targets)}", "role": role}
    kwargs["scope_kind"] = scope_kind
    for target in targets:
        kwargs[f"scope_{target}"] = places[target]
    return kwargs


REFUSED = [
    # role, scope kind, scope fields filled, the constraint that refuses it
    (POLICE, ALL, (), WARD_ROLES),
    (STAFF, ALL, (), WARD_ROLES),
    (POLICE, PROVINCE, ("province",), WARD_ROLES),
    (STAFF, CLUSTER, ("cluster",), WARD_ROLES),
    (POLICE, WARD, (), CONSISTENT),
    (STAFF, WARD, (), CONSISTENT),
    (VIEWER, WARD, (), CONSISTENT),
    (VIEWER, PROVINCE, (), CONSISTENT),
    (VIEWER, CLUSTER, (), CONSISTENT),
    (VIEWER, ALL, ("ward",), CONSISTENT),
    (ADMIN, ALL, ("province",), CONSISTENT),
    (POLICE, WARD, ("ward", "province"), CONSISTENT),
    (VIEWER, PROVINCE, ("province", "cluster"), CONSISTENT),
    (VIEWER, CLUSTER, ("cluster", "ward"), CONSISTENT),
    (VIEWER, PROVINCE, ("ward",), CONSISTENT),
    (ADMIN, "", (), CONSISTENT),
    (VIEWER, "galaxy", ("ward",), CONSISTENT),
    # Issue 13: a province reviewer reviews a province or a cluster, never all or one ward.
    (REVIEWER, ALL, (), REVIEWER_SCOPE),
    (REVIEWER, WARD, ("ward",), REVIEWER_SCOPE),
]

ACCEPTED = [
    (POLICE, WARD, ("ward",)),
    (STAFF, WARD, ("ward",)),
    (VIEWER, WARD, ("ward",)),
    (VIEWER, PROVINCE, ("province",)),
    (VIEWER, CLUSTER, ("cluster",)),
    (VIEWER, ALL, ()),
    (ADMIN, ALL, ()),
    (REVIEWER, PROVINCE, ("province",)),
    (REVIEWER, CLUSTER, ("cluster",)),
]


def case_id(case):
    role, kind, targets = case[:3]
    return f"{role}-{kind or 'blank'}-{'+'.join(targets) or 'none'}"


@pytest.mark.parametrize("case", REFUSED, ids=case_id)
def test_full_clean_refuses_an_inconsistent_role_and_scope(case, places):
    role, kind, targets, _constraint = case
    user = User(**user_kwargs(role, kind, targets, places))
    user.set_password("a-long-Passphrase-2024")
    with pytest.raises(ValidationError) as caught:
        user.full_clean()
    errors = caught.value.message_dict
    assert NON_FIELD_ERRORS in errors or "scope_kind" in errors, errors


@pytest.mark.parametrize("case", REFUSED, ids=case_id)
def test_the_database_refuses_an_inconsistent_role_and_scope(case, places):
    role, kind, targets, constraint = case
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        User.objects.create(**user_kwargs(role, kind, targets, places))
    assert not User.objects.filter(username=user_kwargs(role, kind, targets, places)["username"])


@pytest.mark.parametrize("case", ACCEPTED, ids=case_id)
def test_a_consistent_role_and_scope_is_accepted_everywhere(case, places):
    user = User(**user_kwargs(*case, places))
    user.set_password("a-long-Passphrase-2024")
    user.full_clean()
    user.save()
    assert User.objects.filter(pk=user.pk, role=case[0], scope_kind=case[1]).exists()


def test_full_clean_explains_why_a_police_officer_cannot_have_every_ward(places):
    user = User(**user_kwargs(POLICE, ALL, (), places))
    user.set_password("a-long-Passphrase-2024")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        user.full_clean()
    assert caught.value.message_dict[NON_FIELD_ERRORS] == [
        "Ward police officers and clerks work in one ward."
    ]


def test_full_clean_explains_an_incomplete_scope(places):
    user = User(**user_kwargs(VIEWER, PROVINCE, (), places))
    user.set_password("a-long-Passphrase-2024")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        user.full_clean()
    assert caught.value.message_dict[NON_FIELD_ERRORS] == [
        "Choose exactly the province, cluster or ward that the scope names."
    ]


def test_the_messages_are_translated_to_vietnamese(places):
    user = User(**user_kwargs(POLICE, ALL, (), places))
    user.set_password("a-long-Passphrase-2024")
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        user.full_clean()
    (message,) = caught.value.message_dict[NON_FIELD_ERRORS]
    assert message != "Ward police officers and clerks work in one ward."


def test_a_scope_cannot_be_widened_by_a_queryset_update(officer_a):
    with pytest.raises(IntegrityError, match=WARD_ROLES), transaction.atomic():
        User.objects.filter(pk=officer_a.pk).update(scope_kind=ALL, scope_ward=None)
    officer_a.refresh_from_db()
    assert officer_a.scope_kind == WARD


@pytest.mark.parametrize("role", ["", "chief"])
def test_full_clean_refuses_a_role_outside_the_four(role, places):
    user = User(**user_kwargs(role, ALL, (), places))
    user.set_password("a-long-Passphrase-2024")
    with pytest.raises(ValidationError) as caught:
        user.full_clean()
    assert "role" in caught.value.message_dict


@pytest.mark.parametrize("role", ["", "chief"])
def test_the_database_refuses_a_role_outside_the_four(role, places):
    # SPEC §1: a user has one of four roles. A blank role with scope "all" would otherwise read
    # every ward's non-sensitive records when created outside a form (shell, script, import).
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(**user_kwargs(role, ALL, (), places))


def test_create_superuser_gives_the_admin_role_and_every_ward(db):
    user = User.objects.create_superuser("root", "root@example.vn", "a-long-Passphrase-2024")
    assert (user.role, user.scope_kind) == (ADMIN, ALL)
    assert user.is_admin_role and user.can_see_sensitive and user.can_write


@pytest.mark.parametrize(
    ("role", "sensitive", "write"),
    [
        (POLICE, True, True),
        (STAFF, False, True),
        (VIEWER, False, False),
        (ADMIN, True, True),
        (REVIEWER, False, False),
    ],
)
def test_each_role_has_its_rights(role, sensitive, write, places):
    if role in {POLICE, STAFF}:
        kind, targets = WARD, ("ward",)
    elif role == REVIEWER:
        kind, targets = PROVINCE, ("province",)
    else:
        kind, targets = ALL, ()
    user = User.objects.create(**user_kwargs(role, kind, targets, places))
    assert (user.can_see_sensitive, user.can_write) == (sensitive, write)
    assert user.can_review_reports == (role in {REVIEWER, ADMIN})
    assert user.is_reader_role == (role in {REVIEWER, VIEWER})
