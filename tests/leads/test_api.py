"""/api/v1/leads/: for users with the view permission only, in a fixed number of queries."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.clients import anonymous_client, token_client
from tests.factories import ActorFactory, EventTypeFactory, FeedFactory, LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(django_user_model):
    user = django_user_model.objects.create_user("lead-reader")
    user.user_permissions.add(Permission.objects.get(codename="view_lead"))
    return user


def add_leads(count):
    feed = FeedFactory()
    actor = ActorFactory()
    kind = EventTypeFactory(slug="arrest")
    for _ in range(count):
        lead = LeadFactory(feed=feed, suggested_type=kind, matched=["Someone"])
        lead.actors.add(actor)
        lead.candidates.add(actor)


def test_a_reader_sees_each_lead_with_its_fields(reader):
    lead = LeadFactory(title="Масимов задержан", matched=["Масимов"], suggested_type=EventTypeFactory(slug="detention"))
    lead.actors.add(ActorFactory(slug="karim-massimov"))

    body = token_client(reader).get("/api/v1/leads/").json()

    assert body["results"] == [
        {
            "id": lead.pk,
            "title": "Масимов задержан",
            "link": lead.link,
            "published": lead.published.isoformat().replace("+00:00", "Z"),
            "feed": lead.feed_id,
            "feed_name": lead.feed.name,
            "actors": ["karim-massimov"],
            "candidates": [],
            "matched": ["Масимов"],
            "suggested_type": "detention",
            "status": "new",
        }
    ]
    assert token_client(reader).get(f"/api/v1/leads/{lead.pk}/").json()["id"] == lead.pk


def test_anonymous_clients_get_no_leads(reader):
    lead = LeadFactory()

    for path in ("/api/v1/leads/", f"/api/v1/leads/{lead.pk}/"):
        response = anonymous_client().get(path)
        assert response.status_code == 401
        assert "results" not in response.json() and "title" not in response.json()


def test_a_token_without_the_view_permission_gets_403(curator):
    lead = LeadFactory()

    assert token_client(curator).get("/api/v1/leads/").status_code == 403
    assert token_client(curator).get(f"/api/v1/leads/{lead.pk}/").status_code == 403


def test_leads_are_newest_first_and_filter_by_status_actor_feed_and_type(reader):
    older, newer = LeadFactory(), LeadFactory()
    massimov = ActorFactory(slug="karim-massimov")
    older.actors.add(massimov)
    newer.suggested_type = EventTypeFactory(slug="arrest")
    newer.save()
    LeadFactory(status="dismissed", dismiss_reason="namesake")
    client = token_client(reader)

    def ids(query):
        return [row["id"] for row in client.get(f"/api/v1/leads/?{query}").json()["results"]]

    assert ids("status=new") == [newer.pk, older.pk]
    assert ids("actor=karim-massimov") == [older.pk]
    assert ids(f"feed={older.feed_id}") == [older.pk]
    assert ids("suggested_type=arrest") == [newer.pk]
    assert client.get("/api/v1/leads/?feed=99999999999999999999").status_code == 400
    assert client.get("/api/v1/leads/?status=maybe").status_code == 400


def queries_for(client):
    with CaptureQueriesContext(connection) as context:
        response = client.get("/api/v1/leads/?page_size=200")
    assert response.status_code == 200
    return [query["sql"] for query in context.captured_queries]


def test_the_list_makes_the_same_queries_for_5_leads_as_for_50(reader):
    client = token_client(reader)
    add_leads(5)
    few = queries_for(client)
    add_leads(45)
    many = queries_for(client)

    assert len(few) == len(many), "\n".join(many)


def test_members_of_the_curator_group_may_read_the_inbox(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("karina", password="pass-1234-word", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    add_leads(2)
    response = token_client(user).get("/api/v1/leads/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 2
