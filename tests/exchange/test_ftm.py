"""The FollowTheMoney export: strictly valid for the followthemoney package, dates never more precise
than known, drafts kept from those who may not see them, the events filters, a JSON 400, a fixed
number of queries and memory that does not grow with the rows."""

import tracemalloc
from urllib.parse import urlparse

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from events.models import Source
from exchange import ftm
from tests.api.clients import anonymous_client, token_client
from tests.api.test_queries import add_rows
from tests.exchange.ftm_strict import entities_of, problems
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
    ParticipantRoleFactory,
    ParticipationFactory,
    SourceFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db

PATH = "/api/v1/export/ftm.jsonl"


def export(client, query=""):
    response = client.get(PATH + query)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/x-ndjson"
    assert response.streaming
    lines = b"".join(response.streaming_content).decode().splitlines()
    entities = entities_of(lines)
    assert problems(entities) == []
    return {entity["id"]: entity for entity in entities}


@pytest.fixture
def record():
    """A little of everything, with the dates FtM cannot say exactly."""
    knb = OrganizationFactory(slug="knb", name="National Security Committee (KNB)", birth_date="1992-06~")
    masimov = ActorFactory(slug="karim-masimov", name="Karim Masimov", birth_date="1965-06-15")
    AliasFactory(actor=masimov, name="Кәрім Мәсімов", lang="kk-Cyrl")
    IdentifierFactory(actor=masimov, scheme="wikidata", identifier="Q313541")
    IdentifierFactory(actor=masimov, scheme="opensanctions", identifier="NK-123")
    old_guard = FactionFactory(slug="old-guard", name="Old Guard", orientation="pro-Russian")
    membership = MembershipFactory(
        key="masimov-old-guard",
        actor=masimov,
        faction=old_guard,
        start_date="2016-12/2017-02",
        end_date="2017-06/2017-08",
    )
    reuters = SourceFactory(slug="reuters-1", title="Masimov detained", publisher="Reuters", kind=Source.Kind.NEWS)
    CitationFactory(event=None, membership=membership, source=reuters)
    office = OfficeFactory(slug="knb-chair", name="Chairman of the KNB", organization=knb)
    tenure = TenureFactory(
        key="masimov-knb", actor=masimov, office=office, start_date="2016-09-08", end_date="2022-01~"
    )
    decree = SourceFactory(slug="decree", kind=Source.Kind.OFFICIAL, url="https://akorda.kz", publisher="Akorda")
    CitationFactory(event=None, tenure=tenure, source=decree)
    arrest = EventFactory(
        slug="masimov-arrested", title="Masimov arrested", date="2022-01", location="Astana;\nKNB", status="published"
    )
    ParticipationFactory(event=arrest, actor=masimov, role=ParticipantRoleFactory(slug="accused"))
    ParticipationFactory(event=arrest, actor=knb, role=ParticipantRoleFactory(slug="target"))
    CitationFactory(event=arrest, source=reuters)
    informant = SourceFactory(slug="informant", kind=Source.Kind.ANONYMOUS, url="", publisher="")
    CitationFactory(event=arrest, source=informant)
    trial = EventFactory(
        slug="masimov-trial", title="Masimov tried", date="2022-12/2023-04", type__slug="trial", status="published"
    )
    ParticipationFactory(event=trial, actor=masimov)
    CitationFactory(event=trial, source=reuters)
    CitationFactory(event=EventFactory(slug="approximate", date="2016-09~", type__slug="decree", status="published"))


