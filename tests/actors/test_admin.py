"""Curators never silently overwrite each other's edits in the admin."""

import re

import pytest

from actors.models import Actor
from core.text import MESSAGE
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db


def actor_form(actor, page, **changes):
    """The POST data of the actor change page as drawn in `page`, with `changes` applied."""
    opened = re.search(r'name="opened_version" value="([^"]+)"', page).group(1)
    data = {
        "slug": actor.slug,
        "name": actor.name,
        "sort_name": actor.sort_name,
        "kind": actor.kind,
        "opened_version": opened,
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("aliases", "identifiers", "memberships", "tenures")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    data.update(changes)
    return data


def test_saving_over_a_colleagues_edit_is_a_form_error_and_keeps_their_version(client, curator):
    actor = ActorFactory(name="Karim Masimov", slug="karim-massimov")
    client.force_login(curator)
    url = f"/admin/actors/actor/{actor.pk}/change/"
    page = client.get(url).content.decode()

    colleague = Actor.objects.get(pk=actor.pk)
    colleague.name = "Karim Massimov"
    colleague.save()

    response = client.post(url, actor_form(actor, page, name="Karim Masimov (typo fixed)"))
    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    assert Actor.objects.get(pk=actor.pk).name == "Karim Massimov"


def test_saving_an_unchanged_record_works_and_is_recorded(client, curator):
    actor = ActorFactory(name="Karim Masimov", slug="karim-massimov")
    client.force_login(curator)
    url = f"/admin/actors/actor/{actor.pk}/change/"
    page = client.get(url).content.decode()

    response = client.post(url, actor_form(actor, page, name="Karim Massimov"))
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Karim Massimov"
    assert actor.history.first().history_user == curator


def test_a_control_character_in_an_alias_inline_is_a_form_error(client, curator):
    actor = ActorFactory(name="Karim Massimov", slug="karim-massimov")
    client.force_login(curator)
    url = f"/admin/actors/actor/{actor.pk}/change/"
    page = client.get(url).content.decode()

    alias = {"aliases-TOTAL_FORMS": "1", "aliases-0-name": "Карим\x0bМасимов", "aliases-0-lang": "ru"}
    response = client.post(url, actor_form(actor, page, **alias))
    assert response.status_code == 200
    assert MESSAGE.format(code=0x0B) in response.content.decode()
    assert not actor.aliases.exists()
