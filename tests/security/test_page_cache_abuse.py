"""The readers' cache under abuse (issue #24): a query of made-up parameters, a made-up session
cookie or Authorization header, a flood of pages from one address, a foreign Host. What is kept
stays bounded, the kept answer still serves readers, and nobody gets a kept page they should not."""

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core import page_cache
from events.models import Event
from tests.api.clients import anonymous_client
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def table_cache(settings):
    """The production cache: a table in the database, whose rows can be counted."""
    settings.CACHES = {"default": {"BACKEND": "core.cache.DatabaseCache", "LOCATION": "kzwatch_cache"}}


def kept_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kzwatch_cache WHERE cache_key LIKE %s", ["%:page:%"])
        return cursor.fetchone()[0]


def fetch(client, path, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    return response, len(queries.captured_queries)


@pytest.mark.parametrize(
    "path", ["/?date_after=1900", "/actors/?q=actor", "/feeds/events/?date_after=1900", "/api/v1/events/?page_size=5"]
)
def test_made_up_query_parameters_add_no_kept_answers(table_cache, path):
    EventFactory(published=True)
    client = anonymous_client()
    assert client.get(path).status_code == 200
    assert kept_answers() == 1

    statuses = {client.get(f"{path}&n={number}").status_code for number in range(20)}

    assert statuses == {200}
    assert kept_answers() == 1


def test_headers_a_page_does_not_read_add_no_kept_answers(table_cache):
    client = Client()
    client.get("/")

    for number in range(5):
        client.get("/", HTTP_ACCEPT=f"text/x-{number}", HTTP_HX_REQUEST=f"maybe-{number}")

    assert kept_answers() == 1


def test_the_order_of_known_parameters_makes_no_second_copy():
    EventFactory(date="2017-08", published=True)
    client = Client()
    first, _ = fetch(client, "/?date_after=1900&ordering=date&date_before=2020")

    second, queries = fetch(client, "/?ordering=date&date_before=2020&date_after=1900")

    assert first.status_code == second.status_code == 200
    assert queries == 0


def test_an_api_answer_in_a_made_up_accept_parameter_is_made_afresh():
    EventFactory(published=True)
    client = anonymous_client()
    client.get("/api/v1/events/")

    _, plain = fetch(client, "/api/v1/events/", HTTP_ACCEPT="application/json")
    _, indented = fetch(client, "/api/v1/events/", HTTP_ACCEPT="application/json; indent=4; n=1")

    assert plain == 0
    assert indented > 0


def test_an_answer_larger_than_the_bound_is_not_kept():
    request = HttpRequest()
    request.method = "GET"
    request.user = None

    page_cache.keep(request, HttpResponse(b"x" * page_cache.MAX_KEPT_BYTES), "page:just-fits")
    page_cache.keep(request, HttpResponse(b"x" * (page_cache.MAX_KEPT_BYTES + 1)), "page:too-large")

    assert page_cache.cached("page:just-fits") is not None
    assert page_cache.cached("page:too-large") is None


def test_a_page_larger_than_the_bound_is_made_afresh(monkeypatch):
    EventFactory(published=True)
    monkeypatch.setattr(page_cache, "MAX_KEPT_BYTES", 1000)
    client = Client()
    client.get("/")

    _, queries = fetch(client, "/")

    assert queries > 0


def test_past_the_page_rate_a_reader_gets_a_429_with_retry_after_and_others_do_not(settings):
    settings.PAGE_ANON_RATE = "3/minute"
    reader, other = Client(REMOTE_ADDR="10.1.0.1"), Client(REMOTE_ADDR="10.1.0.2")

    statuses = [reader.get("/").status_code for _ in range(3)]
    refused = reader.get("/", HTTP_X_FORWARDED_FOR="10.1.0.99")  # no proxy is trusted by default

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/plain")
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert other.get("/").status_code == 200


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        ("/?n=1", {}),  # a made-up parameter: made afresh
        ("/", {"HTTP_COOKIE": "sessionid=made-up"}),
        ("/", {"HTTP_AUTHORIZATION": "Token made-up"}),
        ("/admin/login/", {}),
    ],
)
def test_the_page_rate_counts_requests_the_cache_does_not_answer(settings, path, extra):
    settings.PAGE_ANON_RATE = "2/minute"
    client = Client(REMOTE_ADDR="10.1.0.3")

    statuses = [client.get(path, **extra).status_code for _ in range(3)]

    assert statuses[-1] == 429


