"""A write that changes nothing writes nothing, by every path: the API, the admin, the import and
the fixture load. Sent back as stored, a record keeps its history, its `updated_at`, its ETag,
its absence from `updated_since`, and the readers' cache; a real change still shows in all five."""

import datetime
import json
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.utils import timezone

from actors.models import Actor, Alias, Identifier, Membership, Tenure
from core import page_cache
from core.models import Tombstone
from events.models import Citation, Event, Participation, Source
from exchange.imports import events_import
from tests.api.clients import token_client
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CitationFactory,
    IdentifierFactory,
    MembershipFactory,
    ParticipationFactory,
    TenureFactory,
)
from tests.test_loaddata import FIXTURE

pytestmark = pytest.mark.django_db

# Every row a test makes is stamped at PAST; any write the test then makes is after SINCE, on any clock.
PAST = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
SINCE = "2020-01-02T00:00:00Z"
RECORDED = (Event, Participation, Citation, Source, Actor, Alias, Identifier, Membership, Tenure)


@contextmanager
def long_ago():
    """Rows saved inside get PAST as their timestamps and history dates."""
    with mock.patch.object(timezone, "now", return_value=PAST):
        yield


def writes():
    """Everything a write leaves behind: history rows, tombstones and admin log entries."""
    history = sum(model.history.count() for model in RECORDED)
    return history, Tombstone.objects.count(), LogEntry.objects.count()


def seen(client, row, detail, listing):
    """What a mirror and the readers' cache see of `row`."""
    response = client.get(detail)
    assert response.status_code == 200, response.content
    synced = client.get(listing, {"updated_since": SINCE})
    assert synced.status_code == 200, synced.content
    return {
        "writes": writes(),
        "updated_at": type(row).objects.get(pk=row.pk).updated_at,
        "etag": response["ETag"],
        "updated_since": [item.get("slug") or item.get("id") for item in synced.json()["results"]],
        "generation": page_cache.generation(),
    }


def an_event():
    """A published event with a participant (with a note) and a citation, made long ago."""
    with long_ago():
        citation = CitationFactory(locator="para. 2", note="as reported")
        ParticipationFactory(event=citation.event, note="named in the case file")
    return citation.event


def an_actor():
    with long_ago():
        actor = ActorFactory(summary="Head of the KNB.")
        AliasFactory(actor=actor, name="Карим Масимов", lang="ru")
        IdentifierFactory(actor=actor)
    return actor


def a_membership():
    with long_ago():
        return MembershipFactory(note="a founding member")


def a_tenure():
    with long_ago():
        return TenureFactory(end_date="2022-01", note="chairman")


RESOURCES = {
    "event": (an_event, "events", "slug", {"title": "Massimov detained"}),
    "actor": (an_actor, "actors", "slug", {"summary": "Former head of the KNB."}),
    "membership": (a_membership, "memberships", "pk", {"note": "a member until 2022"}),
    "tenure": (a_tenure, "tenures", "pk", {"end_date": "2022-01-06"}),
}


def resource(name):
    make, plural, key, change = RESOURCES[name]
    row = make()
    detail = f"/api/v1/{plural}/{getattr(row, key)}/"
    return row, detail, f"/api/v1/{plural}/", change


@pytest.mark.parametrize("name", RESOURCES)
@pytest.mark.parametrize("method", ["put", "patch"])
def test_sending_a_record_back_as_it_is_writes_nothing(editor, name, method):
    row, detail, listing, _ = resource(name)
    client = token_client(editor)
    before = seen(client, row, detail, listing)
    assert before["updated_since"] == []

    response = getattr(client, method)(detail, client.get(detail).json(), format="json")

    assert response.status_code == 200, response.content
    assert response["ETag"] == before["etag"]
    assert seen(client, row, detail, listing) == before


def test_patching_an_event_with_its_own_title_participants_and_citations_writes_nothing(editor):
    event = an_event()
    client = token_client(editor)
    detail = f"/api/v1/events/{event.slug}/"
    before = seen(client, event, detail, "/api/v1/events/")
    stored = client.get(detail).json()

    for body in ({"title": event.title}, {name: stored[name] for name in ("participants", "citations")}):
        assert client.patch(detail, body, format="json").status_code == 200

    assert seen(client, event, detail, "/api/v1/events/") == before


@pytest.mark.parametrize("name", RESOURCES)
def test_a_real_change_through_the_api_still_writes_everything(editor, name):
    row, detail, listing, change = resource(name)
    client = token_client(editor)
    before = seen(client, row, detail, listing)

    assert client.patch(detail, change, format="json").status_code == 200

    after = seen(client, row, detail, listing)
    assert after["writes"][0] == before["writes"][0] + 1
    assert type(row).history.filter(history_type="~").latest("history_date").history_user == editor
    assert after["updated_at"] > before["updated_at"]
    assert after["etag"] != before["etag"]
    assert after["updated_since"] == [row.slug if hasattr(row, "slug") else row.pk]
    assert after["generation"] != before["generation"]


def test_a_changed_participant_note_alone_is_its_rows_change(editor):
    event = an_event()
    client = token_client(editor)
    detail = f"/api/v1/events/{event.slug}/"
    before = seen(client, event, detail, "/api/v1/events/")
    participants = client.get(detail).json()["participants"]
    participants[0]["note"] = "named as an accomplice"

    assert client.patch(detail, {"participants": participants}, format="json").status_code == 200

    after = seen(client, event, detail, "/api/v1/events/")
    assert Participation.history.filter(history_type="~", history_user=editor).count() == 1
    assert (after["etag"] != before["etag"], after["updated_since"]) == (True, [event.slug])
    assert after["generation"] != before["generation"]


