"""The curators' workshop in the admin: roles, revert, duplicates, ending spans, changelist costs."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from events.models import Event, EventType, ParticipantRole
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    EventTypeFactory,
    MembershipFactory,
    OfficeFactory,
    ParticipantRoleFactory,
    ParticipationFactory,
    SourceFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db


def test_the_groups_have_exactly_their_permissions():
    curator = set(Group.objects.get(name="Curator").permissions.values_list("codename", flat=True))
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    models = ["actor", "alias", "identifier", "faction", "membership", "office", "tenure"]
    models += ["event", "participation", "citation", "source", "eventtype", "participantrole"]
    models += ["feed", "lead"]
    assert curator == {f"{action}_{model}" for model in models for action in ("add", "change", "view")}
    # Editors see everything they publish (events 0012, leads 0002), and change only the event.
    assert editor == {"publish_event", "change_event"} | {
        f"{a}_{model}" for model in models for a in ("delete", "view")
    }


def test_the_vocabulary_curators_need_is_seeded():
    roles = set(ParticipantRole.objects.values_list("slug", flat=True))
    types = set(EventType.objects.values_list("slug", flat=True))
    assert {"detained", "released", "pardoned", "dismissed", "resigned", "sentenced", "acquitted"} <= roles
    assert {"arrest", "detention", "dismissal", "death", "pardon", "resignation"} <= types


def test_a_curator_cannot_publish(client, staff_in_groups):
    curator = staff_in_groups("karina", "Curator")
    client.force_login(curator)
    event = EventFactory()
    CitationFactory(event=event)
    response = client.get(f"/admin/events/event/{event.pk}/change/")
    assert response.status_code == 200
    assert Event.objects.get().status == "draft"
    from events.services import event_check_status_change

    with pytest.raises(Exception, match="can publish events"):
        event_check_status_change(user=curator, current="draft", new="published")


def test_only_an_editor_may_revert_to_an_earlier_version(client, staff_in_groups):
    actor = ActorFactory(name="Karim Masimov")
    actor.summary = "A wrong summary."
    actor.save()
    first = actor.history.order_by("history_date").first()
    url = f"/admin/actors/actor/{actor.pk}/history/{first.history_id}/"
    client.force_login(staff_in_groups("karina", "Curator"))
    assert client.get(url).status_code == 403 or "revert" not in client.get(url).content.decode().lower()
    client.force_login(staff_in_groups("erlan", "Curator", "Editor"))
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "slug": actor.slug,
        "name": "Karim Masimov",
        "sort_name": actor.sort_name,
        "kind": "person",
        "summary": "",
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("aliases", "identifiers", "memberships", "tenures")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Actor.objects.get().summary == ""


def test_history_page_shows_what_changed(client, editor):
    actor = ActorFactory(name="Karim Masimov", summary="Old words.")
    actor.summary = "New words."
    actor.save()
    client.force_login(editor)
    page = client.get(f"/admin/actors/actor/{actor.pk}/history/").content.decode()
    assert "Old words." in page and "New words." in page


def test_saving_a_likely_duplicate_warns_with_a_link(client, editor):
    existing = ParticipationFactory(event__title="Masimov detained", event__date="2022-01-06").event
    massimov = existing.participations.get().actor
    client.force_login(editor)
    data = {
        "title": "Massimov held",
        "slug": "massimov-held",
        "type": existing.type.pk,
        "date": "2022-01",
        "status": "draft",
        "participations-TOTAL_FORMS": "1",
        "participations-INITIAL_FORMS": "0",
        "participations-0-actor": massimov.pk,
        "participations-0-role": existing.participations.get().role.pk,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/events/event/add/", data, follow=True)
    page = response.content.decode()
    assert Event.objects.filter(slug="massimov-held").exists()
    assert "may repeat an event already recorded" in page
    assert f"/admin/events/event/{existing.pk}/change/" in page


def detention_form(tenure, *, status, source=None):
    data = {
        "title": "Massimov detained",
        "slug": "massimov-detained",
        "type": EventTypeFactory(slug="detention").pk,
        "date": "2022-01-06",
        "status": status,
        "end_open_spans": "on",
        "participations-TOTAL_FORMS": "1",
        "participations-INITIAL_FORMS": "0",
        "participations-0-actor": tenure.actor.pk,
        "participations-0-role": ParticipantRoleFactory(slug="detained").pk,
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
    }
    if source is not None:
        data.update(
            {
                "citations-TOTAL_FORMS": "1",
                "citations-0-source": source.pk,
                "citations-0-quote": "Massimov was detained",
                "citations-0-credibility": "2",
            }
        )
    return data


def test_a_published_detention_ends_the_detained_persons_open_office_from_the_admin(client, editor):
    tenure = TenureFactory(office=OfficeFactory(slug="knb-chair", seats=1), start_date="2015-09")
    client.force_login(editor)
    data = detention_form(tenure, status="published", source=SourceFactory())
    response = client.post("/admin/events/event/add/", data, follow=True)
    assert response.status_code == 200
    tenure.refresh_from_db()
    assert (tenure.end_date, tenure.ended_by.slug) == ("2022-01-06", "massimov-detained")
    assert tenure.history.first().history_user == editor


def test_a_draft_detention_ends_nothing_and_says_so(client, editor):
    tenure = TenureFactory(office=OfficeFactory(slug="knb-chair", seats=1), start_date="2015-09")
    client.force_login(editor)
    response = client.post("/admin/events/event/add/", detention_form(tenure, status="draft"))
    assert response.status_code == 200
    assert "A draft changes nothing readers see" in response.content.decode()
    assert not Event.objects.filter(slug="massimov-detained").exists()
    tenure.refresh_from_db()
    assert (tenure.end_date, tenure.ended_by) == ("", None)


def test_the_end_spans_action_on_a_draft_changes_nothing_public(client, curator, editor):
    tenure = TenureFactory(office=OfficeFactory(slug="pm", seats=1), start_date="2019-02-25")
    draft = ParticipationFactory(
        actor=tenure.actor,
        role=ParticipantRoleFactory(slug="dismissed"),
        event__type=EventTypeFactory(slug="dismissal"),
        event__date="2022-01-05",
        event__status="draft",
    ).event
    for user in (curator, editor):
        client.force_login(user)
        data = {"action": "end_open_spans", "_selected_action": [draft.pk], "index": "0"}
        response = client.post("/admin/events/event/", data, follow=True)
        assert "A draft changes nothing readers see" in response.content.decode()
        tenure.refresh_from_db()
        assert (tenure.end_date, tenure.ended_by) == ("", None)
    client.logout()
    assert client.get("/api/v1/offices/pm/").json()["tenures"][0]["end_date"] == ""


@pytest.mark.parametrize("url", ["/admin/events/event/", "/admin/actors/tenure/", "/admin/actors/membership/"])
def test_changelists_cost_the_same_for_10_rows_as_for_250(client, editor, url):
    client.force_login(editor)

    def count(rows):
        EventFactory.create_batch(rows, published=True)
        TenureFactory.create_batch(rows)
        MembershipFactory.create_batch(rows)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count(10)
    assert count(240) == few  # more than two pages of 100


def test_events_are_found_by_any_spelling_of_a_participant(client, editor):
    ParticipationFactory(event__title="Detained in Astana", actor__name="Karim Massimov")
    client.force_login(editor)
    page = client.get("/admin/events/event/?q=Масимов").content.decode()
    assert "Detained in Astana" in page


def status_menu(page):
    menu = re.search(r'<select name="status"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="(\w+)"', menu)


@pytest.mark.parametrize(
    ("groups", "status", "offered"),
    [
        (["Curator"], None, ["draft"]),
        (["Curator"], "draft", ["draft"]),
        # A curator fixes a typo in a published event; moving it is an editor's.
        (["Curator"], "published", ["published"]),
        (["Curator"], "retracted", ["retracted"]),
        # Retracting asks for the reason on the event's own page, so not from the add form.
        (["Curator", "Editor"], None, ["draft", "published"]),
        (["Curator", "Editor"], "draft", ["draft", "published", "retracted"]),
        (["Curator", "Editor"], "published", ["draft", "published", "retracted"]),
    ],
)
def test_the_status_menu_offers_only_the_statuses_the_user_may_set(client, staff_in_groups, groups, status, offered):
    client.force_login(staff_in_groups("karina", *groups))
    if status is None:
        url = "/admin/events/event/add/"
    else:
        url = f"/admin/events/event/{EventFactory(status=status, retraction_reason='Withdrawn.').pk}/change/"

    response = client.get(url)

    assert response.status_code == 200
    assert status_menu(response.content.decode()) == offered


def test_a_status_left_out_of_the_menu_and_posted_anyway_is_refused_with_the_reason(client, staff_in_groups):
    from tests.events.test_admin import event_form

    client.force_login(staff_in_groups("erlan", "Curator", "Editor"))
    data = event_form(EventTypeFactory(), SourceFactory(), status="retracted", retraction_reason="Withdrawn.")

    response = client.post("/admin/events/event/add/", data)

    assert response.status_code == 200
    assert "Only a recorded event can be retracted" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("groups", "status", "asked"),
    [
        (["Curator"], None, False),
        (["Curator", "Editor"], None, False),
        # Not retractable by this user: the field is not in the form at all.
        (["Curator"], "draft", False),
        (["Curator"], "published", False),
        (["Curator"], "retracted", True),
        # Retractable: in the form, shown by admin-event-status.js once the menu says Retracted.
        (["Curator", "Editor"], "draft", True),
        (["Curator", "Editor"], "retracted", True),
    ],
)
def test_the_retraction_reason_is_asked_only_where_the_event_is_or_may_be_retracted(
    client, staff_in_groups, groups, status, asked
):
    client.force_login(staff_in_groups("karina", *groups))
    if status is None:
        url = "/admin/events/event/add/"
    else:
        url = f"/admin/events/event/{EventFactory(status=status, retraction_reason='Withdrawn.').pk}/change/"

    page = client.get(url).content.decode()

    assert ('name="retraction_reason"' in page) is asked
    # The script that shows and hides it is a file of ours (the CSP runs no inline script).
    assert '<script src="/static/js/admin-event-status.js"></script>' in page


def test_a_curator_may_save_a_published_event_without_a_retraction_reason_field(client, staff_in_groups):
    citation = CitationFactory(event__status="published", event__title="Masimov detained")
    event = citation.event
    client.force_login(staff_in_groups("karina", "Curator"))
    page = client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'name="retraction_reason"' not in page
    opened = re.search(r'name="opened_version" value="([^"]+)"', page).group(1)
    data = {
        "title": "Massimov detained",
        "slug": event.slug,
        "type": event.type.pk,
        "date": event.date,
        "status": "published",
        "opened_version": opened,
        "participations-TOTAL_FORMS": "0",
        "participations-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "1",
        "citations-0-id": citation.pk,
        "citations-0-event": event.pk,
        "citations-0-source": citation.source.pk,
        "citations-0-quote": citation.quote,
        "citations-0-credibility": citation.credibility,
    }

    response = client.post(f"/admin/events/event/{event.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    event.refresh_from_db()
    assert (event.title, event.status) == ("Massimov detained", "published")
