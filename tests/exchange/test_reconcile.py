"""The reconciliation service, driven as OpenRefine drives it, every answer validated against the
W3C group's schemas (the `reconciliation_schema` fixture reads them from
settings.RECONCILIATION_SCHEMAS_DIR)."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from exchange.reconcile import office_description
from tests.factories import (
    ActorFactory,
    AliasFactory,
    EventFactory,
    FactionFactory,
    IdentifierFactory,
    MembershipFactory,
    OfficeFactory,
    OrganizationFactory,
    ParticipationFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """Two Nazarbayevs (a father and a daughter), a unique Massimov, an office, a faction."""
    pm = OfficeFactory(slug="prime-minister", name="Prime Minister of Kazakhstan", seats=1)
    knb = OfficeFactory(slug="knb-chairman", name="Chairman of the KNB", seats=1)
    clan = FactionFactory(slug="clan", name="The Clan")
    father = ActorFactory(slug="nursultan-nazarbayev", name="Nursultan Nazarbayev", birth_date="1940-07-06")
    AliasFactory(actor=father, name="Нурсултан Назарбаев", lang="ru")
    daughter = ActorFactory(slug="dariga-nazarbayeva", name="Dariga Nazarbayeva", birth_date="1963-05-07")
    massimov = ActorFactory(slug="karim-massimov", name="Karim Massimov", birth_date="1965-06-15")
    IdentifierFactory(actor=massimov, scheme="wikidata", identifier="Q312680")
    TenureFactory(actor=massimov, office=pm, start_date="2007-01-10", end_date="2012-09-24")
    TenureFactory(actor=massimov, office=knb, start_date="2016-09-08", end_date="2022-01-05")
    TenureFactory(actor=father, office=pm, start_date="1989-07-22", end_date="1990-04-24")
    MembershipFactory(actor=daughter, faction=clan, start_date="2000", end_date="2020")
    for _ in range(5):
        ParticipationFactory(actor=father)
    OrganizationFactory(slug="nazarbayev-fund", name="Nazarbayev Fund")
    return {"father": father, "daughter": daughter, "massimov": massimov}


def post(batch, client=None):
    """A batch as OpenRefine sends it: a POST form with `queries`."""
    return (client or Client()).post("/reconcile", {"queries": json.dumps(batch)})


def test_the_manifest_is_valid_and_says_where_everything_is(reconciliation_schema):
    response = Client().get("/reconcile")
    manifest = reconciliation_schema("manifest.json", response.json())
    assert response["Access-Control-Allow-Origin"] == "*"
    assert manifest["versions"] == ["0.2"]
    assert {t["id"] for t in manifest["defaultTypes"]} == {"person", "organisation", "faction", "office"}
    for part in ("entity", "type", "property"):
        assert Client().get(manifest["suggest"][part]["service_path"], {"prefix": "x"}).status_code == 200
    assert manifest["preview"]["url"].endswith("/reconcile/preview/{{id}}")


def test_a_name_in_three_scripts_and_spellings_reconciles_to_the_same_person(reconciliation_schema, people):
    batch = {
        "q0": {"query": "Назарбаев Нурсултан", "type": "person"},
        "q1": {"query": "Nursultan Nazarbaev", "type": ["person"]},
        "q2": {"query": "nursultan nazarbayev", "type": "person", "limit": 3},
    }
    reconciliation_schema("reconciliation-query-batch.json", batch)
    answer = reconciliation_schema("reconciliation-result-batch.json", post(batch).json())
    for key in batch:
        best = answer[key]["result"][0]
        assert (best["id"], best["match"]) == ("nursultan-nazarbayev", True), answer[key]
        assert 90 <= best["score"] <= 100
        assert best["type"] == [{"id": "person", "name": "Person"}]


def test_a_surname_alone_finds_its_likeliest_bearer_but_no_match_when_relatives_share_it(reconciliation_schema, people):
    answer = post({"q": {"query": "Nazarbayev", "type": "person"}, "m": {"query": "Масимов"}}).json()
    reconciliation_schema("reconciliation-result-batch.json", answer)
    found = answer["q"]["result"]
    assert [c["id"] for c in found] == ["nursultan-nazarbayev", "dariga-nazarbayeva"]
    assert not any(c["match"] for c in found)
    # A surname only one actor bears is a match; the description says what he is known for.
    (massimov,) = answer["m"]["result"]
    assert (massimov["id"], massimov["match"]) == ("karim-massimov", True)
    assert massimov["description"] == "Prime Minister of Kazakhstan (2007–2012); Chairman of the KNB (2016–2022)"


def test_types_keep_people_organisations_factions_and_offices_apart(people):
    answer = post(
        {
            "org": {"query": "Nazarbayev", "type": "organisation"},
            "office": {"query": "prime minister", "type": "office"},
            "faction": {"query": "clan", "type": "faction"},
        }
    ).json()
    assert [c["id"] for c in answer["org"]["result"]] == ["nazarbayev-fund"]
    assert [c["id"] for c in answer["office"]["result"]] == ["office:prime-minister"]
    assert [c["id"] for c in answer["faction"]["result"]] == ["faction:clan"]


@pytest.mark.parametrize(
    ("properties", "expected"),
    [
        ([{"pid": "office", "v": "prime-minister"}], ["nursultan-nazarbayev"]),
        (
            [{"pid": "office", "v": {"id": "office:prime-minister"}}, {"pid": "at", "v": "1990-01-01"}],
            ["nursultan-nazarbayev"],
        ),
        ([{"pid": "office", "v": "Prime Minister of Kazakhstan"}, {"pid": "at", "v": "2020"}], []),
        ([{"pid": "faction", "v": "clan"}], ["dariga-nazarbayeva"]),
        ([{"pid": "birth_date", "v": "1963"}], ["dariga-nazarbayeva"]),
    ],
)
def test_properties_narrow_the_candidates(reconciliation_schema, people, properties, expected):
    batch = {"q": {"query": "Nazarbayev", "type": "person", "properties": properties}}
    reconciliation_schema("reconciliation-query-batch.json", batch)
    answer = reconciliation_schema("reconciliation-result-batch.json", post(batch).json())
    assert [c["id"] for c in answer["q"]["result"]] == expected


def test_the_same_query_by_get_and_by_post_answers_the_same(people):
    batch = json.dumps({"q": {"query": "Massimov"}})
    assert (
        Client().get("/reconcile", {"queries": batch}).json() == Client().post("/reconcile", {"queries": batch}).json()
    )


@pytest.mark.parametrize(
    ("queries", "says"),
    [
        ("not json", "queries: not JSON."),
        ('["a list"]', "queries: a JSON object"),
        ('{"q": {"query": "x", "type": "planet"}}', "queries[q].type: one of person"),
        ('{"q": {"query": "x", "limit": "ten"}}', "queries[q].limit"),
        ('{"q": {"query": "x", "properties": [{"pid": "at", "v": "2017-13-45"}]}}', "queries[q].properties at"),
        ('{"q": {"query": "x", "properties": [{"pid": "height", "v": 2}]}}', "pid one of office"),
        ('{"q": {}}', "give a “query”"),
    ],
)
def test_a_bad_batch_is_a_400_that_says_what_is_wrong(queries, says):
    response = Client().post("/reconcile", {"queries": queries})
    assert response.status_code == 400
    assert says in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_batch_costs_the_same_queries_for_one_candidate_as_for_many(people):
    def count():
        with CaptureQueriesContext(connection) as queries:
            post({f"q{n}": {"query": "Nazarbayev"} for n in range(10)})
        return len(queries)

    few = count()
    for number in range(40):
        person = ActorFactory(name=f"Aigerim Nazarbayeva {number}")
        TenureFactory(actor=person)
        AliasFactory(actor=person)
    assert count() == few


def test_suggest_finds_entities_by_prefix_types_and_properties(reconciliation_schema, people):
    client = Client()
    entities = reconciliation_schema(
        "suggest-entities-response.json", client.get("/reconcile/suggest/entity", {"prefix": "Масим"}).json()
    )
    assert [e["id"] for e in entities["result"]] == ["karim-massimov"]
    types = reconciliation_schema(
        "suggest-types-response.json", client.get("/reconcile/suggest/type", {"prefix": "o"}).json()
    )
    assert [t["id"] for t in types["result"]] == ["organisation", "office"]
    properties = client.get("/reconcile/suggest/property", {"prefix": "off"}).json()
    reconciliation_schema("suggest-properties-response.json", properties)
    assert {p["id"] for p in properties["result"]} == {"office", "offices", "office_at"}


def test_data_extension_proposes_properties_and_gives_their_values(reconciliation_schema, people):
    client = Client()
    proposed = client.get("/reconcile/extend/propose", {"type": "person"}).json()
    reconciliation_schema("data-extension-property-proposal.json", proposed)
    query = {
        "ids": ["karim-massimov", "dariga-nazarbayeva", "no-such-person"],
        "properties": [
            {"id": "offices"},
            {"id": "office_at", "settings": {"at": "2010-06-01"}},
            {"id": "factions"},
            {"id": "birth_date"},
            {"id": "wikidata"},
        ],
    }
    reconciliation_schema("data-extension-query.json", query)
    answer = reconciliation_schema(
        "data-extension-response.json", client.post("/reconcile", {"extend": json.dumps(query)}).json()
    )
    massimov = answer["rows"]["karim-massimov"]
    assert massimov["office_at"] == [{"id": "office:prime-minister", "name": "Prime Minister of Kazakhstan"}]
    assert massimov["birth_date"] == [{"str": "1965-06-15"}]  # as the record knows it, no time of day
    assert massimov["wikidata"] == [{"str": "Q312680"}]
    assert len(massimov["offices"]) == 2
    assert answer["rows"]["dariga-nazarbayeva"]["factions"] == [{"id": "faction:clan", "name": "The Clan (Member)"}]
    assert answer["rows"]["no-such-person"] == {p["id"]: [] for p in query["properties"]}


def test_the_preview_is_a_frameable_card_with_everything_escaped(people):
    people["massimov"].name = "<script>alert(1)</script> Massimov"
    people["massimov"].save()
    response = Client().get("/reconcile/preview/karim-massimov")
    page = response.content.decode()
    assert response.status_code == 200 and "<script>" not in page and "&lt;script&gt;" in page
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    assert "Prime Minister of Kazakhstan (2007–2012)" in page
    # Every other page keeps refusing to be framed.
    assert "frame-ancestors 'none'" in Client().get("/reconcile")["Content-Security-Policy"]


def test_the_view_address_leads_to_the_entitys_page(people):
    assert Client().get("/reconcile/view/karim-massimov")["Location"] == "/actors/karim-massimov/"
    assert Client().get("/reconcile/view/office:prime-minister")["Location"] == "/offices/prime-minister/"
    assert Client().get("/reconcile/view/faction:nope").status_code == 404


def test_a_draft_events_participants_gain_nothing_from_it(people):
    """The score's small bonus counts published events only: a draft leaves no trace."""
    before = post({"q": {"query": "Dariga Nazarbayeva"}}).json()
    for _ in range(10):
        ParticipationFactory(actor=people["daughter"], event=EventFactory())
    assert post({"q": {"query": "Dariga Nazarbayeva"}}).json() == before


def test_an_open_tenure_counts_up_to_today_in_the_description(people):
    president = OfficeFactory(slug="president", name="President", seats=1)
    tenure = TenureFactory(actor=people["father"], office=president, start_date="2019-03-20")
    assert office_description([tenure]) == "President (2019–)"


def test_past_the_readers_rate_the_service_answers_json_as_it_always_does(settings):
    settings.PAGE_ANON_RATE = "2/minute"
    client = Client(REMOTE_ADDR="10.7.0.1")
    answers = [client.get("/reconcile") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Try again in" in answers[-1].json()["detail"]
