"""Reading the API: the JSON of each resource, visibility of drafts, ETags, JSON errors."""

import pytest
from rest_framework.throttling import AnonRateThrottle

from events.models import Event
from tests.api.clients import anonymous_client, token_client
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    FactionFactory,
    IdentifierFactory,
    MembershipFactory,
    OfficeFactory,
    OrganizationFactory,
    ParticipationFactory,
    SourceFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db


def test_event_detail_carries_the_contract_fields():
    event = EventFactory(
        slug="masimov-arrested", title="Masimov arrested", date="2022-01-08", location="Astana", status="published"
    )
    ParticipationFactory(event=event, actor=ActorFactory(slug="karim-masimov", name="Karim Masimov"))
    source = SourceFactory(title="Reuters", url="https://example.org/r", reliability="B")
    CitationFactory(event=event, source=source, quote="He was detained.", credibility=2)

    response = anonymous_client().get("/api/v1/events/masimov-arrested/")

    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "masimov-arrested"
    assert body["type"] == "arrest"
    assert body["date"] == "2022-01-08"
    assert body["date_start"] == body["date_end"] == "2022-01-08"
    assert body["date_display"] == "8 Jan 2022"
    assert body["status"] == "published"
    assert body["location"] == "Astana"
    assert body["participants"] == [{"actor": "karim-masimov", "name": "Karim Masimov", "role": "subject", "note": ""}]
    assert body["citations"] == [
        {
            "source": source.pk,
            "title": "Reuters",
            "url": "https://example.org/r",
            "reliability": "B",
            "quote": "He was detained.",
            "locator": "",
            "credibility": 2,
            "note": "",
        }
    ]
    assert {"created_at", "updated_at", "parent", "related", "summary"} <= body.keys()


def test_draft_event_is_hidden_from_anonymous_in_list_and_detail():
    EventFactory(slug="public-one", published=True)
    EventFactory(slug="secret-draft")
    EventFactory(slug="withdrawn", status=Event.Status.RETRACTED)
    client = anonymous_client()

    listed = [event["slug"] for event in client.get("/api/v1/events/").json()["results"]]

    assert listed == ["public-one"]
    assert client.get("/api/v1/events/secret-draft/").status_code == 404
    assert client.get("/api/v1/events/withdrawn/").status_code == 404


def test_signed_in_user_without_change_permission_sees_published_only(django_user_model):
    EventFactory(slug="secret-draft")
    reader = django_user_model.objects.create_user("reader")

    response = token_client(reader).get("/api/v1/events/secret-draft/")

    assert response.status_code == 404


def test_curator_sees_drafts_and_retractions(curator):
    EventFactory(slug="secret-draft")
    EventFactory(slug="withdrawn", status=Event.Status.RETRACTED)

    listed = {event["slug"] for event in token_client(curator).get("/api/v1/events/").json()["results"]}

    assert listed == {"secret-draft", "withdrawn"}


def test_draft_parent_and_related_are_not_named_to_anonymous():
    draft = EventFactory(slug="secret-draft")
    public = EventFactory(slug="public-one", published=True)
    event = EventFactory(slug="child", parent=draft, published=True)
    event.related.set([draft, public])

    body = anonymous_client().get("/api/v1/events/child/").json()

    assert body["parent"] is None
    assert body["related"] == ["public-one"]


def test_curator_sees_the_draft_parent(curator):
    draft = EventFactory(slug="secret-draft")
    EventFactory(slug="child", parent=draft, published=True)

    assert token_client(curator).get("/api/v1/events/child/").json()["parent"] == "secret-draft"


def test_curator_sees_the_draft_related_event(curator):
    draft = EventFactory(slug="secret-draft")
    EventFactory(slug="child", published=True).related.set([draft])

    assert token_client(curator).get("/api/v1/events/child/").json()["related"] == ["secret-draft"]


def test_actor_detail_embeds_aliases_identifiers_memberships_and_tenures():
    actor = ActorFactory(slug="karim-masimov", name="Karim Masimov", birth_date="1965-06-15")
    AliasFactory(actor=actor, name="Карим Масимов", lang="ru")
    IdentifierFactory(actor=actor, scheme="wikidata", identifier="Q313541")
    MembershipFactory(actor=actor, faction=FactionFactory(slug="old-guard"), role="leader", start_date="2016")
    predecessor = ActorFactory(slug="predecessor")
    TenureFactory(actor=actor, office=OfficeFactory(slug="knb-chair"), start_date="2016-09", predecessor=predecessor)

    body = anonymous_client().get("/api/v1/actors/karim-masimov/").json()

    assert body["name"] == "Karim Masimov"
    assert body["sort_name"] == "Karim Masimov"
    assert body["kind"] == "person"
    assert body["birth_date"] == "1965-06-15"
    assert body["aliases"] == [{"name": "Карим Масимов", "lang": "ru"}]
    assert body["identifiers"] == [{"scheme": "wikidata", "identifier": "Q313541"}]
    causes = {"started_by": None, "ended_by": None, "last_confirmed": None}
    membership, tenure = actor.memberships.get(), actor.tenures.get()
    assert body["memberships"] == [
        {"id": membership.pk, "faction": "old-guard", "role": "leader", "start_date": "2016", "end_date": "", **causes}
    ]
    assert body["tenures"] == [
        {
            "id": tenure.pk,
            "office": "knb-chair",
            "start_date": "2016-09",
            "end_date": "",
            "predecessor": "predecessor",
            **causes,
        }
    ]