def test_renaming_an_event_still_leaves_a_tombstone(editor):
    event = an_event()
    client = token_client(editor)
    response = client.patch(f"/api/v1/events/{event.slug}/", {"slug": "massimov-detained"}, format="json")
    assert response.status_code == 200
    assert Tombstone.objects.filter(key=event.slug, replaced_by="massimov-detained").exists()


def as_opened(response):
    """The POST data of an admin change page as it was drawn: each form's and inline's values."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.extend([inline.formset.management_form, *inline.formset.forms])
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            if isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            else:
                data[field.html_name] = "on" if value is True else str(value)
    return data


ADMIN = {
    "event": (an_event, "events/event", "title", "Massimov detained"),
    "actor": (an_actor, "actors/actor", "summary", "Former head of the KNB."),
    "membership": (a_membership, "actors/membership", "note", "a member until 2022"),
    "tenure": (a_tenure, "actors/tenure", "note", "chairman of the KNB"),
}


def admin_change(client, name):
    make, path, field, value = ADMIN[name]
    row = make()
    url = f"/admin/{path}/{row.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    return row, url, as_opened(page), field, value


@pytest.mark.parametrize("name", ADMIN)
def test_an_admin_form_saved_as_it_was_opened_writes_nothing(client, editor, name):
    client.force_login(editor)
    with long_ago():
        row, url, data, _, _ = admin_change(client, name)
    generation = page_cache.generation()
    before = (writes(), type(row).objects.get(pk=row.pk).updated_at)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    assert (writes(), type(row).objects.get(pk=row.pk).updated_at) == before
    assert page_cache.generation() == generation


@pytest.mark.parametrize("name", ADMIN)
def test_an_admin_form_with_a_change_still_writes(client, editor, name):
    client.force_login(editor)
    with long_ago():
        row, url, data, field, value = admin_change(client, name)
    generation = page_cache.generation()
    history = type(row).history.count()

    assert client.post(url, {**data, field: value}).status_code == 302

    stored = type(row).objects.get(pk=row.pk)
    assert getattr(stored, field) == value
    assert stored.updated_at > PAST
    assert type(row).history.count() == history + 1
    assert type(row).history.latest("history_date").history_user == editor
    assert page_cache.generation() != generation


def import_rows(event, **changes):
    participation, citation = event.participations.get(), event.citations.get()
    row = {
        "slug": event.slug,
        "title": event.title,
        "type": event.type.slug,
        "date": event.date,
        "status": event.status,
        "participants": f"{participation.actor.slug}:{participation.role.slug}:{participation.note}",
        "source": str(citation.source_id),
        "quote": citation.quote,
        "locator": citation.locator,
        "credibility": str(citation.credibility),
        "note": citation.note,
    }
    return [{**row, **changes}]


def test_importing_rows_equal_to_the_record_writes_nothing(editor):
    event = an_event()
    client = token_client(editor)
    detail = f"/api/v1/events/{event.slug}/"
    before = seen(client, event, detail, "/api/v1/events/")

    report = events_import(rows=import_rows(event), user=editor)

    assert [(row.action, row.changes) for row in report.rows] == [("unchanged", [])]
    assert seen(client, event, detail, "/api/v1/events/") == before


def test_importing_a_changed_row_still_writes(editor):
    event = an_event()
    client = token_client(editor)
    detail = f"/api/v1/events/{event.slug}/"
    before = seen(client, event, detail, "/api/v1/events/")

    report = events_import(rows=import_rows(event, title="Massimov detained", locator="para. 3"), user=editor)

    assert [(row.action, row.changes) for row in report.rows] == [("update", ["title", "citations"])]
    after = seen(client, event, detail, "/api/v1/events/")
    assert after["updated_since"] == [event.slug]
    assert (after["etag"] != before["etag"], after["generation"] != before["generation"]) == (True, True)
    assert Event.history.latest("history_date").history_user == editor


@pytest.fixture
def fixture_file(tmp_path):
    def write(records):
        path = tmp_path / "record.json"
        path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        return str(path)

    return write


def test_loading_the_fixtures_again_writes_nothing(editor, fixture_file):
    path = fixture_file(FIXTURE)
    with long_ago():
        call_command("loaddata", path, verbosity=0)
    event = Event.objects.get()
    client = token_client(editor)
    detail = f"/api/v1/events/{event.slug}/"
    before = seen(client, event, detail, "/api/v1/events/")

    call_command("loaddata", path, verbosity=0)

    assert seen(client, event, detail, "/api/v1/events/") == before


def test_loading_changed_fixtures_still_writes(editor, fixture_file):
    with long_ago():
        call_command("loaddata", fixture_file(FIXTURE), verbosity=0)
    event = Event.objects.get()
    client = token_client(editor)
    detail = f"/api/v1/events/{event.slug}/"
    before = seen(client, event, detail, "/api/v1/events/")
    changed = json.loads(json.dumps(FIXTURE))
    changed[4]["fields"]["title"] = "Massimov becomes KNB chairman"

    call_command("loaddata", fixture_file(changed), verbosity=0)

    after = seen(client, event, detail, "/api/v1/events/")
    assert after["updated_since"] == [event.slug]
    assert (after["etag"] != before["etag"], after["generation"] != before["generation"]) == (True, True)
    assert Event.history.latest("history_date").history_user.username == "fixtures"
