"""Writing actors, factions, offices and sources: validated as their models validate, guarded by If-Match."""

import pytest
from django.db import IntegrityError

from actors.models import Actor, Faction, Office
from core.rest.errors import exception_handler
from events.models import Source
from tests.api.clients import token_client
from tests.factories import ActorFactory, OrganizationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def test_stale_if_match_on_an_actor_is_a_412(curator):
    ActorFactory(slug="a", name="Old")
    client = token_client(curator)

    response = client.patch("/api/v1/actors/a/", {"name": "New"}, format="json", HTTP_IF_MATCH='"stale"')

    assert response.status_code == 412
    assert Actor.objects.get(slug="a").name == "Old"


def test_actor_faction_office_and_source_are_created_updated_and_deleted(curator):
    OrganizationFactory(slug="knb")
    client = token_client(curator)

    actor = client.post("/api/v1/actors/", {"name": "Samat Abish", "birth_date": "1965~"}, format="json")
    faction = client.post("/api/v1/factions/", {"name": "Old Guard", "orientation": "conservative"}, format="json")
    office = client.post("/api/v1/offices/", {"name": "KNB First Deputy", "organization": "knb"}, format="json")
    source = client.post("/api/v1/sources/", {"title": "Vlast.kz", "url": "https://vlast.kz/"}, format="json")
    assert [r.status_code for r in (actor, faction, office, source)] == [201] * 4

    renamed = client.patch("/api/v1/actors/samat-abish/", {"summary": "Nephew."}, format="json")
    assert renamed.json()["summary"] == "Nephew."
    assert (
        client.patch(f"/api/v1/sources/{source.json()['id']}/", {"reliability": "B"}, format="json").status_code == 200
    )

    for path in (
        "/api/v1/actors/samat-abish/",
        "/api/v1/factions/old-guard/",
        "/api/v1/offices/knb-first-deputy/",
        f"/api/v1/sources/{source.json()['id']}/",
    ):
        assert client.delete(path).status_code == 204
    assert not Faction.objects.exists()
    assert not Office.objects.exists()
    assert not Source.objects.exists()
    assert not Actor.objects.filter(slug="samat-abish").exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/actors/", {"name": "X", "birth_date": "sometime"}, "birth_date"),
        ("/api/v1/actors/", {"name": "X", "kind": "robot"}, "kind"),
        ("/api/v1/offices/", {"name": "X", "organization": "nowhere"}, "organization"),
        ("/api/v1/sources/", {"title": "X", "url": "not a url"}, "url"),
        ("/api/v1/sources/", {"title": "X", "relayed_by": 2**70}, "relayed_by"),
        ("/api/v1/sources/", {"title": "X", "published_date": "2017-99"}, "published_date"),
    ],
)
def test_other_resources_validate_writes_as_their_models_do(curator, path, body, field):
    response = token_client(curator).post(path, body, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_office_organisation_must_be_an_organisation(curator):
    ActorFactory(slug="a-person")

    response = token_client(curator).post("/api/v1/offices/", {"name": "X", "organization": "a-person"}, format="json")

    assert response.status_code == 400
    assert "organization" in response.json()


def test_deleting_an_actor_still_named_in_events_is_a_409(curator):
    ParticipationFactory(actor=ActorFactory(slug="busy"))

    response = token_client(curator).delete("/api/v1/actors/busy/")

    assert response.status_code == 409
    assert "detail" in response.json()
    assert Actor.objects.filter(slug="busy").exists()


def test_database_integrity_errors_become_400s():
    response = exception_handler(IntegrityError("UNIQUE constraint failed"), {})

    assert response.status_code == 400
    assert "non_field_errors" in response.data
