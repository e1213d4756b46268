import pytest

from tests.factories import CitationFactory, MembershipFactory, ParticipationFactory, TenureFactory


@pytest.mark.django_db
def test_factories_build_valid_rows():
    for factory in (CitationFactory, MembershipFactory, ParticipationFactory, TenureFactory):
        row = factory()
        row.full_clean()


def test_the_shell_imports_every_model_it_names_without_complaint(capsys):
    from django.core.management import call_command

    call_command("shell", command="print(Event.objects.model.__name__, Actor.__name__)")
    output = capsys.readouterr()
    assert "Event Actor" in output.out
    assert "could not be automatically imported" not in output.out + output.err
