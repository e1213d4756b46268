"""Each list filter, repeated values OR'ed, and bad values refused with a field-by-field 400."""

import base64
import json

import pytest
from django.http import QueryDict

from events.filters import EventFilterSet
from events.models import Event
from tests.api.clients import anonymous_client
from tests.factories import (
    ActorFactory,
    AliasFactory,
    EventFactory,
    EventTypeFactory,
    FactionFactory,
    MembershipFactory,
    OrganizationFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db


def slugs(path):
    response = anonymous_client().get(path)
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_month_event_is_found_by_a_window_of_days_inside_it():
    EventFactory(slug="august-2017", date="2017-08", published=True)
    EventFactory(slug="july-2017", date="2017-07-31", published=True)
    EventFactory(slug="september-2017", date="2017-09-01", published=True)

    assert slugs("/api/v1/events/?date_after=2017-08-01&date_before=2017-08-31") == ["august-2017"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date_after=2017-08", ["august-2017", "year-2018", "span"]),
        ("date_before=2017-08", ["year-2016", "august-2017", "span"]),
        ("date_after=2017&date_before=2017", ["august-2017", "span"]),
        ("date_after=2017-08-15&date_before=2017-08-15", ["august-2017", "span"]),
        ("date_after=2018-02-01", ["year-2018", "span"]),
    ],
)
def test_date_filters_match_events_whose_range_overlaps_the_window(query, expected):
    EventFactory(slug="year-2016", date="2016", published=True)
    EventFactory(slug="august-2017", date="2017-08", published=True)
    EventFactory(slug="year-2018", date="2018", published=True)
    EventFactory(slug="span", date="2017-06/2018-03", published=True)

    assert sorted(slugs(f"/api/v1/events/?{query}")) == sorted(expected)


def test_type_filter_repeated_ors_its_values():
    EventFactory(slug="an-arrest", type=EventTypeFactory(slug="arrest"), published=True)
    EventFactory(slug="a-trial", type=EventTypeFactory(slug="trial"), published=True)
    EventFactory(slug="a-decree", type=EventTypeFactory(slug="decree"), published=True)

    assert slugs("/api/v1/events/?type=arrest") == ["an-arrest"]
    assert sorted(slugs("/api/v1/events/?type=arrest&type=trial")) == ["a-trial", "an-arrest"]
    response = anonymous_client().get("/api/v1/events/?type=arrest&type=unknown-type")
    assert response.status_code == 400
    assert "unknown-type" in response.json()["type"][0]


def test_actor_filter_repeated_ors_its_values_without_duplicates():
    masimov, nazarbayev = ActorFactory(slug="masimov"), ActorFactory(slug="nazarbayev")
    both = EventFactory(slug="both", published=True)
    ParticipationFactory(event=both, actor=masimov)
    ParticipationFactory(event=both, actor=nazarbayev)
    ParticipationFactory(event=EventFactory(slug="masimov-only", published=True), actor=masimov)
    ParticipationFactory(event=EventFactory(slug="nobody-we-ask", published=True))

    assert sorted(slugs("/api/v1/events/?actor=masimov")) == ["both", "masimov-only"]
    assert sorted(slugs("/api/v1/events/?actor=masimov&actor=nazarbayev")) == ["both", "masimov-only"]


def test_faction_filter_finds_events_of_members_while_they_were_members():
    member = ActorFactory(slug="member")
    MembershipFactory(actor=member, faction=FactionFactory(slug="old-guard"), start_date="2016", end_date="2019")
    ParticipationFactory(event=EventFactory(slug="before-joining", date="2014", published=True), actor=member)
    ParticipationFactory(event=EventFactory(slug="while-member", date="2017-08", published=True), actor=member)
    ParticipationFactory(event=EventFactory(slug="undated-end", date="2018/", published=True), actor=member)
    ParticipationFactory(event=EventFactory(slug="outsider-event", date="2017", published=True))

    assert sorted(slugs("/api/v1/events/?faction=old-guard")) == ["undated-end", "while-member"]


def test_faction_filter_repeated_ors_its_values():
    first, second = ActorFactory(slug="a"), ActorFactory(slug="b")
    MembershipFactory(actor=first, faction=FactionFactory(slug="one"))
    MembershipFactory(actor=second, faction=FactionFactory(slug="two"))
    ParticipationFactory(event=EventFactory(slug="of-a", published=True), actor=first)
    ParticipationFactory(event=EventFactory(slug="of-b", published=True), actor=second)

    assert slugs("/api/v1/events/?faction=one") == ["of-a"]
    assert sorted(slugs("/api/v1/events/?faction=one&faction=two")) == ["of-a", "of-b"]


