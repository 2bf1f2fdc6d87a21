"""Shared personas (GUARANTEES matrix): two wards of one province, one ward elsewhere, a cluster."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from tests.dbnames import drop_stale_databases, run_database_name
from tests.factories import ProvinceFactory, UserFactory, WardClusterFactory, WardFactory
from wardsecurity.models import User
from wardsecurity.throttle import SignInThrottleMiddleware


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_blocker):
    """Give every run its own test databases, and drop those that killed runs left behind.

    Several runs against one server at once (CI jobs, an editor, a terminal, a helper) would
    otherwise drop each other's database. TEST_DB_SUFFIX names the run (tests/dbnames.py).
    """
    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    test["NAME"] = run_database_name(
        test.get("NAME") or "test_" + db["NAME"], suffix=os.environ.get("TEST_DB_SUFFIX")
    )
    yield
    with django_db_blocker.unblock():
        drop_stale_databases()


@pytest.fixture(autouse=True)
def _empty_cache():
    """An answer one test cached (the statistics API caches its answers) never reaches another."""
    cache.clear()


@pytest.fixture(autouse=True)
def _vietnamese_after_each_test():
    """A request with ``Accept-Language: en`` leaves English active in the thread: reset it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def one_throttle_window(monkeypatch):
    """The sign-in throttle's clock pinned to the middle of one minute: its windows are fixed
    minutes, so two attempts either side of a minute's turn would be counted apart."""
    monkeypatch.setattr(SignInThrottleMiddleware, "clock", staticmethod(lambda: 1_800_000_030.0))


@pytest.fixture
def province(db):
    return ProvinceFactory(code="91", name="Tỉnh Thử Nghiệm")


@pytest.fixture
def ward_a(province):
    return WardFactory(code="91001", province=province, name="Phường An Bình")


@pytest.fixture
def ward_b(province):
    return WardFactory(code="91002", province=province, name="Phường Bình Minh")


@pytest.fixture
def ward_c(db):
    return WardFactory(code="92001", province=ProvinceFactory(code="92"), name="Xã Cát Tiên")


@pytest.fixture
def cluster_a(ward_a, ward_c):
    """A former city overseen together: ward A and ward C (not ward B)."""
    return WardClusterFactory(name="Thành phố cũ", wards=[ward_a, ward_c])


@pytest.fixture
def officer_a(ward_a):
    return UserFactory(username="officer_a", role=User.Role.WARD_POLICE, scope_ward=ward_a)


@pytest.fixture
def clerk_a(ward_a):
    return UserFactory(username="clerk_a", role=User.Role.WARD_STAFF, scope_ward=ward_a)


@pytest.fixture
def officer_b(ward_b):
    return UserFactory(username="officer_b", role=User.Role.WARD_POLICE, scope_ward=ward_b)


@pytest.fixture
def viewer_city(cluster_a):
    return UserFactory(
        username="viewer_city",
        role=User.Role.STEERING_VIEWER,
        scope_kind=User.ScopeKind.CLUSTER,
        scope_ward=None,
        scope_cluster=cluster_a,
    )


@pytest.fixture
def viewer_province(province):
    return UserFactory(
        username="viewer_province",
        role=User.Role.STEERING_VIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=province,
    )


@pytest.fixture
def reviewer_province(province):
    """A province reviewer (issue 13): reads like a viewer of wards A and B, reviews reports."""
    return UserFactory(
        username="reviewer_province",
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=province,
    )


@pytest.fixture
def viewer_all(db):
    return UserFactory(
        username="viewer_all",
        role=User.Role.STEERING_VIEWER,
        scope_kind=User.ScopeKind.ALL,
        scope_ward=None,
    )


@pytest.fixture
def admin_user(db):
    return UserFactory(
        username="admin",
        role=User.Role.ADMIN,
        scope_kind=User.ScopeKind.ALL,
        scope_ward=None,
        is_staff=True,
        is_superuser=True,
    )
