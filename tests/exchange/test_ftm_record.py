"""The FollowTheMoney export of the whole record (fixtures/), strictly valid for the followthemoney package.

The fixtures are loaded once for the module (the `record` fixture of tests/conftest.py).
"""

import collections

import pytest

from tests.api.clients import anonymous_client
from tests.exchange.ftm_strict import entities_of, problems

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
