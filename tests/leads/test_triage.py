"""Triage in the admin: a lead becomes a draft event with its participants and source, or is dismissed."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from core.text import MESSAGE
from events.models import Event, Source
from leads.models import Lead
from tests.factories import ActorFactory, EventTypeFactory, FeedFactory, LeadFactory, ParticipantRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def triager(curator):
    curator.user_permissions.add(*Permission.objects.filter(content_type__app_label="leads"))
    return type(curator).objects.get(pk=curator.pk)


@pytest.fixture
def lead():
    ParticipantRoleFactory(slug="subject")
    EventTypeFactory(slug="announcement")
    found = LeadFactory(
        feed=FeedFactory(name="Steppe Wire"),
        title="Ex-security chief Karim Massimov sentenced after a closed trial",
        link="https://steppe-wire.example/2023/04/massimov-verdict",
        published=datetime.datetime(2023, 4, 24, 9, 30, tzinfo=datetime.UTC),
        suggested_type=EventTypeFactory(slug="sentencing"),
        matched=["Karim Massimov"],
    )
    found.actors.set([ActorFactory(slug="karim-massimov", name="Karim Massimov")])
    return found


def test_a_lead_becomes_a_draft_event_with_its_participants_and_source(client, triager, lead):
    client.force_login(triager)

    response = client.post(f"/admin/leads/lead/{lead.pk}/convert/")

    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/events/event/{event.pk}/change/"
    assert (event.title, event.type.slug, event.date, event.status) == (lead.title, "sentencing", "2023-04-24", "draft")
    assert [(p.actor.slug, p.role.slug) for p in event.participations.all()] == [("karim-massimov", "subject")]
    citation = event.citations.get()
    source = citation.source
    assert (source.url, source.publisher, source.published_date) == (lead.link, "Steppe Wire", "2023-04-24")
    assert (source.kind, source.reliability) == (Source.Kind.NEWS, "F")
    assert citation.credibility == 6
    lead.refresh_from_db()
    assert (lead.status, lead.converted_event) == (Lead.Status.CONVERTED, event)
    assert event.history.get().history_user == triager
    assert lead.history.first().history_user == triager
    assert source.history.get().history_user == triager


def test_a_lead_with_no_suggestion_becomes_an_announcement(triager, lead, client):
    Lead.objects.filter(pk=lead.pk).update(suggested_type=None)
    client.force_login(triager)

    client.post(f"/admin/leads/lead/{lead.pk}/convert/")

    assert Event.objects.get().type.slug == "announcement"


def test_shared_surname_candidates_become_participants_marked_for_checking(triager, lead, client):
    relative = ActorFactory(slug="dariga-nazarbayeva")
    lead.actors.add(relative)
    lead.candidates.add(relative)
    client.force_login(triager)

    client.post(f"/admin/leads/lead/{lead.pk}/convert/")

    notes = dict(Event.objects.get().participations.values_list("actor__slug", "note"))
    assert notes["karim-massimov"] == ""
    assert "check who is meant" in notes["dariga-nazarbayeva"]


def test_a_converted_lead_cannot_be_converted_twice(triager, lead, client):
    client.force_login(triager)
    client.post(f"/admin/leads/lead/{lead.pk}/convert/")

    response = client.post(f"/admin/leads/lead/{lead.pk}/convert/", follow=True)

    assert Event.objects.count() == 1
    assert "already made into a draft event" in response.content.decode()


def test_the_admin_action_converts_the_selected_lead_and_opens_the_draft(triager, lead, client):
    client.force_login(triager)

    response = client.post("/admin/leads/lead/", {"action": "make_draft_events", "_selected_action": [lead.pk]})

    assert response["Location"] == f"/admin/events/event/{Event.objects.get().pk}/change/"


def test_a_curator_without_the_leads_permission_cannot_convert(curator, lead, client):
    client.force_login(curator)

    response = client.post(f"/admin/leads/lead/{lead.pk}/convert/")

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_dismissing_a_lead_takes_a_reason(triager, lead, client):
    client.force_login(triager)

    refused = client.post(f"/admin/leads/lead/{lead.pk}/dismiss/", {"reason": "  "})
    lead.refresh_from_db()
    assert refused.status_code == 200 and lead.status == Lead.Status.NEW

    client.post(f"/admin/leads/lead/{lead.pk}/dismiss/", {"reason": "Already recorded."})
    lead.refresh_from_db()
    assert (lead.status, lead.dismiss_reason) == (Lead.Status.DISMISSED, "Already recorded.")
    assert lead.history.first().history_user == triager


def test_a_dismissal_reason_holding_a_control_character_is_a_form_error(triager, lead, client):
    client.force_login(triager)

    response = client.post(f"/admin/leads/lead/{lead.pk}/dismiss/", {"reason": "Already\x0brecorded."})

    assert response.status_code == 200
    assert MESSAGE.format(code=0x0B) in response.content.decode()
    lead.refresh_from_db()
    assert (lead.status, lead.dismiss_reason) == (Lead.Status.NEW, "")


def test_the_inbox_shows_new_leads_newest_first_and_escapes_titles(triager, lead, client):
    LeadFactory(title="<script>alert(1)</script> Newer", published=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    LeadFactory(title="Dismissed one", status=Lead.Status.DISMISSED, dismiss_reason="no")
    client.force_login(triager)

    page = client.get("/admin/leads/lead/").content.decode()

    assert "<script>alert(1)</script>" not in page
    assert page.index("Newer") < page.index("Karim Massimov sentenced")
    assert "Dismissed one" not in page
    assert "Dismissed one" in client.get("/admin/leads/lead/?status=all").content.decode()
    assert client.get(f"/admin/leads/lead/{lead.pk}/change/").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(lead, client):
    response = client.get("/admin/leads/lead/")

    assert response.status_code == 302 and "/login/" in response["Location"]
