"""Bad input gets a 4xx that says what is wrong, changes nothing, and never a 500."""

import json
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from tests.api.clients import anonymous_client, token_client
from tests.factories import (
    ActorFactory,
    EventFactory,
    EventTypeFactory,
    FactionFactory,
    MembershipFactory,
    ParticipationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    event = EventFactory(slug="known-event", published=True, type=EventTypeFactory(slug="arrest"), date="2017")
    actor = ActorFactory(slug="karim-massimov")
    ParticipationFactory(event=event, actor=actor)
    MembershipFactory(actor=actor, faction=FactionFactory(slug="old-guard"), start_date="2016")
    return event


def test_an_oversized_api_body_gets_a_json_413_and_changes_nothing(editor, records):
    body = json.dumps({"title": "x" * (5 * 1024 * 1024), "type": "arrest", "date": "2017"})
    response = token_client(editor).generic("POST", "/api/v1/events/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "larger than this server accepts" in response.json()["detail"]
    assert Event.objects.count() == 1


def test_an_oversized_form_body_elsewhere_gets_a_plain_413(admin_client):
    response = admin_client.post("/admin/login/", {"username": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x" * 5000, "type": "arrest", "date": "2017"}, "title"),
        ({"title": "bell\x07", "type": "arrest", "date": "2017"}, "title"),
        ({"title": "nul\x00", "type": "arrest", "date": "2017"}, "title"),
        ({"title": "ok", "type": "arrest", "date": "2017", "summary": "esc\x1b[31m"}, "summary"),
        ({"title": ["a list"], "type": "arrest", "date": "2017"}, "title"),
        ({"title": "ok", "type": {"an": "object"}, "date": "2017"}, "type"),
        ({"title": "ok", "type": "arrest", "date": True}, "date"),
        ({"title": "ok", "type": "arrest", "date": "99999999999999999999"}, "date"),
        ({"title": "ok", "type": "arrest", "date": "2017", "participants": "not a list"}, "participants"),
        ({"title": "ok", "type": "arrest", "date": "2017", "citations": [{"source": 10**30}]}, "citations"),
    ],
    ids=[
        "oversized",
        "bell",
        "nul",
        "escape-in-summary",
        "list-for-text",
        "object-for-slug",
        "boolean-for-date",
        "huge-date",
        "string-for-list",
        "huge-id",
    ],
)
def test_hostile_event_bodies_get_a_400_naming_the_field(editor, records, body, field):
    response = token_client(editor).post("/api/v1/events/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Event.objects.count() == 1


def test_control_characters_nested_in_a_list_are_named_by_their_path(editor, records):
    body = {
        "title": "ok",
        "type": "arrest",
        "date": "2017",
        "participants": [{"actor": "karim-massimov", "role": "accused", "note": "tab\tok but \x08 not"}],
    }
    response = token_client(editor).post("/api/v1/events/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["participants.0.note"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>", "vbscript:x"])
def test_url_fields_refuse_script_urls(editor, url):
    source = SourceFactory()
    client = token_client(editor)
    for field in ("url", "archive_url"):
        response = client.patch(f"/api/v1/sources/{source.pk}/", {field: url}, format="json")
        assert response.status_code == 400 and field in response.json(), response.content


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("type=nosuchtype", "type"),
        ("type=arrest&type=nosuchtype", "type"),
        ("actor=no-such-person", "actor"),
        ("faction=no-such-faction", "faction"),
        ("date_after=2019&date_before=2017", "date_before"),
        ("date_after=2017-09-02&date_before=2017-09-01", "date_before"),
        ("date_after=2017-13", "date_after"),
        ("updated_since=yesterday", "updated_since"),
        ("q=" + "x" * 500, "q"),
        ("ordering=title", "ordering"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/api/v1/events/", "/api/v1/events/?format=csv&", "/feeds/events/"])
def test_bad_event_filters_get_a_400_naming_the_parameter(records, endpoint, query, parameter):
    separator = "" if endpoint.endswith("&") else "?"
    response = anonymous_client().get(f"{endpoint}{separator}{query}")
    assert response.status_code == 400, response.content
    assert parameter in json.loads(response.content)


def test_a_window_of_one_period_is_not_reversed(records):
    assert anonymous_client().get("/api/v1/events/?date_after=2017&date_before=2017").status_code == 200
    assert anonymous_client().get("/api/v1/events/?date_after=2017-09&date_before=2017-09-01").status_code == 200


def test_unknown_faction_in_the_actor_list_is_a_400(records):
    response = anonymous_client().get("/api/v1/actors/?faction=old-guard&faction=nobody")
    assert response.status_code == 400
    assert "nobody" in response.json()["faction"][0]


def test_known_slugs_cost_one_query_per_parameter(records):
    client = anonymous_client()
    with CaptureQueriesContext(connection) as plain:
        client.get("/api/v1/events/")
    with CaptureQueriesContext(connection) as filtered:
        response = client.get("/api/v1/events/?type=arrest&actor=karim-massimov&faction=old-guard")
    assert [row["slug"] for row in response.json()["results"]] == ["known-event"]
    assert len(filtered) == len(plain) + 3


def test_markup_in_a_summary_reaches_feed_readers_as_text():
    EventFactory(summary="<b>bold</b> & <script>alert(1)</script>", date="2017", published=True)
    feed = ElementTree.fromstring(anonymous_client().get("/feeds/events/").content)
    summary = feed.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary")
    # type="html": readers unescape the text once and render the HTML they get, which must be text.
    assert summary.get("type") == "html"
    assert summary.text == "2017. &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;"
