"""The events' text search (`q`) folds an event's title and summary as the name search folds names:
a word finds them in any script and in any common spelling, whichever way the event was written."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from events.filters import EventFilterSet
from events.models import Event
from events.services import event_update
from exchange.imports import events_import, import_rows_read
from tests.api.clients import anonymous_client, token_client
from tests.factories import ActorFactory, EventFactory, EventTypeFactory, ParticipantRoleFactory

pytestmark = pytest.mark.django_db

IMPORTS = Path(__file__).resolve().parent.parent / "data" / "imports"


def found(query, queryset=None):
    filterset = EventFilterSet({"q": query}, queryset=Event.objects.all() if queryset is None else queryset)
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("slug", flat=True))


def test_a_latin_title_is_found_by_the_name_in_cyrillic_and_in_another_spelling():
    EventFactory(slug="resigns", title="Nazarbayev resigns", published=True)
    EventFactory(slug="other", title="Tokayev sworn in", published=True)

    assert found("Назарбаев") == found("Nazarbaev") == found("NAZARBAYEV") == {"resigns"}
    assert found("Нұрсұлтан Назарбаев") == set()  # every word must occur: no "Nursultan" here


def test_a_cyrillic_summary_is_found_by_the_name_in_latin():
    EventFactory(slug="decree", title="A decree", summary="Указ подписал Касым-Жомарт Токаев.", published=True)

    assert found("Tokayev") == found("Tokaev") == found("Токаев") == {"decree"}
    assert found("Kassym-Jomart") == found("Kasym-Zhomart") == {"decree"}


def test_spelling_variants_of_a_name_in_the_summary_are_one_word():
    EventFactory(slug="detained", title="KNB chairman detained", summary="Karim Massimov was detained.", published=True)

    assert found("Masimov") == found("Massimov") == found("Мәсімов") == {"detained"}
    assert found("Masimov detained") == {"detained"}
    assert found("Masimov sentenced") == set()


def test_a_word_of_punctuation_alone_neither_finds_nor_hides_anything():
    EventFactory(slug="detained", title="Massimov detained", published=True)
    EventFactory(slug="sworn-in", title="Tokayev sworn in", published=True)

    assert found("Massimov —") == {"detained"}
    assert found("—") == {"detained", "sworn-in"}


def test_the_folded_text_follows_the_title_and_summary_when_the_service_changes_them(curator):
    event = EventFactory(slug="e", title="Masimov arrested", summary="", published=True)

    event_update(event=event, user=curator, data={"title": "Tokayev speaks", "summary": "On the unrest."})

    assert found("Masimov") == set()
    assert found("Токаев") == found("unrest") == {"e"}


def test_a_title_fixed_through_the_api_is_found_by_its_new_spelling(curator):
    EventFactory(slug="e", title="Someone arrested", published=True)

    response = token_client(curator).patch("/api/v1/events/e/", {"title": "Masimov arrested"}, format="json")

    assert response.status_code == 200, response.content
    assert found("Мәсімов") == {"e"}


def test_an_event_added_in_the_admin_is_found_in_cyrillic(client, curator):
    client.force_login(curator)
    data = {
        "title": "Mailybayev detained",
        "slug": "mailybayev-detained",
        "type": EventTypeFactory().pk,
        "date": "2017-06",
        "status": "draft",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }

    assert client.post("/admin/events/event/add/", data).status_code == 302
    assert found("Майлыбаев") == {"mailybayev-detained"}


def test_imported_events_are_found_in_cyrillic(curator):
    EventTypeFactory(slug="speech")
    ParticipantRoleFactory(slug="subject")
    # Participants named otherwise: what finds the events here is their own text.
    ActorFactory(slug="karim-massimov")
    ActorFactory(slug="kassym-jomart-tokayev")
    rows = import_rows_read(name="events.csv", content=(IMPORTS / "events.csv").read_bytes())

    report = events_import(rows=rows, user=curator)

    assert report.written and not report.refused
    assert found("Масимов") == {"import-massimov-detained"}
    assert found("Тоқаев") == {"import-tokayev-statement"}


def test_a_fixture_load_fills_the_folded_text(tmp_path):
    EventTypeFactory(slug="arrest")
    fixture = tmp_path / "events.json"
    fixture.write_text(
        '[{"model": "events.event", "fields": {"slug": "e", "title": "Dzhaksybekov arrested", '
        '"type": ["arrest"], "date": "2017", "summary": "", "status": "published"}}]',
        encoding="utf-8",
    )

    call_command("loaddata", str(fixture), verbosity=0)

    assert found("Джаксыбеков") == {"e"}


def test_the_folded_text_stays_out_of_the_json_the_csv_and_history():
    EventFactory(slug="e", title="Nazarbayev resigns", summary="Назарбаев", published=True)

    body = anonymous_client().get("/api/v1/events/e/").json()
    listed = anonymous_client().get("/api/v1/events/").json()["results"][0]
    exported = anonymous_client().get("/api/v1/events/?format=csv")

    assert "search_text" not in body and "search_text" not in listed
    assert exported.status_code == 200
    header = next(csv.reader(io.StringIO(exported.content.decode())))
    assert "search_text" not in header
    # History keeps what people wrote; the folded copy would only repeat it.
    assert "search_text" not in {field.name for field in Event.history.model._meta.get_fields()}


def test_the_free_text_search_can_use_the_trigram_index_of_the_folded_text():
    EventFactory(title="Masimov detained", published=True)
    EventFactory(title="A decree", summary="It names MASSIMOV.", published=True)
    EventFactory(title="Another decree", published=True)
    matched = EventFilterSet({"q": "Мәсімов"}, queryset=Event.objects.published()).qs

    assert matched.count() == 2
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # On a handful of rows a scan is cheaper; forbid it, so the plan shows what can be used.
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = matched.explain()
        assert "events_event_search_text_trgm" in plan
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%search_text_trgm'")
            assert cursor.fetchall() == []
