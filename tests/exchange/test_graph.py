"""The graph exports, GraphML and GEXF: read back with networkx and held against the API's own lists."""

import io
import itertools
import tracemalloc
from collections import Counter

import networkx
import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor, Faction, Membership, Office, Tenure
from events.models import Event, Participation
from exchange import graph
from tests.api.clients import anonymous_client, token_client
from tests.factories import (
    ActorFactory,
    EventFactory,
    EventTypeFactory,
    FactionFactory,
    MembershipFactory,
    OfficeFactory,
    OrganizationFactory,
    ParticipantRoleFactory,
    ParticipationFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db

GRAPHML = "/api/v1/export/graph.graphml"
GEXF = "/api/v1/export/graph.gexf"
FORMATS = [GRAPHML, GEXF]


def body(response):
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def read(path, client=None):
    """The export at `path` as a networkx multigraph."""
    data = body((client or anonymous_client()).get(path))
    if path.startswith(GRAPHML):
        return networkx.read_graphml(io.BytesIO(data), force_multigraph=True)
    return networkx.MultiGraph(networkx.read_gexf(io.BytesIO(data)))


def api_rows(client, path):
    """Every row of an API list, page by page along its `next` links."""
    rows, url = [], f"{path}{'&' if '?' in path else '?'}page_size=200"
    while url:
        page = client.get(url).json()
        rows.extend(page["results"])
        url = page["next"]
    return rows


def edges_of(graph_, kind=None):
    """(source, target, id, data) of each edge of `kind` (of every kind without one). networkx keeps
    a GraphML multigraph's edge ids as keys, and a GEXF's as `id`."""
    return [
        (source, target, data.get("id", key), data)
        for source, target, key, data in graph_.edges(keys=True, data=True)
        if kind in (None, data["kind"])
    ]


def co_participation_in_api(client, day=None):
    """Each pair of people (as a frozenset of slugs) with the number of events in the events list both
    take part in: the API's own answer to what the co-participation edges count."""
    people = {row["slug"] for row in api_rows(client, "/api/v1/actors/?kind=person")}
    events = api_rows(client, f"/api/v1/events/?date_before={day}" if day else "/api/v1/events/")
    pairs = Counter()
    for event in events:
        present = sorted({row["actor"] for row in event["participants"]} & people)
        pairs.update(frozenset(pair) for pair in itertools.combinations(present, 2))
    return pairs


def co_participation_in(graph_):
    return {
        frozenset((graph_.nodes[source]["slug"], graph_.nodes[target]["slug"])): data["weight"]
        for source, target, _, data in edges_of(graph_, "co-participation")
    }


def assert_graph_matches_the_api(graph_, client, day=None):
    """Nodes and edges, kind by kind, as the API lists them (on `day`: only what the day's edges touch)."""
    at = f"?at={day}" if day else ""
    memberships = api_rows(client, f"/api/v1/memberships/{at}")
    tenures = api_rows(client, f"/api/v1/tenures/{at}")
    pairs = co_participation_in_api(client, day)
    assert {id_ for _, _, id_, _ in edges_of(graph_, "membership")} == {
        f"membership/{row['id']}" for row in memberships
    }
    assert {id_ for _, _, id_, _ in edges_of(graph_, "tenure")} == {f"tenure/{row['id']}" for row in tenures}
    assert co_participation_in(graph_) == pairs
    assert graph_.number_of_edges() == len(memberships) + len(tenures) + len(pairs)
    actors = {row["slug"] for row in api_rows(client, "/api/v1/actors/")}
    factions = {row["slug"] for row in api_rows(client, "/api/v1/factions/")}
    offices = {row["slug"] for row in api_rows(client, "/api/v1/offices/")}
    if day:
        touched = {row["actor"] for row in [*memberships, *tenures]} | {slug for pair in pairs for slug in pair}
        actors, factions = actors & touched, {row["faction"] for row in memberships}
        offices = {row["office"] for row in tenures}
    nodes = {
        (data["kind"] if data["kind"] in ("faction", "office") else "actor", data["slug"])
        for data in graph_.nodes.values()
    }
    assert nodes == {
        *(("actor", slug) for slug in actors),
        *(("faction", slug) for slug in factions),
        *(("office", slug) for slug in offices),
    }
    assert graph_.number_of_nodes() == len(actors) + len(factions) + len(offices)


@pytest.fixture
def cast():
    """Three people, an organisation, two factions, two offices, and events some of them share."""
    people = {
        slug: ActorFactory(slug=slug, name=slug.replace("-", " ").title())
        for slug in ("masimov", "dutbayev", "abykayev")
    }
    knb = OrganizationFactory(slug="knb", name="National Security Committee")
    guard, siloviki = FactionFactory(slug="old-guard"), FactionFactory(slug="siloviki")
    MembershipFactory(actor=people["masimov"], faction=guard, role="leader", start_date="2016-09~", end_date="")
    # Twice in one faction: two edges between the same nodes.
    MembershipFactory(actor=people["masimov"], faction=guard, role="member", start_date="2001", end_date="2005-06")
    MembershipFactory(actor=knb, faction=siloviki, start_date="2017-06/2017-08", end_date="2019?")
    chair = OfficeFactory(slug="knb-chair", name="Chairman of the KNB", organization=knb)
    TenureFactory(actor=people["masimov"], office=chair, start_date="2016-09-08", end_date="2022-01-05")
    TenureFactory(actor=people["dutbayev"], office=OfficeFactory(slug="empty-office"), start_date="", end_date="2010")
    OfficeFactory(slug="no-one-holds-it")
    accused = ParticipantRoleFactory(slug="accused")
    for slug, date in (("trial", "2017-08-01"), ("sentencing", "2018-01")):
        event = EventFactory(slug=slug, date=date, published=True)
        for person in ("masimov", "dutbayev"):
            ParticipationFactory(event=event, actor=people[person], role=accused)
    # Two parts in one event count once; an organisation is no person.
    ParticipationFactory(event=Event.objects.get(slug="trial"), actor=people["masimov"])
    ParticipationFactory(event=Event.objects.get(slug="trial"), actor=knb)
    later = EventFactory(slug="later", date="2019", published=True)
    for person in ("masimov", "abykayev"):
        ParticipationFactory(event=later, actor=people[person])
    return people


@pytest.mark.parametrize("path", FORMATS)
def test_the_graph_holds_every_actor_faction_office_span_and_co_participation_the_api_lists(cast, path):
    assert_graph_matches_the_api(read(path), anonymous_client())


@pytest.mark.parametrize("path", FORMATS)
def test_nodes_carry_kind_name_slug_and_the_absolute_page_address(cast, path):
    nodes = read(path).nodes

    assert nodes["actor/masimov"].items() >= {"kind": "person", "name": "Masimov", "slug": "masimov"}.items()
    assert nodes["actor/masimov"]["url"] == "http://testserver/actors/masimov/"
    assert nodes["actor/knb"]["kind"] == "organization"
    assert (nodes["faction/old-guard"]["kind"], nodes["faction/old-guard"]["url"]) == (
        "faction",
        "http://testserver/factions/old-guard/",
    )
    assert nodes["office/knb-chair"]["name"] == "Chairman of the KNB"
    assert nodes["office/knb-chair"]["url"] == "http://testserver/offices/knb-chair/"


def span_edge(graph_, source, target, **match):
    (data,) = [
        data
        for data in graph_.get_edge_data(source, target).values()
        if all(data.get(name) == value for name, value in match.items())
    ]
    return data


def test_span_edges_keep_the_edtf_dates_and_the_days_they_may_hold_in_graphml(cast):
    graph_ = read(GRAPHML)

    leader = span_edge(graph_, "actor/masimov", "faction/old-guard", role="leader")
    assert (leader["start_date"], leader["start"]) == ("2016-09~", "2016-09-01")
    assert "end_date" not in leader and "end" not in leader  # no known end: open
    siloviki = span_edge(graph_, "actor/knb", "faction/siloviki")
    assert (siloviki["start_date"], siloviki["end_date"]) == ("2017-06/2017-08", "2019?")
    assert (siloviki["start"], siloviki["end"]) == ("2017-06-01", "2019-12-31")
    tenure = span_edge(graph_, "actor/dutbayev", "office/empty-office")
    assert "start" not in tenure and tenure["end"] == "2010-12-31"


def test_the_gexf_without_a_day_is_dynamic_with_start_and_end_on_edges(cast):
    data = body(anonymous_client().get(GEXF))
    graph_ = networkx.read_gexf(io.BytesIO(data))

    assert graph_.graph["mode"] == "dynamic"
    assert b'timeformat="date"' in data
    leader = span_edge(graph_, "actor/masimov", "faction/old-guard", role="leader")
    assert leader["start"] == "2016-09-01" and "end" not in leader
    earlier = span_edge(graph_, "actor/masimov", "faction/old-guard", role="member")
    assert (earlier["start"], earlier["end"]) == ("2001-01-01", "2005-06-30")
    pair = graph_.get_edge_data("actor/masimov", "actor/dutbayev") or graph_.get_edge_data(
        "actor/dutbayev", "actor/masimov"
    )
    (pair,) = pair.values()
    assert (pair["start"], pair["weight"]) == ("2017-08-01", 2.0)


def test_the_gexf_of_one_day_is_static(cast):
    data = body(anonymous_client().get(f"{GEXF}?at=2017-09-01"))

    assert networkx.read_gexf(io.BytesIO(data)).graph["mode"] == "static"
    assert b" start=" not in data and b" end=" not in data


@pytest.mark.parametrize("path", FORMATS)
def test_co_participation_counts_each_shared_published_event_once_and_only_people(cast, path):
    assert co_participation_in(read(path)) == {
        frozenset(("masimov", "dutbayev")): 2,
        frozenset(("masimov", "abykayev")): 1,
    }


@pytest.mark.parametrize("path", FORMATS)
def test_a_day_keeps_the_spans_that_may_be_current_and_the_events_on_or_before_it(cast, path):
    graph_ = read(f"{path}?at=2017-09-01")

    assert {id_ for _, _, id_, _ in edges_of(graph_)} == {
        f"membership/{Membership.objects.get(role='leader').pk}",
        f"membership/{Membership.objects.get(faction__slug='siloviki').pk}",
        f"tenure/{Tenure.objects.get(office__slug='knb-chair').pk}",
        "co-participation/masimov/dutbayev",
    }
    assert co_participation_in(graph_) == {frozenset(("masimov", "dutbayev")): 1}
    # Only what the day's edges touch: not abykayev (with masimov only in 2019), not the empty offices.
    assert set(graph_.nodes) == {
        "actor/masimov",
        "actor/dutbayev",
        "actor/knb",
        "faction/old-guard",
        "faction/siloviki",
        "office/knb-chair",
    }
    assert_graph_matches_the_api(graph_, anonymous_client(), day="2017-09-01")


def test_co_participation_in_an_event_of_unknown_start_has_an_open_start_and_counts_on_any_day_before_its_end():
    event = EventFactory(date="../2010-05", published=True)
    first, second = ActorFactory(slug="first"), ActorFactory(slug="second")
    for person in (first, second):
        ParticipationFactory(event=event, actor=person)

    (edge,) = [data for _, _, _, data in edges_of(read(GEXF), "co-participation")]
    assert "start" not in edge and "end" not in edge
    assert co_participation_in(read(f"{GEXF}?at=1995-01-01")) == {frozenset(("first", "second")): 1}


@pytest.mark.parametrize("path", FORMATS)
def test_a_draft_event_never_makes_an_edge_for_anonymous_readers_but_does_for_editors(cast, editor, path):
    draft = EventFactory(slug="secret", date="2017-07")
    for slug in ("dutbayev", "abykayev"):
        ParticipationFactory(event=draft, actor=cast[slug])
    secret = frozenset(("dutbayev", "abykayev"))

    assert secret not in co_participation_in(read(path))
    assert secret not in co_participation_in(read(f"{path}?at=2017-09-01"))
    assert "actor/abykayev" not in read(f"{path}?at=2017-09-01").nodes
    assert co_participation_in(read(path, token_client(editor)))[secret] == 1


@pytest.mark.parametrize("path", FORMATS)
@pytest.mark.parametrize("value", ["2017-13-45", "soon", "2017-09"])
def test_a_bad_day_is_a_json_400_naming_the_parameter(path, value):
    response = anonymous_client().get(f"{path}?at={value}", HTTP_ACCEPT="application/xml")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "at" in response.json()


@pytest.mark.parametrize(("path", "media_type"), [(GRAPHML, "application/graphml+xml"), (GEXF, "application/gexf+xml")])
def test_the_exports_are_xml_files_to_download_that_vary_by_reader(path, media_type):
    response = anonymous_client().get(path)

    assert response.streaming
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert {"Authorization", "Cookie"} <= {name.strip() for name in response["Vary"].split(",")}


@pytest.mark.parametrize("path", FORMATS)
def test_text_is_escaped_and_characters_xml_cannot_hold_are_replaced(path):
    # Saved without validation, which would refuse the control characters.
    ActorFactory(slug="hostile", name="<b>\"Tom\" & 'Jerry'</b>\x0b\x1f]]>")

    assert read(path).nodes["actor/hostile"]["name"] == "<b>\"Tom\" & 'Jerry'</b>\ufffd\ufffd]]>"


def add_rows(start, stop):
    """Rows `start`..`stop` of every kind, in bulk: people, factions, offices, a membership and a
    tenure each, and an event each that two people share."""
    numbers = range(start, stop)
    event_type, role = EventTypeFactory(slug="arrest"), ParticipantRoleFactory(slug="accused")
    actors = Actor.objects.bulk_create(
        Actor(slug=f"actor-{n}", name=f"Actor {n}", sort_name=f"Actor {n}", kind="person") for n in numbers
    )
    factions = Faction.objects.bulk_create(Faction(slug=f"faction-{n}", name=f"Faction {n}") for n in numbers)
    offices = Office.objects.bulk_create(Office(slug=f"office-{n}", name=f"Office {n}") for n in numbers)
    for model, target in ((Membership, "faction"), (Tenure, "office")):
        spans = [
            model(key=f"{target}-{n}", actor=actor, start_date="2016", end_date="2020", **{target: place})
            for n, actor, place in zip(numbers, actors, factions if target == "faction" else offices, strict=True)
        ]
        for span in spans:
            span.fill_derived_fields()
        model.objects.bulk_create(spans)
    events = [
        Event(slug=f"event-{n}", title=f"Event {n}", type=event_type, date="2017-08", status="published")
        for n in numbers
    ]
    for event in events:
        event.fill_derived_fields()
    events = Event.objects.bulk_create(events)
    Participation.objects.bulk_create(
        Participation(key=f"p-{event.pk}-{actor.pk}", event=event, actor=actor, role=role)
        for event, first, second in zip(events, actors, actors[1:] + actors[:1], strict=True)
        for actor in (first, second)
    )


@pytest.mark.usefixtures("no_page_cache")
@pytest.mark.parametrize("path", [GRAPHML, GEXF, f"{GRAPHML}?at=2017-09-01", f"{GEXF}?at=2017-09-01"])
def test_the_export_makes_the_same_queries_for_5_rows_as_for_50(path):
    def queries():
        with CaptureQueriesContext(connection) as context:
            body(anonymous_client().get(path))
        return [query["sql"] for query in context.captured_queries]

    add_rows(0, 5)
    few = queries()
    add_rows(5, 50)
    many = queries()

    assert len(few) == len(many), "\n".join(many)


def streaming_peak(path):
    """The most memory Python held at once, above where it started, while the export at `path` was
    read chunk by chunk and each chunk dropped; and the export's size. A first read, unmeasured,
    fills what is made once per process (the compiled queries, lazily imported modules)."""
    body(anonymous_client().get(path))
    response = anonymous_client().get(path)
    size = 0
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for chunk in response.streaming_content:
            size += len(chunk)
        return tracemalloc.get_traced_memory()[1] - start, size
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("path", FORMATS)
def test_the_export_streams_in_constant_memory_while_the_rows_grow_tenfold(monkeypatch, path, capsys):
    monkeypatch.setattr(graph, "CHUNK_ROWS", 100)
    monkeypatch.setattr(graph, "CHUNK_CHARS", 16 * 1024)
    add_rows(0, 300)
    few, few_size = streaming_peak(path)
    add_rows(300, 3000)
    many, many_size = streaming_peak(path)
    with capsys.disabled():
        print(f"\n{path}: peak {few:,} B for {few_size:,} B of output, {many:,} B for {many_size:,} B")

    assert many_size > 9 * few_size
    assert many < 1.25 * few + 64 * 1024, (few, many)
    assert many < 2 * 1024 * 1024


@pytest.mark.parametrize(("path", "media_type"), [(GRAPHML, "application/graphml+xml"), (GEXF, "application/gexf+xml")])
def test_the_schema_documents_the_format_and_the_day_as_a_date(path, media_type):
    schema = yaml.safe_load(anonymous_client().get("/api/v1/schema/").content)
    operation = schema["paths"][path]["get"]

    assert list(operation["responses"]["200"]["content"]) == [media_type]
    (at,) = operation["parameters"]
    assert (at["name"], at["schema"]) == ("at", {"type": "string", "format": "date"})
    assert "application/json" in operation["responses"]["400"]["content"]