def test_export_is_strictly_valid_followthemoney_and_maps_each_kind(record):
    entities = export(anonymous_client())

    person = entities["kzwatch-actor-karim-masimov"]
    assert person["schema"] == "Person"
    assert person["properties"]["alias"] == ["Кәрім Мәсімов"]
    assert person["properties"]["wikidataId"] == ["Q313541"]
    assert person["properties"]["birthDate"] == ["1965-06-15"]
    knb = entities["kzwatch-actor-knb"]["properties"]
    assert entities["kzwatch-actor-knb"]["schema"] == "Organization"
    assert knb["incorporationDate"] == ["1992-06"]
    assert knb["notes"] == ["Founded: c. Jun 1992 (EDTF 1992-06~)"]
    faction = entities["kzwatch-faction-old-guard"]
    assert (faction["schema"], faction["properties"]["classification"]) == ("Organization", ["faction"])
    position = entities["kzwatch-office-knb-chair"]
    assert (position["schema"], position["properties"]["organization"]) == ("Position", ["kzwatch-actor-knb"])
    occupancy = entities["kzwatch-tenure-masimov-knb"]
    assert occupancy["schema"] == "Occupancy"
    assert occupancy["properties"]["holder"] == ["kzwatch-actor-karim-masimov"]
    assert occupancy["properties"]["post"] == ["kzwatch-office-knb-chair"]
    assert (occupancy["properties"]["startDate"], occupancy["properties"]["endDate"]) == (["2016-09-08"], ["2022-01"])
    assert occupancy["properties"]["description"] == ["End: c. Jan 2022 (EDTF 2022-01~)"]
    assert occupancy["properties"]["sourceUrl"] == ["https://akorda.kz/"]
    assert occupancy["properties"]["publisher"] == ["Akorda"]
    membership = entities["kzwatch-membership-masimov-old-guard"]["properties"]
    assert membership["member"] == ["kzwatch-actor-karim-masimov"]
    assert membership["organization"] == ["kzwatch-faction-old-guard"]
    assert membership["role"] == ["Member"]
    event = entities["kzwatch-event-masimov-arrested"]
    assert event["schema"] == "Event"
    assert event["properties"]["date"] == ["2022-01"]
    assert "notes" not in event["properties"] or not any("EDTF" in note for note in event["properties"]["notes"])
    assert sorted(event["properties"]["involved"]) == ["kzwatch-actor-karim-masimov", "kzwatch-actor-knb"]
    assert event["properties"]["proof"] == ["kzwatch-source-reuters-1"]
    assert event["properties"]["publisher"] == ["Reuters"]
    assert event["properties"]["location"] == ["Astana, KNB"]
    assert entities["kzwatch-source-reuters-1"]["schema"] == "Article"
    assert entities["kzwatch-source-decree"]["schema"] == "HyperText"
    assert "kzwatch-source-informant" not in entities
    assert not [entity for entity in entities.values() if entity["schema"] == "PublicBody"]


def test_dates_are_never_more_precise_than_known_and_keep_their_edtf(record):
    entities = export(anonymous_client())

    membership = entities["kzwatch-membership-masimov-old-guard"]["properties"]
    assert "startDate" not in membership  # a day between Dec 2016 and Feb 2017: no one year holds it
    assert membership["endDate"] == ["2017"]  # a day between June and August 2017
    assert membership["description"] == [
        "Start: between Dec 2016 and Feb 2017 (EDTF 2016-12/2017-02)",
        "End: between Jun and Aug 2017 (EDTF 2017-06/2017-08)",
    ]
    trial = entities["kzwatch-event-masimov-trial"]["properties"]
    assert (trial["startDate"], trial["endDate"]) == (["2022-12"], ["2023-04"])
    assert "date" not in trial
    approximate = entities["kzwatch-event-approximate"]["properties"]
    assert approximate["date"] == ["2016-09"]
    assert "Date: c. Sep 2016 (EDTF 2016-09~)" in approximate["notes"]


@pytest.mark.parametrize(
    ("edtf", "ftm_date"),
    [
        ("2017-08-15", "2017-08-15"),
        ("2017-08", "2017-08"),
        ("2017", "2017"),
        ("2016-09~", "2016-09"),
        ("2017?", "2017"),
        ("2017-06/2017-08", "2017"),
        ("2016-09-08/2016-09-09", "2016-09"),
        ("2017-02-01/2017-02-27", "2017-02"),
        ("2016-12/2017-02", None),
        ("2017-21", "2017"),
        ("201X", None),
        ("../2017", None),
        ("2017/..", None),
        ("", None),
    ],
)
def test_ftm_date_holds_every_day_the_edtf_may_mean(edtf, ftm_date):
    assert ftm.ftm_date(edtf) == ftm_date


