"""Writing events through the API: tokens, permissions, one-request nested events, validation, If-Match."""

import pytest
from rest_framework.test import APIClient

from actors.models import Actor
from events.models import Citation, Event, Participation
from tests.api.clients import anonymous_client, token_client
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    EventTypeFactory,
    ParticipantRoleFactory,
    ParticipationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary():
    """The slugs and the source an event write names."""
    EventTypeFactory(slug="arrest")
    ParticipantRoleFactory(slug="accused")
    ActorFactory(slug="karim-masimov", name="Karim Masimov")
    return SourceFactory(title="Reuters", url="https://example.org/reuters")


def event_body(source, **changes):
    body = {
        "title": "Masimov arrested",
        "type": "arrest",
        "date": "2022-01-08",
        "summary": "The former KNB chairman is detained on treason charges.",
        "status": "draft",
        "participants": [{"actor": "karim-masimov", "role": "accused"}],
        "citations": [{"source": source.pk, "quote": "Masimov was detained on 6 January.", "credibility": 2}],
    }
    return {**body, **changes}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/events/"),
        ("put", "/api/v1/events/e/"),
        ("patch", "/api/v1/events/e/"),
        ("delete", "/api/v1/events/e/"),
        ("post", "/api/v1/actors/"),
        ("delete", "/api/v1/actors/a/"),
        ("post", "/api/v1/sources/"),
    ],
)
def test_anonymous_writes_are_refused_and_change_nothing(method, path):
    EventFactory(slug="e", published=True)
    ActorFactory(slug="a")

    response = getattr(anonymous_client(), method)(path, {"title": "x", "name": "x"}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert Event.objects.get(slug="e").title != "x"
    assert Actor.objects.filter(slug="a").exists()


def test_a_bad_token_is_refused_even_for_reading():
    client = anonymous_client()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.get("/api/v1/events/").status_code == 401


def test_user_without_model_permission_cannot_write(django_user_model, vocabulary):
    reader = django_user_model.objects.create_user("reader")

    response = token_client(reader).post("/api/v1/events/", event_body(vocabulary), format="json")

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_token_creates_an_event_with_participants_and_citations_in_one_request(curator, vocabulary):
    response = token_client(curator).post("/api/v1/events/", event_body(vocabulary), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "masimov-arrested"
    assert body["status"] == "draft"
    assert body["date_display"] == "8 Jan 2022"
    assert body["participants"] == [{"actor": "karim-masimov", "name": "Karim Masimov", "role": "accused", "note": ""}]
    assert body["citations"][0]["source"] == vocabulary.pk
    assert body["citations"][0]["title"] == "Reuters"
    assert body["citations"][0]["credibility"] == 2
    assert response["ETag"]
    event = Event.objects.get(slug="masimov-arrested")
    assert event.participations.count() == 1
    assert event.citations.count() == 1


def test_history_rows_name_the_token_user(curator, vocabulary):
    token_client(curator).post("/api/v1/events/", event_body(vocabulary), format="json")
    event = Event.objects.get()

    assert event.history.latest().history_user == curator
    assert Participation.history.get(event_id=event.pk).history_user == curator
    assert Citation.history.get(event_id=event.pk).history_user == curator


def test_history_of_an_actor_written_by_token_names_the_user(curator):
    token_client(curator).post("/api/v1/actors/", {"name": "Samat Abish"}, format="json")

    assert Actor.objects.get(slug="samat-abish").history.latest().history_user == curator


def test_slugs_are_made_unique_from_the_title(curator, vocabulary):
    client = token_client(curator)

    first = client.post("/api/v1/events/", event_body(vocabulary), format="json").json()
    # The same event again is a likely duplicate; the client says it knows.
    second = client.post("/api/v1/events/", event_body(vocabulary, duplicate_ok=True), format="json").json()
    cyrillic = client.post(
        "/api/v1/events/", event_body(vocabulary, title="Арест Масимова", duplicate_ok=True), format="json"
    ).json()

    assert (first["slug"], second["slug"]) == ("masimov-arrested", "masimov-arrested-2")
    assert cyrillic["slug"] == "arest-masimova"


def test_curator_without_publish_permission_creates_drafts_but_cannot_publish(curator, vocabulary):
    client = token_client(curator)

    draft = client.post("/api/v1/events/", event_body(vocabulary), format="json")
    published = client.post("/api/v1/events/", event_body(vocabulary, status="published"), format="json")
    retracted = client.post("/api/v1/events/", event_body(vocabulary, status="retracted"), format="json")
    publish_draft = client.patch(f"/api/v1/events/{draft.json()['slug']}/", {"status": "published"}, format="json")

    assert draft.status_code == 201
    assert (published.status_code, retracted.status_code, publish_draft.status_code) == (403, 403, 403)
    assert "detail" in published.json()
    assert list(Event.objects.values_list("status", flat=True)) == ["draft"]


def test_curator_may_fix_a_typo_in_a_published_event_but_not_change_its_status(curator):
    EventFactory(slug="e", title="Masimov arested", published=True)
    client = token_client(curator)

    fixed = client.patch("/api/v1/events/e/", {"title": "Masimov arrested"}, format="json")
    unpublished = client.patch("/api/v1/events/e/", {"status": "draft"}, format="json")
    retracted = client.patch("/api/v1/events/e/", {"status": "retracted"}, format="json")

    assert fixed.status_code == 200
    assert (unpublished.status_code, retracted.status_code) == (403, 403)
    assert Event.objects.get(slug="e").status == "published"


def test_curator_cannot_delete_a_published_event_but_may_delete_a_draft(curator):
    EventFactory(slug="public", published=True)
    EventFactory(slug="draft")
    client = token_client(curator)

    assert client.delete("/api/v1/events/public/").status_code == 403
    assert client.delete("/api/v1/events/draft/").status_code == 204
    assert list(Event.objects.values_list("slug", flat=True)) == ["public"]


def test_editor_publishes_with_a_citation(editor, vocabulary):
    response = token_client(editor).post("/api/v1/events/", event_body(vocabulary, status="published"), format="json")

    assert response.status_code == 201
    assert anonymous_client().get(f"/api/v1/events/{response.json()['slug']}/").status_code == 200


def test_publishing_without_a_citation_is_a_400_and_creates_nothing(editor, vocabulary):
    response = token_client(editor).post(
        "/api/v1/events/", event_body(vocabulary, status="published", citations=[]), format="json"
    )

    assert response.status_code == 400
    assert "citations" in response.json()
    assert not Event.objects.exists()
    assert not Participation.objects.exists()


def test_removing_the_last_citation_of_a_published_event_is_a_400(editor):
    CitationFactory(event=EventFactory(slug="e", status="published"))

    response = token_client(editor).patch("/api/v1/events/e/", {"citations": []}, format="json")

    assert response.status_code == 400
    assert Citation.objects.count() == 1


def test_invalid_edtf_date_is_a_400_with_the_dates_message(curator, vocabulary):
    response = token_client(curator).post("/api/v1/events/", event_body(vocabulary, date="August 2017"), format="json")

    assert response.status_code == 400
    message = response.json()["date"][0]
    assert "“August 2017” is not a date kzwatch understands" in message
    assert "2017-08" in message
    assert not Event.objects.exists()


def test_reversed_edtf_interval_is_a_400(curator, vocabulary):
    response = token_client(curator).post("/api/v1/events/", event_body(vocabulary, date="2018/2017"), format="json")

    assert response.status_code == 400
    assert "ends before it starts" in response.json()["date"][0]


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"type": "no-such-type"}, ("type",)),
        ({"participants": [{"actor": "nobody", "role": "accused"}]}, ("participants", "0", "actor")),
        ({"participants": [{"actor": "karim-masimov", "role": "nobody"}]}, ("participants", "0", "role")),
        ({"citations": [{"source": 2**62, "quote": "q"}]}, ("citations", "0", "source")),
        ({"citations": [{"source": 2**70, "quote": "q"}]}, ("citations", "0", "source")),
        ({"parent": "no-such-event"}, ("parent",)),
        ({"related": ["no-such-event"]}, ("related",)),
    ],
)
def test_unknown_slug_or_id_is_a_400_naming_the_field(curator, vocabulary, changes, where):
    response = token_client(curator).post("/api/v1/events/", event_body(vocabulary, **changes), format="json")

    assert response.status_code == 400
    error = response.json()
    for step in where:
        error = error[step]
    assert error
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"participants": [{"actor": "karim-masimov", "role": "accused"}] * 2},
        {"citations": [{"source": 1, "quote": ""}]},
        {"citations": [{"source": 1, "quote": "q", "credibility": 9}]},
        {"title": ""},
        {"status": "lost"},
        {"slug": "not a slug"},
    ],
)
def test_invalid_rows_are_400s_and_leave_nothing_behind(curator, vocabulary, changes):
    response = token_client(curator).post("/api/v1/events/", event_body(vocabulary, **changes), format="json")

    assert response.status_code == 400
    assert not Event.objects.exists()


