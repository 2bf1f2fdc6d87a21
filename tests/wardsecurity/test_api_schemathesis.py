"""Schemathesis over the OpenAPI schema the app serves, as every role (GUARANTEES G12).

For each persona the schema is fetched from ``/api/v1/schema/?format=json`` through the WSGI app
(signed in: the schema is not public, G1). Then every operation in it is called with generated
valid and invalid requests, authenticated with the persona's Bearer token (none for anonymous).
Every answer must be:

- never a 5xx (``not_a_server_error``);
- a status the operation documents, with the documented content type, headers and body
  (``status_code_conformance``, ``content_type_conformance``, ``response_headers_conformance``,
  ``response_schema_conformance``);
- a 4xx when the request breaks the schema (``negative_data_rejection``).

Stateless and per operation, bounded so the file runs in under three minutes on two cores: a few
derandomised examples per operation, persona and generation mode (``EXAMPLES``), no shrinking.
Two in three valid item requests name a record that exists in ward A or ward B, so item
operations answer 200/204 for the personas that may see them and those bodies are checked too,
not only the 404s. Every call runs in a savepoint that is rolled back: the examples do not see each
other's writes, and one failed statement cannot poison the next call.

No check is switched off. Operations without parameters or body (logout, users/me, periods)
cannot be made invalid: Hypothesis reports them ``Unsatisfiable`` in the invalid mode, which is
skipped for them only; their valid requests run like any other.

Why not ``schemathesis.pytest.from_fixture`` (the lazy loader the schema behind a sign-in needs):
schemathesis 4.32.5 sets ``request.node._nodeid``, which pytest 9 no longer has
(``AttributeError: 'Function' object has no attribute '_nodeid'``). The loop below does what the
lazy loader does — one Hypothesis test per operation — and reports every failing operation.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.wardsecurity.test_api_matrix import (
    API,
    PERSONAS,
    RESOURCES,
    SCHEMA,
    build_world,
    make_pair,
)
from wardsecurity.api.authentication import token_issue
from wardsecurity.models import ApiToken

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/schema/?format=json"

# Examples per operation for each persona, (valid, invalid): every role gets every operation; the
# ones whose code paths differ most get more (the whole file must stay under three minutes).
EXAMPLES = {
    "anonymous": (1, 0),  # 401 before anything is read: invalid input adds nothing
    "admin_user": (4, 2),
    "officer_a": (3, 2),
    "clerk_a": (3, 1),
    "officer_b": (2, 1),
    "viewer_city": (3, 1),
    "viewer_all": (1, 1),
    "reviewer_province": (2, 1),
}

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            # The persona's token is the only credential: never generate another one.
            "with-security-parameters": False,
            # PostgreSQL refuses NUL in text: the API must answer 400, not 500 (G12).
            "allow-x00": True,
        },
    }
)

SUPPRESSED = [
    # The world is built by function-scoped fixtures once per persona, on purpose, and generated
    # bodies may be large or filtered: none of these says anything about the API.
    HealthCheck.function_scoped_fixture,
    HealthCheck.too_slow,
    HealthCheck.filter_too_much,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]


def hypothesis_settings(max_examples):
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report the first failure
        suppress_health_check=SUPPRESSED,
    )


@pytest.fixture
def wsgi_app():
    """The WSGI app, without the per-request connection recycling that would end the test's
    transaction (Django's test client disconnects the same two receivers)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(request, db, ward_a, ward_b, ward_c, cluster_a):
    """The personas and wards of the access matrix."""
    return build_world(request)


def bearer(user):
    raw, token = token_issue(user=user, name="schemathesis")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return {"Authorization": f"Bearer {raw}"}


# Ids of records that exist in the current test, per resource: the ``records`` fixture fills it,
# the strategies read it when they draw (they are built once and shared by every persona).
EXISTING: dict[str, list[int]] = {}


@pytest.fixture
def records(world):
    """One record of every resource in ward A and one in ward B."""
    EXISTING.clear()
    for name, resource in RESOURCES.items():
        EXISTING[name] = [obj.pk for obj in make_pair(resource.model, world)]
    yield EXISTING
    EXISTING.clear()


def resource_of(operation):
    return operation.path.removeprefix(API.rstrip("/")).strip("/").split("/")[0]


def naming_existing(name, index):
    def replace(case):
        known = EXISTING.get(name, [])
        if known:
            case.path_parameters = {**case.path_parameters, "id": known[index % len(known)]}
        return case

    return replace


def strategy_for(operation, mode):
    """Generated cases; for valid item requests, two in three name a record that exists."""
    generated = operation.as_strategy(generation_mode=mode)
    if mode is not GenerationMode.POSITIVE or "{id}" not in operation.path:
        return generated
    name = resource_of(operation)
    return st.one_of(
        generated, generated.map(naming_existing(name, 0)), generated.map(naming_existing(name, 1))
    )


# The schema as served, its operations and their strategies: read once, through the app.
SERVED: dict = {}


def served(app, headers):
    if not SERVED:
        schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, app, config=CONFIG, headers=headers)
        operations = [result.ok() for result in schema.get_all_operations()]
        SERVED.update(
            schema=schema,
            operations=operations,
            strategies={
                (operation.label, mode): strategy_for(operation, mode)
                for operation in operations
                for mode in GenerationMode
            },
        )
    SERVED["schema"].app = app
    return SERVED


def run_operation(strategy, headers, max_examples):
    @hypothesis_settings(max_examples)
    @given(case=strategy)
    def run(case):
        # Each call in a savepoint: one example's writes do not leak into the next, and a
        # failed statement cannot poison the test's transaction.
        with transaction.atomic():
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            finally:
                transaction.set_rollback(True)

    run()


def test_the_served_schema_is_the_one_the_matrix_is_built_from(world, wsgi_app):
    """The access matrix reads drf_spectacular's generator; the app serves the same operations."""
    operations = served(wsgi_app, bearer(world.users["admin_user"]))["operations"]
    generated = {
        (path, method.upper())
        for path, item in SCHEMA["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert {(op.path, op.method.upper()) for op in operations} == generated


def test_every_persona_has_a_budget():
    assert set(EXAMPLES) == set(PERSONAS)
    assert all(valid >= 1 for valid, _invalid in EXAMPLES.values())


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_never_errs_and_answers_as_documented(persona, world, records, wsgi_app):
    # The schema is the same for every signed-in user; it is read as the administrator.
    api = served(wsgi_app, bearer(world.users["admin_user"]))
    user = world.users[persona]
    headers = bearer(user) if user is not None else {}
    budget = dict(zip(GenerationMode, EXAMPLES[persona], strict=True))

    failures = []
    for operation in api["operations"]:
        for mode, max_examples in budget.items():
            if not max_examples:
                continue
            strategy = api["strategies"][(operation.label, mode)]
            try:
                run_operation(strategy, headers, max_examples)
            except Unsatisfiable as exc:
                # An operation without parameters or body (logout, users/me, periods) has
                # nothing to make invalid; its valid requests still ran.
                if mode is not GenerationMode.NEGATIVE:
                    failures.append(f"--- {operation.label} [{mode.value}] as {persona}:\n{exc}")
            except (Exception, BaseExceptionGroup) as exc:  # report every operation's failure
                failures.append(f"--- {operation.label} [{mode.value}] as {persona}:\n{exc}")
    assert not failures, f"{len(failures)} operation(s) failed:\n" + "\n".join(failures)