def test_text_search_covers_title_summary_and_participant_names_in_any_spelling():
    nazarbayev = ActorFactory(slug="nazarbayev", name="Nursultan Nazarbayev")
    AliasFactory(actor=nazarbayev, name="Назарбаев", lang="ru")
    ParticipationFactory(
        event=EventFactory(slug="resignation", title="President resigns", published=True), actor=nazarbayev
    )
    EventFactory(slug="by-title", title="Masimov arrested", published=True)
    EventFactory(slug="by-summary", title="A decree", summary="Signed in Akorda.", published=True)

    assert slugs("/api/v1/events/?q=Nazarbaev") == ["resignation"]
    assert slugs("/api/v1/events/?q=Назарбаев") == ["resignation"]
    assert slugs("/api/v1/events/?q=masimov") == ["by-title"]
    assert slugs("/api/v1/events/?q=akorda") == ["by-summary"]
    assert slugs("/api/v1/events/?q=nazarbayev resigns") == ["resignation"]


def test_ordering_newest_first():
    EventFactory(slug="old", date="2001", published=True)
    EventFactory(slug="new", date="2020", published=True)

    assert slugs("/api/v1/events/?ordering=-date") == ["new", "old"]
    assert slugs("/api/v1/events/?ordering=date") == ["old", "new"]


def test_actor_filters_by_name_in_any_script_kind_and_faction():
    masimov = ActorFactory(slug="masimov", name="Karim Massimov")
    AliasFactory(actor=masimov, name="Кәрім Мәсімов", lang="kk-Cyrl")
    OrganizationFactory(slug="knb", name="National Security Committee")
    MembershipFactory(actor=masimov, faction=FactionFactory(slug="old-guard"))
    ActorFactory(slug="other", name="Someone Else")

    assert slugs("/api/v1/actors/?q=Masimov") == ["masimov"]
    assert slugs("/api/v1/actors/?q=Мәсімов") == ["masimov"]
    assert slugs("/api/v1/actors/?kind=organization") == ["knb"]
    assert slugs("/api/v1/actors/?faction=old-guard") == ["masimov"]
    assert anonymous_client().get("/api/v1/actors/?faction=old-guard&faction=nobody").status_code == 400


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/events/?date_after=2017-13", "date_after"),
        ("/api/v1/events/?date_before=17-08-01", "date_before"),
        ("/api/v1/events/?date_after=0000", "date_after"),
        ("/api/v1/events/?updated_since=yesterday", "updated_since"),
        ("/api/v1/events/?updated_since=0001-01-01T00:00:00%2B05:00", "updated_since"),
        ("/api/v1/events/?updated_since=9999-12-31T23:59:59-05:00", "updated_since"),
        ("/api/v1/events/?type=not a slug", "type"),
        ("/api/v1/events/?actor=%00", "actor"),
        ("/api/v1/events/?q=%00", "q"),
        ("/api/v1/events/?ordering=title", "ordering"),
        ("/api/v1/events/?page_size=0", "page_size"),
        ("/api/v1/events/?page_size=201", "page_size"),
        ("/api/v1/events/?page_size=99999999999999999999999", "page_size"),
        ("/api/v1/events/?cursor=garbage", "cursor"),
        ("/api/v1/events/?cursor=WzEsMiwzXQ==", "cursor"),
        ("/api/v1/actors/?kind=robot", "kind"),
        ("/api/v1/factions/?at=2017-02-30", "at"),
        ("/api/v1/tombstones/?since=soon", "since"),
    ],
)
def test_bad_filter_values_get_a_400_naming_the_field(path, field):
    response = anonymous_client().get(path)

    assert response.status_code == 400
    assert field in response.json()


def test_cursor_with_an_id_beyond_64_bits_is_a_400_not_a_crash():
    cursor = base64.urlsafe_b64encode(json.dumps(["2017-08-01", "2017-08-31", 2**70]).encode()).decode()

    response = anonymous_client().get(f"/api/v1/events/?cursor={cursor}")

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_event_filterset_works_on_a_plain_queryset_and_querydict():
    EventFactory(slug="arrest-2017", date="2017-08", type=EventTypeFactory(slug="arrest"), published=True)
    EventFactory(slug="decree-2017", date="2017-08", type=EventTypeFactory(slug="decree"), published=True)

    filterset = EventFilterSet(QueryDict("type=arrest&date_after=2017"), queryset=Event.objects.all())

    assert filterset.is_valid()
    assert [event.slug for event in filterset.qs] == ["arrest-2017"]
    assert not EventFilterSet(QueryDict("date_after=2017-99"), queryset=Event.objects.all()).is_valid()


def test_updated_since_with_an_offset_postgresql_refuses_is_read_in_utc():
    EventFactory(slug="e", published=True)

    assert slugs("/api/v1/events/?updated_since=2000-07-10T05:51:54%2B19:01") == ["e"]
