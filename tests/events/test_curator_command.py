"""`manage.py curator NAME` (`make curator USER=NAME`): a staff user in the Curator group, with a token."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def curator(username):
    out = StringIO()
    call_command("curator", username, stdout=out)
    return out.getvalue()


def test_a_new_curator_is_staff_in_the_group_without_a_password_and_gets_a_token(django_user_model):
    said = curator("aigerim")

    user = django_user_model.objects.get(username="aigerim")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Curator"]
    assert not user.has_usable_password()
    assert user.has_perm("events.add_event") and not user.has_perm("events.publish_event")
    token = Token.objects.get(user=user)
    assert f"API token of aigerim: {token.key}" in said
    assert "Made the user aigerim" in said
    assert "manage.py changepassword aigerim" in said


def test_running_it_again_changes_nothing_and_prints_the_same_token(django_user_model):
    first = curator("aigerim")
    second = curator("aigerim")

    assert "already a curator; nothing changed" in second
    assert first.splitlines()[-1] == second.splitlines()[-1]
    assert django_user_model.objects.filter(username="aigerim").count() == 1
    assert Token.objects.count() == 1


def test_an_existing_user_keeps_their_password_and_joins_the_group(django_user_model):
    user = django_user_model.objects.create_user("erlan", password="a-long-password-42")
    user.groups.add(Group.objects.get(name="Editor"))

    said = curator("erlan")

    user.refresh_from_db()
    assert user.check_password("a-long-password-42")
    assert user.is_staff
    assert sorted(user.groups.values_list("name", flat=True)) == ["Curator", "Editor"]
    assert "Made the user" not in said and "changepassword" not in said
    assert "erlan joined the Curator group." in said


def test_without_the_group_it_says_to_migrate(django_user_model):
    Group.objects.filter(name="Curator").delete()

    with pytest.raises(CommandError, match="migrate"):
        curator("aigerim")
    assert not django_user_model.objects.exists()