def test_values_stored_before_the_rules_are_written_as_ftm_cleans_them():
    actor = ActorFactory(slug="under_score", name="placeholder")
    Actor.objects.filter(pk=actor.pk).update(name=' "Karim\x0b  Massimov" ', summary="Cafe\u0301 \u200b\x85 ")
    source = SourceFactory(slug="bare", url="HTTPS://example.org", publisher="Vlast\u2028")
    event = CitationFactory(
        event=EventFactory(slug="held", location="Astana;\nAkmola,, region", status="published"), source=source
    ).event
    ParticipationFactory(event=event, actor=actor)

    entities = export(anonymous_client())

    assert "kzwatch-actor-under_score" not in entities  # an FtM id has no underscore: the slug's hash instead
    [person] = [entity for entity in entities.values() if entity["schema"] == "Person"]
    assert person["id"] == ftm.entity_id("actor", "under_score")
    assert person["properties"]["name"] == ["Karim Massimov"]
    assert person["properties"]["summary"] == ["Café"]
    assert entities["kzwatch-source-bare"]["properties"]["sourceUrl"] == ["https://example.org/"]
    assert entities["kzwatch-event-held"]["properties"]["involved"] == [person["id"]]


def test_the_strict_check_does_catch_what_followthemoney_would_refuse_or_change():
    good = {"id": "a", "schema": "Person", "properties": {"name": ["A"]}}
    assert problems([good]) == []
    for wrong in (
        {"id": "b", "schema": "Persona", "properties": {"name": ["B"]}},
        {"id": "b", "schema": "Person", "properties": {"name": ["B"], "shoeSize": ["44"]}},
        {"id": "b", "schema": "Person", "properties": {"name": ["B"], "birthDate": ["2016-09~"]}},
        {"id": "b", "schema": "Person", "properties": {"name": ["  B "]}},
        {"id": "b", "schema": "Person", "properties": {}},
        {"id": "b", "schema": "Occupancy", "properties": {"holder": ["a"], "post": ["nowhere"]}},
        {"id": "b", "schema": "Occupancy", "properties": {"holder": ["a"], "post": ["a"]}},
        {"id": "b_c", "schema": "Person", "properties": {"name": ["B"]}},
    ):
        assert problems([good, wrong]), wrong


def test_drafts_never_leak_to_anonymous_readers_or_users_who_may_not_change_events(editor, django_user_model):
    published = CitationFactory(event=EventFactory(slug="published", title="Published", status="published")).event
    draft = EventFactory(slug="secret-draft", title="Secret draft")
    CitationFactory(event=draft, source=SourceFactory(slug="draft-only", title="Draft-only headline"))
    ParticipationFactory(event=draft, actor=ActorFactory(slug="someone"))
    ParticipationFactory(event=published, actor=ActorFactory(slug="someone-else"))
    reader = django_user_model.objects.create_user("reader")

    for client in (anonymous_client(), token_client(reader)):
        for query in ("", "?actor=someone", "?q=secret", "?date_after=2000"):
            response = client.get(PATH + query)
            body = b"".join(response.streaming_content).decode()
            assert "secret-draft" not in body and "Secret draft" not in body, query
            assert "draft-only" not in body and "Draft-only headline" not in body, query

    entities = export(token_client(editor))
    assert "Status: draft." in entities["kzwatch-event-secret-draft"]["properties"]["notes"]
    assert "kzwatch-source-draft-only" in entities


def test_a_filter_exports_the_events_it_selects_with_their_actors_and_sources(record):
    everything = export(anonymous_client())
    entities = export(anonymous_client(), "?type=trial")

    assert {entity_id for entity_id in entities if entity_id.startswith("kzwatch-event-")} == {
        "kzwatch-event-masimov-trial"
    }
    assert {entity_id for entity_id in entities if not entity_id.startswith("kzwatch-event-")} == {
        "kzwatch-actor-karim-masimov",
        "kzwatch-source-reuters-1",
    }
    assert entities["kzwatch-event-masimov-trial"] == everything["kzwatch-event-masimov-trial"]
    assert {"kzwatch-tenure-masimov-knb", "kzwatch-office-knb-chair", "kzwatch-faction-old-guard"} <= set(everything)
    # The order alone is no filter: the whole record, newest event first.
    assert export(anonymous_client(), "?ordering=-date").keys() == everything.keys()


