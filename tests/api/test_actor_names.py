"""Aliases and identifiers written through the actor: the list sent replaces the list held."""

import pytest

from actors.models import Actor, Alias, Identifier
from tests.api.clients import token_client
from tests.factories import ActorFactory, AliasFactory, IdentifierFactory

pytestmark = pytest.mark.django_db


def test_an_actor_is_created_with_its_aliases_and_identifiers(curator):
    response = token_client(curator).post(
        "/api/v1/actors/",
        {
            "name": "Karim Massimov",
            "aliases": [{"name": "Карим Масимов", "lang": "ru"}, {"name": "Kärım Mäsımov", "lang": "kk-Latn"}],
            "identifiers": [{"scheme": "wikidata", "identifier": "Q360212"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["aliases"] == [
        {"name": "Kärım Mäsımov", "lang": "kk-Latn"},
        {"name": "Карим Масимов", "lang": "ru"},
    ]
    actor = Actor.objects.get(slug="karim-massimov")
    assert actor.identifiers.get().identifier == "Q360212"
    assert set(Alias.history.values_list("history_user__username", flat=True)) == {"curator"}
    # The name search finds the new spelling at once.
    assert list(Actor.objects.matching("Масимов")) == [actor]


def test_a_write_replaces_the_lists_and_keeps_the_rows_it_matches(curator):
    actor = ActorFactory(slug="massimov")
    kept = AliasFactory(actor=actor, name="Karim Masimov", lang="en")
    AliasFactory(actor=actor, name="Old spelling", lang="en")
    IdentifierFactory(actor=actor, scheme="wikidata", identifier="Q1")
    client = token_client(curator)

    response = client.patch(
        "/api/v1/actors/massimov/",
        {"aliases": [{"name": "Karim Masimov", "lang": "en"}, {"name": "Карим Масимов", "lang": "ru"}]},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert sorted(actor.aliases.values_list("name", flat=True)) == ["Karim Masimov", "Карим Масимов"]
    assert actor.aliases.get(name="Karim Masimov").pk == kept.pk
    assert kept.history.count() == 1  # untouched
    assert list(actor.identifiers.values_list("identifier", flat=True)) == ["Q1"]  # omitted: kept

    client.patch("/api/v1/actors/massimov/", {"identifiers": []}, format="json")
    assert not actor.identifiers.exists()
    assert Identifier.history.filter(history_type="-", history_user=curator).count() == 1


def test_a_bad_row_is_a_400_naming_the_row_and_nothing_changes(curator):
    ActorFactory(slug="other")
    IdentifierFactory(actor=Actor.objects.get(slug="other"), scheme="wikidata", identifier="Q7")
    actor = ActorFactory(slug="massimov", summary="Before")
    client = token_client(curator)

    taken = client.patch(
        "/api/v1/actors/massimov/",
        {
            "summary": "After",
            "identifiers": [{"scheme": "wikidata", "identifier": "Q8"}, {"scheme": "wikidata", "identifier": "Q7"}],
        },
        format="json",
    )
    too_long = client.patch("/api/v1/actors/massimov/", {"aliases": [{"name": "x" * 201, "lang": "en"}]}, format="json")
    repeated = client.patch(
        "/api/v1/actors/massimov/",
        {"aliases": [{"name": "A", "lang": "en"}, {"name": "A", "lang": "en"}]},
        format="json",
    )
    bad_language = client.patch("/api/v1/actors/massimov/", {"aliases": [{"name": "A", "lang": "xx"}]}, format="json")

    assert taken.status_code == 400
    assert "Row 2" in taken.json()["identifiers"][0] and "already exists" in taken.json()["identifiers"][0]
    assert too_long.status_code == 400 and "200 characters" in str(too_long.json()["aliases"])
    assert repeated.status_code == 400 and "Row 2" in str(repeated.json()["aliases"])
    assert bad_language.status_code == 400 and "lang" in str(bad_language.json()["aliases"])
    actor.refresh_from_db()
    assert actor.summary == "Before"
    assert not actor.aliases.exists() and not actor.identifiers.exists()


def test_an_identifier_sent_back_unchanged_is_no_clash(curator):
    actor = ActorFactory(slug="massimov")
    IdentifierFactory(actor=actor, scheme="wikidata", identifier="Q9")
    client = token_client(curator)
    body = client.get("/api/v1/actors/massimov/").json()

    response = client.put(
        "/api/v1/actors/massimov/",
        {key: body[key] for key in ("name", "kind", "summary", "aliases", "identifiers")},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert actor.identifiers.get().history.count() == 1
