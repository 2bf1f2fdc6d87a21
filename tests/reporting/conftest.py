"""Personas and a ward with figures for the reporting chain's tests."""

import datetime as dt

import pytest
from django.utils import timezone

from reporting.models import ManualIndicator, PeriodReport
from reporting.services import period_report_create
from tests.factories import ProvinceFactory, UserFactory, ensure_reporting_seeds
from wardsecurity.models import User
from wardsecurity.period_spec import REPORTING, month_of

# Month 8 of 2025 on the reporting calendar: 15/07/2025 – 14/08/2025; same period a year earlier.
PERIOD = "month:2025-08"
IN_PERIOD = dt.date(2025, 8, 1)
SAME_PERIOD = dt.date(2024, 8, 1)


def current_period() -> str:
    """This month of the reporting calendar: households entered today count in it."""
    year, month = month_of(timezone.localdate(), REPORTING)
    return f"month:{year:04d}-{month:02d}"


COMPLETE = {
    "number": "12",
    "symbol": "BC-CAP",
    "issued_on": "2025-08-16",
    "place": "An Bình",
    "signer_title": "Trưởng Công an phường",
    "signer_name": "Nguyễn Văn Bình",
    "recipients": "- Công an tỉnh;\n- Lưu: VT.",
}


@pytest.fixture(autouse=True)
def _seeds(db):
    """The schedules and the catalogue, even after a transactional test emptied the tables."""
    ensure_reporting_seeds()


@pytest.fixture
def reviewer(province):
    """The province's reviewer: wards A and B are in scope, ward C is not."""
    return UserFactory(
        username="reviewer",
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=province,
    )


@pytest.fixture
def reviewer_elsewhere(db):
    return UserFactory(
        username="reviewer_elsewhere",
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=ProvinceFactory(code="93"),
    )


@pytest.fixture
def reviewer_cluster(cluster_a):
    return UserFactory(
        username="reviewer_cluster",
        role=User.Role.PROVINCE_REVIEWER,
        scope_kind=User.ScopeKind.CLUSTER,
        scope_ward=None,
        scope_cluster=cluster_a,
    )


@pytest.fixture
def patrols(db):
    return ManualIndicator.objects.get(code="patrols")


@pytest.fixture
def draft(officer_a, ward_a) -> PeriodReport:
    """Ward A's report for August 2025, every field a submission needs filled in."""
    return period_report_create(
        actor=officer_a, data={"ward": ward_a.pk, "period": PERIOD, **COMPLETE}
    )
