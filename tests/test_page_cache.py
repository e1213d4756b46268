"""The readers' cache (core/page_cache.py): kept answers for readers without credentials, renewed
by every public change and never by a draft, never handed to anyone signed in."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import AnonRateThrottle

from core import page_cache
from events.models import Event
from events.services import event_create, event_update
from tests.factories import ActorFactory, EventFactory, EventTypeFactory, SourceFactory

pytestmark = pytest.mark.django_db


def fetch(client, path, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    return response, len(queries.captured_queries)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/actors/",
        "/events/cached-event/",
        "/feeds/events/",
        "/api/v1/events/",
        "/reconcile?queries=%7B%22q%22%3A%7B%22query%22%3A%22Cached%22%7D%7D",
    ],
)
def test_a_second_anonymous_request_is_answered_without_the_database(path):
    EventFactory(slug="cached-event", title="Cached event", published=True)
    client = Client()

    first, first_queries = fetch(client, path)
    second, second_queries = fetch(client, path)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert first_queries > 0
    assert second_queries == 0


def test_a_published_event_shows_at_once():
    EventFactory(title="Earlier event", published=True)
    client = Client()
    assert b"Later event" not in client.get("/").content
    assert b"Later event" not in client.get("/api/v1/events/").content

    EventFactory(title="Later event", published=True)

    assert b"Later event" in client.get("/").content
    assert b"Later event" in client.get("/api/v1/events/").content


def test_publishing_a_draft_and_changing_an_actor_renew_the_pages(admin_user):
    draft = EventFactory(title="Quiet draft")
    actor = ActorFactory(name="Old Name")
    client = Client()
    client.get("/"), client.get(f"/actors/{actor.slug}/")

    draft.citations.create(source=SourceFactory(), quote="Said so.", credibility=2)
    event_update(event=draft, user=admin_user, data={"status": Event.Status.PUBLISHED})
    actor.name = "New Name"
    actor.save()

    assert b"Quiet draft" in client.get("/").content
    assert b"New Name" in client.get(f"/actors/{actor.slug}/").content


def test_a_curators_draft_keeps_the_readers_pages(admin_user):
    event_type = EventTypeFactory()
    before = page_cache.generation()

    event_create(user=admin_user, title="Unseen draft", type=event_type, date="2024-05")

    assert page_cache.generation() == before


def test_a_draft_that_is_published_then_returned_to_draft_renews_the_pages_both_times(admin_user):
    event = EventFactory(published=True)
    before = page_cache.generation()

    event.status = Event.Status.DRAFT
    event.save()

    assert page_cache.generation() != before


def test_the_generation_is_renewed_again_when_the_write_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        ActorFactory()
        during = page_cache.generation()

    for callback in callbacks:
        callback()
    assert callbacks
    assert page_cache.generation() != during


def test_signed_in_readers_never_get_the_kept_page(admin_user):
    EventFactory(title="Hidden draft")
    anonymous, staff = Client(), Client()
    staff.force_login(admin_user)

    assert b"Hidden draft" not in anonymous.get("/").content
    response, queries = fetch(staff, "/")

    assert b"Hidden draft" in response.content
    assert queries > 0
    # and what staff saw was not kept for readers
    assert b"Hidden draft" not in anonymous.get("/").content


def test_token_requests_are_never_answered_from_the_cache(curator):
    from rest_framework.authtoken.models import Token

    EventFactory(title="Hidden draft")
    Client().get("/api/v1/events/")
    token = Token.objects.create(user=curator)

    response, queries = fetch(Client(), "/api/v1/events/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert b"Hidden draft" in response.content
    assert queries > 0


def test_a_client_authenticated_without_a_header_is_never_answered_from_the_cache(admin_user):
    from rest_framework.test import APIClient

    EventFactory(title="Hidden draft")
    Client().get("/api/v1/events/")
    client = APIClient()
    client.force_authenticate(admin_user)

    assert b"Hidden draft" in client.get("/api/v1/events/").content


def test_the_throttle_counts_answers_from_the_cache(monkeypatch):
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    client = Client()

    statuses = [client.get("/api/v1/actors/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_answers_vary_by_format():
    EventFactory(published=True)
    client = Client()

    json_answer = client.get("/api/v1/events/", HTTP_ACCEPT="application/json")
    csv_answer = client.get("/api/v1/events/", HTTP_ACCEPT="text/csv")

    assert json_answer["Content-Type"].startswith("application/json")
    assert csv_answer["Content-Type"].startswith("text/csv")


def test_a_kept_api_answer_still_says_not_modified_to_a_current_copy():
    EventFactory(published=True)
    client = Client()
    etag = client.get("/api/v1/events/")["ETag"]

    response, queries = fetch(client, "/api/v1/events/", HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert queries == 0


def test_errors_are_not_kept():
    EventFactory(slug="late-event")
    client = Client()
    assert client.get("/events/late-event/").status_code == 404

    # Published behind the signals' back: only a 404 that was not kept lets the page through.
    Event.objects.filter(slug="late-event").update(status=Event.Status.PUBLISHED)

    assert client.get("/events/late-event/").status_code == 200


def test_a_page_holding_a_csrf_token_is_not_kept():
    from django.http import HttpRequest, HttpResponse
    from django.middleware.csrf import get_token

    request = HttpRequest()
    request.method = "GET"
    get_token(request)

    page_cache.keep(request, HttpResponse("a form"), "page:test")

    assert page_cache.cached("page:test") is None


def test_the_synthetic_records_bulk_load_renews_the_pages():
    before = page_cache.generation()

    call_command("generate_synthetic", actors=10, events=20, seed=1, quiet=True)

    assert page_cache.generation() != before


@pytest.mark.parametrize(("status", "renewed"), [("published", True), ("draft", False)])
def test_an_import_renews_the_pages_when_it_brings_a_published_event(admin_user, status, renewed):
    from exchange.imports import events_import

    event_type, source = EventTypeFactory(), SourceFactory()
    before = page_cache.generation()
    row = {"title": "Imported", "type": event_type.slug, "date": "2024-05", "status": status}
    row |= {"source": source.slug, "quote": "Said so."}

    report = events_import(rows=[row], user=admin_user)

    assert not report.refused
    assert (page_cache.generation() != before) is renewed


def test_turned_off_with_zero_seconds(settings):
    settings.PAGE_CACHE_SECONDS = 0
    EventFactory(published=True)
    client = Client()
    client.get("/")

    _, queries = fetch(client, "/")

    assert queries > 0