def test_the_page_rate_counts_with_the_readers_cache_off(settings):
    settings.PAGE_ANON_RATE, settings.PAGE_CACHE_SECONDS = "2/minute", 0
    client = Client(REMOTE_ADDR="10.1.0.4")

    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]


def test_signed_in_users_are_not_counted_by_the_page_rate(settings, admin_user):
    settings.PAGE_ANON_RATE = "2/minute"
    client = Client(REMOTE_ADDR="10.1.0.5")
    client.force_login(admin_user)

    assert {client.get("/").status_code for _ in range(4)} == {200}


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_COOKIE": "sessionid=made-up"},
        {"HTTP_AUTHORIZATION": "Token made-up"},
        {"HTTP_AUTHORIZATION": "Basic bm9ib2R5Om5vdGhpbmc="},
    ],
)
def test_made_up_credentials_get_the_kept_page(extra):
    event = EventFactory(title="Kept title", published=True)
    client = Client()
    client.get("/")
    # Behind the signals' back: only the kept page still shows the old title.
    Event.objects.filter(pk=event.pk).update(title="Fresh title")

    response, queries = fetch(client, "/", **extra)

    assert b"Kept title" in response.content
    assert queries <= 1  # the made-up session is looked up once


def test_made_up_non_token_credentials_get_the_kept_api_answer_and_a_bad_token_a_401():
    event = EventFactory(title="Kept title", published=True)
    client = anonymous_client()
    client.get("/api/v1/events/")
    Event.objects.filter(pk=event.pk).update(title="Fresh title")

    kept = client.get("/api/v1/events/", HTTP_AUTHORIZATION="Bearer made-up", HTTP_COOKIE="sessionid=made-up")
    bad_token = client.get("/api/v1/events/", HTTP_AUTHORIZATION="Token made-up")

    assert b"Kept title" in kept.content
    assert bad_token.status_code == 401


def test_a_history_restore_gets_the_whole_page_not_the_kept_part():
    EventFactory(published=True)
    client = Client()
    part = client.get("/", HTTP_HX_REQUEST="true")
    assert "<html" not in part.content.decode()

    restored = client.get("/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    assert restored.status_code == 200
    assert "<html" in restored.content.decode()


def test_a_kept_answer_keeps_its_htmx_and_framing_headers():
    EventFactory(published=True)
    client = Client()
    made = client.get("/?ordering=date", HTTP_HX_REQUEST="true")

    kept, queries = fetch(client, "/?ordering=date", HTTP_HX_REQUEST="true")

    assert queries == 0
    assert kept["HX-Push-Url"] == made["HX-Push-Url"] == "/?ordering=date"
    assert kept["X-Frame-Options"] == made["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/", "/feeds/events/", "/api/v1/events/"])
def test_a_foreign_host_is_refused_even_when_the_page_is_kept(path):
    EventFactory(title="Kept event", published=True)
    client = Client()
    made = client.get(path)
    assert made.status_code == 200

    refused = client.get(path, HTTP_HOST="evil.test")
    kept, queries = fetch(client, path)

    assert refused.status_code == 400
    assert b"Kept event" not in refused.content
    assert (kept.status_code, kept.content, queries) == (200, made.content, 0)


@pytest.mark.parametrize("path", ["/", "/api/v1/events/"])
def test_the_cache_checks_the_host_itself_before_it_serves(settings, path):
    """Not only because CommonMiddleware asked first: were the cache moved before it, a foreign
    Host would still get the 400 every fresh answer gets, never the kept page."""
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != "django.middleware.common.CommonMiddleware"]
    EventFactory(title="Kept event", published=True)
    client = Client()
    assert client.get(path).status_code == 200

    refused = client.get(path, HTTP_HOST="evil.test")

    assert refused.status_code == 400
    assert b"Kept event" not in refused.content


def test_an_answer_is_kept_per_host(settings):
    settings.ALLOWED_HOSTS = ["testserver", "mirror.test"]
    EventFactory(published=True)
    client = Client()
    client.get("/feeds/events/")

    mirrored = client.get("/feeds/events/", HTTP_HOST="mirror.test")

    assert b"http://mirror.test/" in mirrored.content
    assert b"http://testserver/" not in mirrored.content
