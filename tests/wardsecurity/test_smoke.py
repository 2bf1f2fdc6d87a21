from households.models import Household
from tests.factories import HouseholdFactory, ResidentialGroupFactory


def test_clerk_sees_only_own_ward_households(clerk_a, ward_a, ward_b):
    own = HouseholdFactory(group=ResidentialGroupFactory(ward=ward_a))
    HouseholdFactory(group=ResidentialGroupFactory(ward=ward_b))
    assert list(Household.objects.visible_to(clerk_a)) == [own]
