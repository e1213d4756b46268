"""The record as it stood at a past moment (`?known=`) on the board, the detail pages and the API
lists, and the page of what changed in it."""

import datetime
import re
from html import unescape
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from events.models import Event
from tests.api.clients import anonymous_client, token_client
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    FactionFactory,
    MembershipFactory,
    OfficeFactory,
    ParticipationFactory,
    SourceFactory,
    TenureFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def board_text(html):
    """What the board's sections say, as a reader reads it: text only, whitespace folded."""
    sections = html.split('<div class="two-cols">', 1)[1]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", sections)).split())


def moment():
    """Now, as `?known=` takes it; the clock moves on before the next write."""
    now = timezone.now()
    while timezone.now() == now:
        pass
    return now.isoformat()


def test_before_the_first_write_the_record_knew_nothing():
    TenureFactory(actor__name="Sitting Holder", office__name="Seat", start_date="2010")
    long_ago = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    assert "Sitting Holder" in Client().get("/as-of/2015-01-01/").content.decode()
    assert "Sitting Holder" not in Client().get("/as-of/2015-01-01/", {"known": long_ago}).content.decode()


@pytest.mark.parametrize("path", ["/as-of/2015-01-01/", "/actors/holder/", "/offices/seat/", "/factions/circle/"])
def test_a_bad_moment_is_a_400_that_says_how_to_write_one(path):
    MembershipFactory(actor__slug="holder", faction__slug="circle")
    OfficeFactory(slug="seat")
    answer = Client().get(path, {"known": "2017-13-45"})
    assert answer.status_code == 400
    assert "is no date-time" in answer.content.decode()


def test_the_actor_and_office_pages_show_the_dates_and_names_they_then_had(curator):
    tenure = TenureFactory(actor__slug="holder", actor__name="Old Spelling", office__slug="seat", start_date="2016-09")
    before = moment()
    token_client(curator).patch(f"/api/v1/tenures/{tenure.pk}/", {"start_date": "2014-02"}, format="json")
    token_client(curator).patch("/api/v1/actors/holder/", {"name": "New Spelling"}, format="json")

    for path in ("/actors/holder/", "/offices/seat/"):
        then = Client().get(path, {"known": before}).content.decode()
        today = Client().get(path).content.decode()
        assert "Sep 2016" in then and "Feb 2014" not in then, path
        assert "Feb 2014" in today, path
    assert "Old Spelling" in Client().get("/actors/holder/", {"known": before}).content.decode()
    assert "New Spelling" in Client().get("/actors/holder/").content.decode()


def test_an_actor_not_yet_on_record_then_is_a_404():
    before = moment()
    ActorFactory(slug="newcomer")
    assert Client().get("/actors/newcomer/", {"known": before}).status_code == 404


def test_events_listed_on_an_actor_page_are_those_published_then_with_their_participants_then(curator, editor):
    actor = ActorFactory(slug="holder")
    shown = EventFactory(title="Published early", date="2016", published=True)
    ParticipationFactory(event=shown, actor=actor)
    later = EventFactory(title="A draft then", date="2017")
    ParticipationFactory(event=later, actor=actor)
    before = moment()
    Event.objects.filter(pk=later.pk).update(status=Event.Status.PUBLISHED)
    for event in Event.objects.filter(pk=later.pk):
        event._history_user = editor
        event.save()

    then = Client().get("/actors/holder/", {"known": before}).content.decode()
    assert "Published early" in then and "A draft then" not in then
    assert "A draft then" in Client().get("/actors/holder/").content.decode()


