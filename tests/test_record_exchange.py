"""The exchange formats (exchange/) on the whole record, fixtures/*.json loaded once for the
module (the `record` fixture): the FollowTheMoney export strictly valid, the graph exports as
the API lists the record, and the record's own names reconciled in any script."""

import collections
import json

import pytest
from django.test import Client

from tests.api.clients import anonymous_client
from tests.exchange.ftm_strict import entities_of, problems
from tests.exchange.test_graph import FORMATS as GRAPH_FORMATS
from tests.exchange.test_graph import assert_graph_matches_the_api
from tests.exchange.test_graph import read as read_graph

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("record")]


def test_the_whole_record_exports_as_strictly_valid_followthemoney():
    response = anonymous_client().get("/api/v1/export/ftm.jsonl")

    assert response.status_code == 200
    entities = entities_of(b"".join(response.streaming_content).decode().splitlines())
    assert problems(entities) == []
    schemata = collections.Counter(entity["schema"] for entity in entities)
    assert {"Person", "Organization", "Position", "Occupancy", "Membership", "Event", "Article"} <= set(schemata)
    events = {entity["id"]: entity["properties"] for entity in entities if entity["schema"] == "Event"}
    assert all(properties.get("proof") or properties.get("sourceUrl") for properties in events.values())


def test_a_filtered_export_of_the_record_is_a_whole_file_too():
    response = anonymous_client().get("/api/v1/export/ftm.jsonl?actor=karim-massimov&date_after=2016")

    assert response.status_code == 200
    entities = entities_of(b"".join(response.streaming_content).decode().splitlines())
    assert problems(entities) == []
    ids = {entity["id"] for entity in entities}
    assert "kzwatch-actor-karim-massimov" in ids
    assert not any(entity["schema"] in ("Occupancy", "Position") for entity in entities)


@pytest.mark.parametrize("day", [None, "2017-09-01"])
@pytest.mark.parametrize("path", GRAPH_FORMATS)
def test_networkx_reads_the_records_graph_as_the_api_lists_it(path, day):
    """The graph exports (exchange/graph.py) of the whole record hold what the API lists."""
    graph = read_graph(f"{path}?at={day}" if day else path)
    assert graph.number_of_nodes() > 50 and graph.number_of_edges() > 50
    assert_graph_matches_the_api(graph, anonymous_client(), day=day)


def test_the_records_names_reconcile_in_any_script(reconciliation_schema):
    """The reconciliation service (exchange/) on the names a journalist's spreadsheet would hold."""
    batch = {
        "a": {"query": "Назарбаев", "type": "person"},
        "b": {"query": "Nazarbaev", "type": "person"},
        "c": {"query": "Nazarbayev", "type": "person"},
        "d": {"query": "Масимов Карим"},
        "e": {"query": "Tokayev", "type": "person"},
    }
    answer = reconciliation_schema(
        "reconciliation-result-batch.json", Client().post("/reconcile", {"queries": json.dumps(batch)}).json()
    )
    assert {answer[key]["result"][0]["id"] for key in "abc"} == {"nursultan-nazarbayev"}
    assert not any(answer[key]["result"][0]["match"] for key in "abc")  # his daughter shares the name
    assert (answer["d"]["result"][0]["id"], answer["d"]["result"][0]["match"]) == ("karim-massimov", True)
    assert answer["e"]["result"][0]["id"] == "kassym-jomart-tokayev"