def test_faction_lists_its_members_and_at_keeps_those_current_that_day():
    faction = FactionFactory(slug="old-guard", name="Old Guard", orientation="pro-Russian")
    MembershipFactory(
        faction=faction, actor=ActorFactory(slug="early", name="Early"), start_date="2010", end_date="2012"
    )
    late = MembershipFactory(faction=faction, actor=ActorFactory(slug="late", name="Late"), start_date="2016")
    client = anonymous_client()

    everyone = client.get("/api/v1/factions/old-guard/").json()
    in_2017 = client.get("/api/v1/factions/old-guard/?at=2017-03-01").json()
    listed_2011 = client.get("/api/v1/factions/?at=2011-05-05").json()["results"]

    assert everyone["orientation"] == "pro-Russian"
    assert [member["actor"] for member in everyone["memberships"]] == ["early", "late"]
    assert in_2017["memberships"] == [
        {
            "id": late.pk,
            "actor": "late",
            "name": "Late",
            "role": "member",
            "start_date": "2016",
            "end_date": "",
            "started_by": None,
            "ended_by": None,
            "last_confirmed": None,
        }
    ]
    assert [member["actor"] for member in listed_2011[0]["memberships"]] == ["early"]


def test_office_shows_its_organisation_and_holders():
    office = OfficeFactory(slug="knb-chair", name="Chairman of the KNB", organization=OrganizationFactory(slug="knb"))
    tenure = TenureFactory(
        office=office, actor=ActorFactory(slug="karim-masimov", name="Karim Masimov"), start_date="2016-09"
    )

    body = anonymous_client().get("/api/v1/offices/knb-chair/").json()

    assert body["organization"] == "knb"
    assert body["tenures"] == [
        {
            "id": tenure.pk,
            "actor": "karim-masimov",
            "name": "Karim Masimov",
            "start_date": "2016-09",
            "end_date": "",
            "predecessor": None,
            "appointed_by": None,
            "started_by": None,
            "ended_by": None,
            "last_confirmed": None,
        }
    ]


def test_actor_faction_and_office_name_the_events_that_began_and_ended_a_span_readers_may_see(curator):
    published = EventFactory(slug="appointed", published=True)
    draft = EventFactory(slug="detained-draft")
    actor = ActorFactory(slug="karim-masimov")
    spans = {"started_by": published, "ended_by": draft, "end_date": "2022", "actor": actor}
    MembershipFactory(faction=FactionFactory(slug="old-guard"), **spans)
    TenureFactory(office=OfficeFactory(slug="knb-chair"), **spans)
    causes = {"anonymous": ("appointed", None), "curator": ("appointed", "detained-draft")}

    for reader, client in (("anonymous", anonymous_client()), ("curator", token_client(curator))):
        faction = client.get("/api/v1/factions/old-guard/").json()["memberships"][0]
        on_the_day = client.get("/api/v1/factions/old-guard/?at=2017-01-01").json()["memberships"][0]
        office = client.get("/api/v1/offices/knb-chair/").json()["tenures"][0]
        listed = client.get("/api/v1/offices/").json()["results"][0]["tenures"][0]
        of_actor = client.get("/api/v1/actors/karim-masimov/").json()
        for span in (faction, on_the_day, office, listed, *of_actor["memberships"], *of_actor["tenures"]):
            assert (span["started_by"], span["ended_by"]) == causes[reader], reader


def test_source_is_fetched_by_id():
    source = SourceFactory(title="Vlast.kz", published_date="2019-03~", reliability="C")

    body = anonymous_client().get(f"/api/v1/sources/{source.pk}/").json()

    assert body["id"] == source.pk
    assert body["title"] == "Vlast.kz"
    assert body["published_date"] == "2019-03~"
    assert body["reliability"] == "C"


def test_detail_answers_carry_an_etag_that_changes_with_the_record():
    event = EventFactory(slug="e", published=True)
    client = anonymous_client()

    first = client.get("/api/v1/events/e/")["ETag"]
    again = client.get("/api/v1/events/e/")["ETag"]
    event.title = "Changed"
    event.save()
    changed = client.get("/api/v1/events/e/")["ETag"]

    assert first.startswith('"')
    assert first == again
    assert first != changed


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/events/no-such-event/",
        "/api/v1/actors/no-such-actor/",
        "/api/v1/sources/99999999999999999999999999/",
        "/api/v1/sources/-1/",
        "/api/v1/sources/abc/",
        "/api/v1/events/bad%00slug/",
        "/api/v1/no-such-endpoint/",
        "/api/v1/events/a/b/",
    ],
)
def test_unknown_addresses_get_a_json_404(path):
    response = anonymous_client().get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_api_root_lists_the_resources():
    body = anonymous_client().get("/api/v1/").json()

    assert {"actors", "factions", "offices", "events", "sources", "tombstones"} <= body.keys()


def test_anonymous_clients_are_throttled_with_a_json_answer(monkeypatch):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    client = anonymous_client()

    statuses = [client.get("/api/v1/actors/").status_code for _ in range(3)]
    refused = client.get("/api/v1/actors/")

    assert statuses == [200, 200, 429]
    assert "detail" in refused.json()
    assert int(refused["Retry-After"]) > 0


def test_the_throttle_counts_each_window_afresh_and_says_how_long_is_left(monkeypatch, stopped_throttle_clock):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    moment = stopped_throttle_clock
    moment[0] += 15  # 45 seconds into a minute
    client = anonymous_client()

    in_first = [client.get("/api/v1/actors/") for _ in range(3)]
    moment[0] += 15  # the next minute
    in_next = [client.get("/api/v1/actors/").status_code for _ in range(3)]

    assert [response.status_code for response in in_first] == [200, 200, 429]
    assert in_first[-1]["Retry-After"] == "15"
    assert in_next == [200, 200, 429]


def test_token_clients_are_not_throttled_as_anonymous(monkeypatch, curator):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    client = token_client(curator)

    assert {client.get("/api/v1/actors/").status_code for _ in range(4)} == {200}