def test_the_api_lists_read_the_past(curator):
    membership = MembershipFactory(actor__slug="holder", faction__slug="circle", start_date="2015")
    event = EventFactory(slug="told", title="First telling", date="2016", status="published")
    ParticipationFactory(event=event, actor=membership.actor)
    CitationFactory(event=event, source=SourceFactory(slug="first-report"))
    reader = anonymous_client()
    saved = {path: reader.get(path).json() for path in ("/api/v1/events/", "/api/v1/memberships/")}
    before = moment()
    client = token_client(curator)
    client.patch(f"/api/v1/memberships/{membership.pk}/", {"start_date": "2013"}, format="json")
    answer = client.patch("/api/v1/events/told/", {"title": "Second telling"}, format="json")
    assert answer.status_code == 200, answer.content
    Event.objects.get(slug="told").citations.all().delete()
    EventFactory(slug="unknown-then", date="2016", published=True)

    for path, then in saved.items():
        assert reader.get(path, {"known": before}).json() == then, path
        assert reader.get(path).json() != then, path
    events = reader.get("/api/v1/events/", {"known": before, "date_after": "2015", "actor": "holder"}).json()
    assert [row["title"] for row in events["results"]] == ["First telling"]


def test_the_events_list_in_the_past_filters_by_who_took_part_then():
    actor = ActorFactory(slug="holder")
    event = EventFactory(slug="joined-later", date="2016", status="published")
    before = moment()
    ParticipationFactory(event=event, actor=actor)
    reader = anonymous_client()
    assert reader.get("/api/v1/events/", {"known": before, "actor": "holder"}).json()["results"] == []
    assert [row["slug"] for row in reader.get("/api/v1/events/", {"actor": "holder"}).json()["results"]] == [
        "joined-later"
    ]


def test_drafts_stay_hidden_in_the_past(editor):
    EventFactory(slug="draft-then", date="2016")
    before = moment()
    assert anonymous_client().get("/api/v1/events/", {"known": before}).json()["results"] == []
    assert [
        row["slug"] for row in token_client(editor).get("/api/v1/events/", {"known": before}).json()["results"]
    ] == ["draft-then"]


@pytest.mark.parametrize(
    "query",
    [{"known": "yesterday"}, {"known": "2026-02-30"}, {"known": "\x00"}, {"known": "2020-01-01", "q": "arrest"}],
)
@pytest.mark.parametrize("path", ["/api/v1/events/", "/api/v1/memberships/", "/api/v1/tenures/"])
def test_the_api_refuses_what_it_cannot_read_in_the_past_with_a_400(path, query):
    answer = anonymous_client().get(path, query)
    if "q" in query and path != "/api/v1/events/":
        assert answer.status_code == 200
        return
    assert answer.status_code == 400, answer.content
    assert set(answer.json()) & {"known", "q"}


def test_the_csv_is_of_todays_record():
    answer = anonymous_client().get("/api/v1/events/", {"known": "2020-01-01", "format": "csv"})
    assert answer.status_code == 400
    assert "known" in answer.json()


def test_a_list_in_the_past_makes_as_many_queries_for_5_rows_as_for_50(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count):
        for number in range(count):
            event = EventFactory(date="2016", status="published")
            ParticipationFactory(event=event)
            CitationFactory(event=event)
            TenureFactory(start_date=f"{2000 + number % 20}")
        known = timezone.now().isoformat()
        counts = []
        for path in ("/api/v1/events/", "/api/v1/tenures/", "/as-of/2016-06-01/"):
            with CaptureQueriesContext(connection) as context:
                answer = Client().get(path, {"known": known, "page_size": 100} if "api" in path else {"known": known})
            assert answer.status_code == 200
            counts.append(len(context.captured_queries))
        return counts

    assert queries(5) == queries(45)


def test_the_changes_page_lists_who_changed_what(curator, editor):
    tenure = TenureFactory(actor__name="Holder Name", office__name="The Seat", start_date="2016-09")
    EventFactory(title="Draft nobody sees")
    token_client(curator).patch(f"/api/v1/tenures/{tenure.pk}/", {"start_date": "2016-10"}, format="json")

    page = Client().get("/changes/").content.decode()
    assert "curator" in page and "corrected" in page
    assert "Holder Name: The Seat" in page
    assert "Sep 2016" in page or "2016-09" in page
    assert "Draft nobody sees" not in page
    client = Client()
    client.force_login(editor)
    assert "Draft nobody sees" in client.get("/changes/").content.decode()


