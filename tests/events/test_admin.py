"""The admin applies the API's rules: who may publish, citations to publish, tombstones for mirrors."""

import re

import pytest

from core.models import Tombstone
from core.text import MESSAGE
from events.models import Event, EventType
from tests.factories import ActorFactory, CitationFactory, EventFactory, EventTypeFactory, SourceFactory

pytestmark = pytest.mark.django_db


def event_form(event_type, source=None, **overrides):
    """The POST data of the event add/change page, with one citation when `source` is given."""
    data = {
        "title": "Mailybayev detained",
        "slug": "mailybayev-detained",
        "type": event_type.pk,
        "date": "2017-06",
        "status": "draft",
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    if source is not None:
        data.update(
            {
                "citations-TOTAL_FORMS": "1",
                "citations-0-source": source.pk,
                "citations-0-quote": "was detained on a similar charge",
                "citations-0-credibility": "2",
            }
        )
    data.update(overrides)
    return data


def test_curator_without_publish_permission_gets_a_form_error_and_nothing_is_published(client, curator):
    client.force_login(curator)
    response = client.post(
        "/admin/events/event/add/", event_form(EventTypeFactory(), SourceFactory(), status="published")
    )
    assert response.status_code == 200
    assert "can publish events" in response.content.decode()
    assert not Event.objects.exists()


def test_curator_saves_a_draft_and_history_names_them(client, curator):
    client.force_login(curator)
    response = client.post("/admin/events/event/add/", event_form(EventTypeFactory(), SourceFactory()))
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.status == "draft"
    assert event.history.get().history_user == curator
    assert event.citations.get().history.get().history_user == curator


def test_editor_cannot_publish_without_a_citation(client, editor):
    client.force_login(editor)
    response = client.post("/admin/events/event/add/", event_form(EventTypeFactory(), status="published"))
    assert response.status_code == 200
    assert "needs at least one citation" in response.content.decode()
    assert not Event.objects.exists()


def test_editor_publishes_with_a_citation(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/events/event/add/", event_form(EventTypeFactory(), SourceFactory(), status="published")
    )
    assert response.status_code == 302
    assert Event.objects.get().status == "published"


def test_a_control_character_in_the_event_form_is_a_form_error(client, curator):
    client.force_login(curator)
    response = client.post("/admin/events/event/add/", event_form(EventTypeFactory(), title="Mailybayev\x0bdetained"))
    assert response.status_code == 200
    assert MESSAGE.format(code=0x0B) in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("field", ["quote", "note"])
def test_a_control_character_in_a_citation_inline_is_a_form_error(client, curator, field):
    client.force_login(curator)
    inline = {f"citations-0-{field}": "was detained\x0bon a similar charge"}
    response = client.post("/admin/events/event/add/", event_form(EventTypeFactory(), SourceFactory(), **inline))
    assert response.status_code == 200
    assert MESSAGE.format(code=0x0B) in response.content.decode()
    assert not Event.objects.exists()


def test_renaming_an_event_type_with_a_control_character_is_a_form_error(client, curator):
    term = EventTypeFactory(slug="arrest", name="Arrest")
    client.force_login(curator)
    response = client.post(
        f"/admin/events/eventtype/{term.pk}/change/", {"slug": "arrest", "name": "Arr\x0best", "description": ""}
    )
    assert response.status_code == 200
    assert MESSAGE.format(code=0x0B) in response.content.decode()
    assert EventType.objects.get(pk=term.pk).name == "Arrest"


def test_retracting_in_the_admin_leaves_a_tombstone(client, editor):
    citation = CitationFactory(event__slug="mailybayev-detained", event__status="published")
    event = citation.event
    client.force_login(editor)
    data = event_form(
        event.type,
        status="retracted",
        retraction_reason="The informant withdrew the claim.",
        **{
            "citations-TOTAL_FORMS": "1",
            "citations-INITIAL_FORMS": "1",
            "citations-0-id": citation.pk,
            "citations-0-event": event.pk,
            "citations-0-source": citation.source.pk,
            "citations-0-quote": citation.quote,
            "citations-0-credibility": citation.credibility,
        },
    )
    response = client.post(f"/admin/events/event/{event.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    tombstone = Tombstone.objects.get()
    assert (tombstone.kind, tombstone.key, tombstone.reason) == ("event", "mailybayev-detained", "retracted")
    event.refresh_from_db()
    assert event.retraction_reason == "The informant withdrew the claim."


def test_curator_cannot_delete_a_published_event(client, curator):
    event = EventFactory(published=True)
    client.force_login(curator)
    response = client.post(f"/admin/events/event/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_deleting_an_actor_in_the_admin_leaves_a_tombstone(client, curator):
    actor = ActorFactory(slug="marat-tazhin")
    client.force_login(curator)
    response = client.post(f"/admin/actors/actor/{actor.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    tombstone = Tombstone.objects.get()
    assert (tombstone.kind, tombstone.key, tombstone.reason) == ("actor", "marat-tazhin", "deleted")


def test_admin_search_finds_actors_in_any_script(client, curator):
    ActorFactory(name="Nursultan Nazarbayev")
    client.force_login(curator)
    page = client.get("/admin/actors/actor/", {"q": "Назарбаев"}).content.decode()
    assert "Nursultan Nazarbayev" in page


@pytest.mark.django_db
def test_event_changelist_pages_without_counting_every_event(client, django_user_model):
    """No COUNT over the whole table for the unfiltered list; the filtered count is exact."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EventFactory

    EventFactory.create_batch(3, published=True)
    client.force_login(django_user_model.objects.create_superuser("boss", "boss@kzwatch.invalid", "pw-12345678"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/events/event/")
    assert response.status_code == 200
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) <= 1
    assert "3 events" in response.content.decode()


def test_a_changelist_row_checkbox_is_the_element_django_would_render(admin_client):
    from django.contrib import admin

    event = EventFactory(title='Decree "No. 1" <signed>', published=True)
    model_admin = admin.site._registry[Event]

    assert model_admin.action_checkbox(event) == admin.ModelAdmin.action_checkbox(model_admin, event)
    page = admin_client.get("/admin/events/event/").content.decode()
    assert model_admin.action_checkbox(event) in page
    assert 'id="action-toggle"' in page


def test_the_event_changelist_is_newest_first_by_date_then_id(admin_client):
    EventFactory(title="Tazhin moved", date="2017-08", published=True)
    EventFactory(title="Massimov detained", date="2022-01-06", published=True)
    EventFactory(title="Bishimbayev sentenced", date="2024-05-13", published=True)
    EventFactory(title="Bishimbayev arrested", date="2023-03", published=True)
    EventFactory(title="Bishimbayev tried", date="2023-03", published=True)

    page = admin_client.get("/admin/events/event/").content.decode()

    titles = re.findall(r'<th class="field-title"><a href="[^"]+">([^<]+)</a>', page)
    assert titles == [
        "Bishimbayev sentenced",
        "Bishimbayev tried",
        "Bishimbayev arrested",
        "Massimov detained",
        "Tazhin moved",
    ]


def autocomplete(client, model_name, field_name, term, app_label="events"):
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_related_events_are_picked_by_title_and_date(admin_client):
    arrest, *_ = (
        EventFactory(title="Bishimbayev", date=date, published=True) for date in ("2023-03", "2023-09~", "2024-05-13")
    )
    event = EventFactory(title="Gaziz Shakhanov sentenced", date="2024", published=True)
    event.related.add(arrest)

    assert autocomplete(admin_client, "event", "related", "Bishimbayev") == [
        "Bishimbayev (13 May 2024)",
        "Bishimbayev (c. Sep 2023)",
        "Bishimbayev (Mar 2023)",
    ]
    page = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert re.search(r'<select name="related"[^>]*class="admin-autocomplete', page)
    assert f'<option value="{arrest.pk}" selected>Bishimbayev (Mar 2023)</option>' in page


def test_relayed_by_is_picked_by_autocomplete_with_the_sources_publisher_and_date(admin_client):
    article = SourceFactory(title="Kazakhstan's elite", publisher="Example Review", published_date="2024-06")
    SourceFactory(title="Kazakhstan's elite", publisher="Example Review", published_date="2022-01")
    informant = SourceFactory(title="An informant", relayed_by=article)

    assert autocomplete(admin_client, "source", "relayed_by", "elite") == [
        "Kazakhstan's elite (Example Review, Jun 2024)",
        "Kazakhstan's elite (Example Review, Jan 2022)",
    ]
    page = admin_client.get(f"/admin/events/source/{informant.pk}/change/").content.decode()
    assert re.search(r'<select name="relayed_by"[^>]*class="admin-autocomplete', page)
    assert ">Kazakhstan&#x27;s elite (Example Review, Jun 2024)</option>" in page


def count_queries(client, url, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_dated_choices_cost_the_same_for_2_rows_as_for_20(admin_client):
    event = EventFactory(title="Bishimbayev sentenced", published=True)
    informant = SourceFactory(title="An informant", relayed_by=SourceFactory(title="Relaying report"))
    event_url, source_url = f"/admin/events/event/{event.pk}/change/", f"/admin/events/source/{informant.pk}/change/"
    search = {"app_label": "events", "field_name": "related", "model_name": "event", "term": "Bishimbayev"}

    def costs(rows):
        related = EventFactory.create_batch(rows, title="Bishimbayev arrested", published=True)
        event.related.add(*related)
        SourceFactory.create_batch(rows, title="Relaying report")
        sources = {**search, "model_name": "source", "field_name": "relayed_by", "term": "Relaying"}
        return [
            count_queries(admin_client, event_url),
            count_queries(admin_client, source_url),
            count_queries(admin_client, "/admin/autocomplete/", **search),
            count_queries(admin_client, "/admin/autocomplete/", **sources),
        ]

    costs(0)  # the first request also reads what later ones find cached (content types, permissions)
    few = costs(2)
    assert costs(18) == few