@pytest.mark.parametrize("query", ["?date_after=soon", "?actor=nobody", "?date_after=2020&date_before=2010"])
def test_a_bad_filter_value_gets_a_json_400(query):
    for accept in ("*/*", "application/x-ndjson"):
        response = anonymous_client().get(PATH + query, HTTP_ACCEPT=accept)

        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) <= {"date_after", "date_before", "actor"}


def test_a_client_asking_for_json_lines_gets_them(record):
    response = anonymous_client().get(PATH, HTTP_ACCEPT="application/x-ndjson")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert "Authorization" in response["Vary"]


def test_the_schema_documents_the_export_its_filters_and_its_errors():
    schema = yaml.safe_load(anonymous_client().get("/api/v1/schema/").content)

    operation = schema["paths"]["/api/v1/export/ftm.jsonl"]["get"]
    assert list(operation["responses"]["200"]["content"]) == ["application/x-ndjson"]
    assert "application/json" in operation["responses"]["400"]["content"]
    names = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "type", "actor", "faction", "date_after", "date_before"} <= names
    assert not {"cursor", "page_size"} & names


def queries_for(client, query):
    with CaptureQueriesContext(connection) as context:
        response = client.get(PATH + query)
        assert response.status_code == 200
        for _ in response.streaming_content:
            pass
    return [item["sql"] for item in context.captured_queries]


@pytest.mark.usefixtures("no_page_cache")
@pytest.mark.parametrize("query", ["", "?q=event&date_after=2017", "?type=arrest"])
def test_the_export_makes_the_same_queries_for_5_events_as_for_50(query):
    client = anonymous_client()
    add_rows(0, 5)
    few = queries_for(client, query)
    add_rows(5, 50)
    many = queries_for(client, query)

    assert len(few) == len(many), "\n".join(many)


# Half of what the export sends at 500 rows.
MEMORY_BOUND = 400_000


def streamed_peak(client):
    """The most memory Python held for the export while it was read block by block (and each block
    dropped), beyond what it held before; and the export's size."""
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    response = client.get(PATH)
    size = sum(len(block) for block in response.streaming_content)
    _, peak = tracemalloc.get_traced_memory()
    return peak - before, size


@pytest.mark.usefixtures("no_page_cache")
def test_the_export_streams_in_memory_that_does_not_grow_with_the_rows(monkeypatch):
    # Chunks and blocks smaller than the output at 50 rows, so that both runs go through several:
    # what is measured is whether anything beyond them (the rows, the lines written) is held.
    monkeypatch.setattr(ftm, "CHUNK_SIZE", 20)
    monkeypatch.setattr(ftm, "BLOCK_BYTES", 4096)
    client = anonymous_client()
    add_rows(0, 50)
    tracemalloc.start()
    try:
        # The first run's one-off costs (compiled queries) are not the rows', nor is Python's cache
        # of the last 128 addresses parsed (urllib.parse), which is full from the 128th on.
        streamed_peak(client)
        for number in range(200):
            urlparse(f"https://example.org/warm-up-{number}")
        small_peak, small_size = streamed_peak(client)
        add_rows(50, 500)
        large_peak, large_size = streamed_peak(client)
    finally:
        tracemalloc.stop()

    print(f"50 rows: {small_size} bytes, peak {small_peak}; 500 rows: {large_size} bytes, peak {large_peak}")
    assert large_size > 9 * small_size
    assert large_size > 2 * MEMORY_BOUND
    # Bounded structures (the chunk's rows, a block, caches of a fixed size) fill up between 50
    # and 500 rows; past that the peak stays flat (seen to 3,000 rows and 5 MB of output, at
    # 180-260 kB). An export that held its rows or its lines would need more than it sends.
    assert small_peak < MEMORY_BOUND
    assert large_peak < MEMORY_BOUND