def test_the_changes_page_narrows_to_what_a_period_is_about():
    EventFactory(title="January 2022 unrest", date="2022-01-05", published=True)
    EventFactory(title="An older affair", date="2015", published=True)
    page = Client().get("/changes/", {"about_after": "2022-01-01", "about_before": "2022-01-31"}).content.decode()
    assert "January 2022 unrest" in page and "An older affair" not in page


@pytest.mark.parametrize("query", [{"since": "soon"}, {"about_after": "2022-13-01"}, {"since": "2022", "until": "x"}])
def test_the_changes_page_says_what_is_wrong_with_a_period(query):
    answer = Client().get("/changes/", query)
    assert answer.status_code == 400
    assert 'class="error"' in answer.content.decode()


def test_the_changes_page_escapes_what_curators_typed():
    EventFactory(title="<script>alert(1)</script>", published=True)
    page = Client().get("/changes/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_the_board_in_the_past_links_to_pages_in_the_same_past():
    MembershipFactory(actor__slug="holder", faction__slug="circle", start_date="2010")
    crowd = FactionFactory(slug="crowd")
    MembershipFactory.create_batch(6, faction=crowd, start_date="2010")
    known = moment()
    page = Client().get("/as-of/2015-01-01/", {"known": known, "compare": "2009-01-01"}).content.decode()
    kept = urlencode({"known": known})
    assert f'href="/actors/holder/?{kept}"' in page
    assert f'href="/factions/circle/?{kept}"' in page
    assert f"?not_on=2009-01-01&amp;{kept.replace('&', '&amp;')}" in page, "a group's own page is read then too"
    assert f"compare=2015-01-01&amp;{kept}" in page, "so is the board on the other date"


def test_the_changes_page_names_a_change_of_linked_events(editor):
    event, other = EventFactory(title="The arrest", published=True), EventFactory(title="The trial", published=True)
    event._history_user = editor
    event.related.add(other)
    event.title = "The arrest, corrected"
    event.save()
    page = Client().get("/changes/")
    assert page.status_code == 200
    assert "The arrest, corrected" in page.content.decode()


def test_the_boards_date_form_keeps_the_moment():
    known = moment()
    page = Client().get("/as-of/2015-01-01/", {"known": known}).content.decode()
    assert 'name="known"' in page
    answer = Client().get("/as-of/", {"date": "2016-01-01", "known": known})
    assert answer.status_code == 302 and answer["Location"] == f"/as-of/2016-01-01/?{urlencode({'known': known})}"


def test_a_cause_published_since_is_not_shown_in_the_past(editor):
    cause = EventFactory(title="Appointment decree", date="2016-09")
    TenureFactory(actor__slug="holder", office__slug="seat", start_date="2016-09", started_by=cause)
    before = moment()
    cause.status, cause._history_user = Event.Status.PUBLISHED, editor
    cause.save()
    assert "Appointment decree" in Client().get("/actors/holder/").content.decode()
    assert "Appointment decree" not in Client().get("/actors/holder/", {"known": before}).content.decode()
    client = Client()
    client.force_login(editor)
    assert "Appointment decree" in client.get("/actors/holder/", {"known": before}).content.decode()


def test_a_factions_events_in_the_past_are_its_members_events_then():
    member = MembershipFactory(actor__slug="member", faction__slug="circle", start_date="2010").actor
    ParticipationFactory(event=EventFactory(title="Known then", date="2016", published=True), actor=member)
    later = EventFactory(title="Joined later", date="2016", published=True)
    before = moment()
    ParticipationFactory(event=later, actor=member)
    then = Client().get("/factions/circle/", {"known": before}).content.decode()
    assert "Known then" in then and "Joined later" not in then
    assert "Joined later" in Client().get("/factions/circle/").content.decode()
