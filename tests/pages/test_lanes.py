"""The timeline's axis in lanes by type, faction or person (`?lanes=`): which camp is moving."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.test import Client

from events.models import Event
from pages.views.drawing import MAX_LANES, event_axis
from tests.factories import (
    ActorFactory,
    EventFactory,
    FactionFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipationFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def lanes_of(page):
    """The axis' lanes as (name, count) pairs, top to bottom."""
    return [
        (name.strip(), int(count))
        for name, count in re.findall(r'<span class="lane-name"[^>]*>([^<]*)<span class="lane-count">(\d+)', page)
    ]


@pytest.fixture
def camps():
    """Two factions; Ana is in the first from 2010 to 2015, Boris in the second from 2014 on."""
    first, second = FactionFactory(slug="first", name="First camp"), FactionFactory(slug="second", name="Second camp")
    ana, boris = ActorFactory(slug="ana", name="Ana Alpha"), ActorFactory(slug="boris", name="Boris Beta")
    MembershipFactory(actor=ana, faction=first, start_date="2010", end_date="2015")
    MembershipFactory(actor=boris, faction=second, start_date="2014")
    state = OrganizationFactory(slug="state", name="The State")
    events = {
        "ana-2012": EventFactory(title="Ana acts", date="2012-03", published=True),
        "ana-2018": EventFactory(title="Ana acts after leaving", date="2018-03", published=True),
        "both-2014": EventFactory(title="Ana meets Boris", date="2014-06", published=True),
        "state-2016": EventFactory(title="The State acts", date="2016-01", published=True),
    }
    ParticipationFactory(event=events["ana-2012"], actor=ana)
    ParticipationFactory(event=events["ana-2018"], actor=ana)
    ParticipationFactory(event=events["both-2014"], actor=ana)
    ParticipationFactory(event=events["both-2014"], actor=boris)
    ParticipationFactory(event=events["state-2016"], actor=state)
    return events


def test_lanes_by_faction_put_an_event_in_the_camp_of_each_member_who_took_part_then(camps):
    page = Client().get("/?lanes=faction").content.decode()
    # Ana left the first camp in 2015: her 2018 event is in no camp's lane, nor is the State's.
    assert lanes_of(page) == [("First camp", 2), ("Second camp", 1), ("No faction on record", 2)]
    assert "4</strong> dated events match" in page  # each event counted once, whatever its lanes
    assert "drawn in the lane of each" in page
    assert '<option value="faction" selected>' in page


def test_a_faction_lane_holds_the_very_events_the_faction_filter_finds(camps):
    client = Client()
    lanes = dict(lanes_of(client.get("/?lanes=faction").content.decode()))
    for slug, name in (("first", "First camp"), ("second", "Second camp")):
        found = client.get("/", {"faction": slug}).content.decode()
        assert f"<strong>{lanes[name]}</strong> dated event" in found


def test_lanes_by_person_name_the_people_and_leave_organisations_out(camps):
    page = Client().get("/?lanes=person").content.decode()
    assert lanes_of(page) == [("Ana Alpha", 3), ("Boris Beta", 1), ("No person on record", 1)]
    # The State, an organisation, took part in an event: it has no lane; its event is in none.


def test_the_lanes_switch_keeps_the_filter_and_is_in_the_shared_address(camps):
    client = Client()
    page = client.get("/", {"lanes": "faction", "date_after": "2013"}).content.decode()
    assert lanes_of(page) == [("First camp", 1), ("Second camp", 1), ("No faction on record", 2)]
    # Typing a name redirects to an address of slugs, which keeps the lanes.
    response = client.get("/", {"lanes": "person", "who": "Boris Beta"})
    assert parse_qs(urlsplit(response["Location"]).query) == {"lanes": ["person"], "actor": ["boris"]}


def test_an_unknown_lanes_value_is_a_form_error_in_the_readers_words(camps):
    response = Client().get("/?lanes=camp")
    assert response.status_code == 400
    assert "Lanes are by type, faction or person." in response.content.decode()


def _bucket(lane, month, count):
    day = datetime.date(2017, month, 1)
    return {
        "lane": lane,
        "year": 2017,
        "month": month,
        "shape": 0,
        "count": count,
        "first": day,
        "last": day,
        "drafts": 0,
    }


def test_a_mark_for_several_events_links_to_its_lanes_events_of_its_month():
    many = [{}] * 400  # more than an axis draws one by one: the marks stand for months
    names = {n: (f"camp-{n}", f"Camp {n:02d}") for n in range(25)}
    buckets = [_bucket(n, 1 + n % 12, 40 - n) for n in range(25)] + [_bucket(None, 5, 7)]
    query = QueryDict("q=oil&faction=camp-3&cursor=abc", mutable=True)
    axis = event_axis(buckets, many, names, by="faction", query=query, total=500)

    lanes = axis["lanes"]
    assert len(lanes) == MAX_LANES
    assert [lane["name"] for lane in lanes[-2:]] == ["Other factions", "No faction on record"]
    assert lanes[-2]["held"] == 25 - (MAX_LANES - 2) and lanes[-2]["first"] == ["Camp 08", "Camp 09", "Camp 10"]
    (mark,) = lanes[0]["marks"]
    assert mark["label"] == "40 events of Camp 00, Jan 2017"
    assert parse_qs(mark["href"][1:]) == {
        "q": ["oil"],
        "faction": ["camp-0"],
        "date_after": ["2017-01"],
        "date_before": ["2017-01"],
    }
    # The rare camps' lane narrows to all of them; the lane of events in none keeps the filter.
    other = parse_qs(lanes[-2]["marks"][0]["href"][1:])
    assert other["faction"] == [f"camp-{n}" for n in range(MAX_LANES - 2, 25)]
    assert parse_qs(lanes[-1]["marks"][0]["href"][1:])["faction"] == ["camp-3"]
    assert axis["total"] == 500 and axis["shows"]["shared"]


def test_lanes_by_person_count_an_event_once_per_person_however_many_parts_they_play(camps):
    event = Event.objects.get(title="Ana acts")
    ana = event.participations.get().actor
    ParticipationFactory(event=event, actor=ana, role__slug="witness")
    page = Client().get("/?lanes=person").content.decode()
    assert ("Ana Alpha", 3) in lanes_of(page)