def test_taken_slug_is_a_400(curator, vocabulary):
    EventFactory(slug="taken", published=True)

    response = token_client(curator).post("/api/v1/events/", event_body(vocabulary, slug="taken"), format="json")

    assert response.status_code == 400
    assert "slug" in response.json()


def test_event_cannot_become_part_of_its_own_part(curator):
    parent = EventFactory(slug="parent", published=True)
    EventFactory(slug="child", parent=parent, published=True)

    response = token_client(curator).patch("/api/v1/events/parent/", {"parent": "child"}, format="json")

    assert response.status_code == 400
    assert "parent" in response.json()


def test_body_that_is_not_json_is_refused_with_json(curator):
    client = token_client(curator)

    malformed = client.post("/api/v1/events/", "{not json", content_type="application/json")
    form = client.post("/api/v1/events/", "title=x", content_type="application/x-www-form-urlencoded")

    assert malformed.status_code == 400
    assert "detail" in malformed.json()
    assert form.status_code == 415


def test_patch_replaces_the_participants_and_keeps_unchanged_rows(curator):
    event = EventFactory(slug="e", published=True)
    kept = ParticipationFactory(event=event, actor=ActorFactory(slug="kept"))
    ParticipationFactory(event=event, actor=ActorFactory(slug="dropped"))
    ActorFactory(slug="added")

    response = token_client(curator).patch(
        "/api/v1/events/e/",
        {"participants": [{"actor": "kept", "role": "subject"}, {"actor": "added", "role": "subject", "note": "n"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert [item["actor"] for item in response.json()["participants"]] == ["kept", "added"]
    assert Participation.objects.get(actor__slug="kept").pk == kept.pk


def test_put_with_the_current_etag_succeeds_and_answers_a_new_etag(curator):
    EventFactory(slug="e", title="Old", published=True)
    client = token_client(curator)
    read = client.get("/api/v1/events/e/")
    body = {key: value for key, value in read.json().items() if key not in ("participants", "citations")}

    written = client.put("/api/v1/events/e/", {**body, "title": "New"}, format="json", HTTP_IF_MATCH=read["ETag"])

    assert written.status_code == 200, written.content
    assert written["ETag"] != read["ETag"]
    assert written["ETag"] == client.get("/api/v1/events/e/")["ETag"]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_stale_if_match_is_a_412_and_changes_nothing(curator, method):
    EventFactory(slug="e", title="Old")
    client = token_client(curator)
    stale = client.get("/api/v1/events/e/")["ETag"]
    client.patch("/api/v1/events/e/", {"summary": "A colleague's edit."}, format="json")
    body = {"title": "Mine", "type": "arrest", "date": "2017"}

    response = getattr(client, method)("/api/v1/events/e/", body, format="json", HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert "detail" in response.json()
    event = Event.objects.get(slug="e")
    assert (event.title, event.summary) == ("Old", "A colleague's edit.")


def test_signed_in_session_writes_need_the_csrf_token(curator, vocabulary):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(curator)

    refused = client.post("/api/v1/events/", event_body(vocabulary), format="json")
    client.get("/admin/events/event/add/")  # a form page sets the CSRF cookie
    accepted = client.post(
        "/api/v1/events/", event_body(vocabulary), format="json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value
    )

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201


def test_a_likely_duplicate_is_a_409_naming_it_unless_the_client_says_duplicate_ok(curator):
    from rest_framework.test import APIClient

    from tests.factories import ParticipationFactory, SourceFactory

    existing = ParticipationFactory(event__slug="masimov-detained", event__date="2022-01-06", event__status="draft")
    api = APIClient()
    api.force_authenticate(curator)
    body = {
        "title": "Massimov held",
        "type": existing.event.type.slug,
        "date": "2022-01",
        "participants": [{"actor": existing.actor.slug, "role": existing.role.slug}],
        "citations": [{"source": SourceFactory().pk, "quote": "Massimov was detained."}],
    }
    refused = api.post("/api/v1/events/", body, format="json")
    assert refused.status_code == 409
    assert [candidate["slug"] for candidate in refused.json()["candidates"]] == ["masimov-detained"]
    assert not Event.objects.filter(title="Massimov held").exists()
    accepted = api.post("/api/v1/events/", {**body, "duplicate_ok": True}, format="json")
    assert accepted.status_code == 201, accepted.json()
    assert "duplicate_ok" not in accepted.json()
