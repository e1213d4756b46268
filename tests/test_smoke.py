import pytest

from tests.factories import CitationFactory, MembershipFactory, ParticipationFactory, TenureFactory


@pytest.mark.django_db
def test_factories_build_valid_rows():
    for factory in (CitationFactory, MembershipFactory, ParticipationFactory, TenureFactory):
        row = factory()
        row.full_clean()
