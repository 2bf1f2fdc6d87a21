"""Groups, households and cameras of ward A and ward B for the sheet and map pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ResidentialGroupFactory


@pytest.fixture
def group_a(ward_a):
    return ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1")


@pytest.fixture
def group_b(ward_b):
    return ResidentialGroupFactory(ward=ward_b, name="Tổ dân phố 9")


@pytest.fixture
def signed_in(client, request):
    """A test client signed in as the named persona (``None``: anonymous)."""

    def sign_in(persona):
        client.logout()
        if persona is not None:
            client.force_login(request.getfixturevalue(persona))
        return client

    return sign_in


@pytest.fixture
def count_queries():
    """The SQL statements one call runs (listed when an assertion about them fails)."""

    def run(call):
        with CaptureQueriesContext(connection) as captured:
            response = call()
        return response, [q["sql"] for q in captured.captured_queries]

    return run
