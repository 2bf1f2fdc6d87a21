"""Residential groups of wards A and B, named as households files name them."""

import pytest

from tests.factories import ResidentialGroupFactory


@pytest.fixture
def groups_a(ward_a):
    return [
        ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1"),
        ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 2"),
    ]


@pytest.fixture
def groups_b(ward_b):
    return [ResidentialGroupFactory(ward=ward_b, name="Tổ dân phố 1")]
