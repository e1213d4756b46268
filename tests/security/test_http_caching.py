"""HTTP caching that is correct: ETags on lists and details, 304 for a current copy, and Vary
headers that keep a shared cache from handing one client's answer to another."""

import pytest
from django.utils.cache import has_vary_header

from tests.api.clients import anonymous_client, token_client
from tests.factories import ActorFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("suffix", ["", "?format=csv"])
def test_the_negotiated_events_list_varies_by_accept_and_credentials(suffix):
    EventFactory(published=True)
    response = anonymous_client().get(f"/api/v1/events/{suffix}")
    assert response.status_code == 200
    for header in ("Accept", "Authorization", "Cookie"):
        assert has_vary_header(response, header), response["Vary"]


def test_accept_text_csv_gets_csv_and_a_different_answer_than_json():
    EventFactory(published=True)
    client = anonymous_client()
    as_csv = client.get("/api/v1/events/", HTTP_ACCEPT="text/csv")
    as_json = client.get("/api/v1/events/", HTTP_ACCEPT="application/json")
    assert as_csv["Content-Type"].startswith("text/csv") and as_json["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "url", ["/api/v1/events/", "/api/v1/actors/", "/api/v1/tombstones/", "/api/v1/export/popolo.json"]
)
def test_lists_carry_an_etag_and_answer_304_to_a_matching_if_none_match(url):
    EventFactory(published=True)
    ActorFactory()
    client = anonymous_client()
    first = client.get(url)
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH=f'W/{etag}, "other"').status_code == 304
    assert client.head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200


def test_the_list_etag_changes_when_anything_in_the_json_changes():
    event = EventFactory(title="Before", published=True)
    client = anonymous_client()
    before = client.get("/api/v1/events/")["ETag"]
    event.summary = "One more word."
    event.save()
    after = client.get("/api/v1/events/", HTTP_IF_NONE_MATCH=before)
    assert after.status_code == 200
    assert after["ETag"] != before


def test_the_list_etag_differs_between_readers_who_see_different_rows(editor):
    EventFactory(published=True)
    EventFactory()
    public = anonymous_client().get("/api/v1/events/")["ETag"]
    curator_view = token_client(editor).get("/api/v1/events/", HTTP_IF_NONE_MATCH=public)
    assert curator_view.status_code == 200
    assert curator_view["ETag"] != public


def test_a_detail_answers_304_to_its_own_etag_and_200_after_a_change():
    event = EventFactory(slug="cached", published=True)
    client = anonymous_client()
    etag = client.get("/api/v1/events/cached/")["ETag"]
    assert client.get("/api/v1/events/cached/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    event.title = "Changed"
    event.save()
    assert client.get("/api/v1/events/cached/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_errors_get_no_etag_and_no_304():
    response = anonymous_client().get("/api/v1/events/?type=nosuchtype", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 400
    assert "ETag" not in response
