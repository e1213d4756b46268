"""The HTML pages answer, show published events only, and escape what curators typed."""

import html
import re

import pytest

from tests.factories import (
    ActorFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    MembershipFactory,
    OfficeFactory,
    ParticipationFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db


def test_timeline_and_admin_answer(client):
    assert client.get("/").status_code == 200
    assert client.get("/admin/", follow=True).status_code == 200


def test_draft_event_is_hidden_from_anonymous(client):
    EventFactory(title="Published one", slug="published-one", published=True)
    EventFactory(title="Secret draft", slug="secret-draft")
    page = client.get("/").content.decode()
    assert "Published one" in page
    assert "Secret draft" not in page
    assert client.get("/events/secret-draft/").status_code == 404


def test_unknown_slugs_are_404(client):
    for url in ("/events/nope/", "/actors/nope/", "/factions/nope/"):
        assert client.get(url).status_code == 404


def test_curator_text_is_escaped(client):
    actor = ActorFactory(name="<script>alert(1)</script>")
    participation = ParticipationFactory(actor=actor, event__summary="<img src=x onerror=alert(2)>")
    page = client.get(participation.event.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert client.get(actor.get_absolute_url()).status_code == 200


def every_page(tenure, membership, event):
    """The address of every kind of page, for one tenure, membership and event."""
    return [
        "/",
        "/actors/",
        "/actors/?q=Actor",
        "/factions/",
        "/offices/",
        tenure.actor.get_absolute_url(),
        membership.faction.get_absolute_url(),
        f"/offices/{tenure.office.slug}/",
        event.get_absolute_url(),
        "/as-of/2017-09-15/",
        "/as-of/2017-09-15/?compare=2015-06-01",
    ]


def test_every_page_answers(client):
    tenure = TenureFactory(start_date="2016-09", end_date="2019-02-21")
    for url in every_page(tenure, MembershipFactory(), EventFactory(published=True)):
        assert client.get(url).status_code == 200, url


def test_unknown_slugs_are_404_on_the_board_too(client):
    for url in ("/offices/nope/", "/as-of/2017-09-15/offices/nope/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("/as-of/2017-13-45/", "date", "2017-13-45"),
        ("/as-of/2017-02-30/", "date", "2017-02-30"),
        ("/as-of/0000-01-01/", "date", "0000-01-01"),
        ("/as-of/2017-13-01/offices/president/", "date", "2017-13-01"),
        ("/as-of/2017-09-15/offices/president/?not_on=2017-02-31", "compare", "2017-02-31"),
    ],
)
def test_a_date_no_calendar_has_gets_the_boards_form_with_the_reason(client, url, field, value):
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in page and f'value="{value}"' in page
    assert f'id="e-{field}">Not a day on the calendar: give it as YYYY-MM-DD' in page


def test_a_reversed_window_is_told_in_the_words_of_the_labels(client):
    response = client.get("/?date_after=2018&date_before=2015")
    page = response.content.decode()
    assert response.status_code == 400
    assert "“To date” (2015) is earlier than “From date” (2018)" in page
    assert "date_before (" not in page
    # The API keeps the names its clients send.
    api = client.get("/api/v1/events/?date_after=2018&date_before=2015")
    assert api.status_code == 400 and "date_before (2015)" in api.content.decode()


def test_dates_read_as_precisely_as_they_are_known(client):
    for date in ("2017-08", "2016-09~", "../2017-08", "2017-08-15", "2017", "2017-06/2017-08"):
        EventFactory(date=date, published=True)
    page = client.get("/").content.decode()
    for shown in ("Aug 2017", "c. Sep 2016", "by Aug 2017", "15 Aug 2017", ">2017<", "Jun-Aug 2017"):
        assert shown in page, shown


def test_an_open_start_is_placed_by_its_known_end(client):
    EventFactory(title="Known in Aug 2017", date="2017-08", published=True)
    EventFactory(title="Happened by Sep 2017", date="../2017-09", published=True)
    EventFactory(title="Known in Oct 2017", date="2017-10", published=True)
    EventFactory(title="In 2015", date="2015-03", published=True)
    page = client.get("/?ordering=date").content.decode()
    page = page.split("</figure>")[1]  # the list, below the axis
    order = [
        page.index(title) for title in ("In 2015", "Known in Aug 2017", "Happened by Sep 2017", "Known in Oct 2017")
    ]
    assert order == sorted(order)
    # The month headings follow: the open start sits under September 2017.
    assert page.index("Sep 2017</h3>") < page.index("Happened by Sep 2017") < page.index("Oct 2017</h3>")


def test_the_filter_narrows_the_list_and_the_axis(client):
    arrest = ParticipationFactory(event__title="Arrest of A", event__type__slug="arrest", actor__slug="person-a")
    ParticipationFactory(event__title="Trial of B", event__type__slug="trial", event__date="2019-05")
    page = client.get("/?actor=person-a").content.decode()
    assert "Arrest of A" in page and "Trial of B" not in page
    assert f'href="{arrest.event.get_absolute_url()}" class="mark' in page
    assert '<span class="lane-name">Arrest <' in page and '<span class="lane-name">Trial <' not in page
    # Unknown slugs are a form error naming them (issue #12), not an empty list.
    unknown = client.get("/?actor=nobody&type=zzz")
    assert unknown.status_code == 400
    assert "nobody" in unknown.content.decode() and "zzz" in unknown.content.decode()
    empty = client.get("/?actor=person-a&type=trial")
    assert empty.status_code == 200
    assert "No events match this filter" in empty.content.decode()


def test_a_name_typed_in_any_script_resolves_to_actor_slugs_in_the_address(client):
    actor = ActorFactory(name="Karim Massimov", slug="karim-massimov")
    AliasFactory(actor=actor, name="Карим Масимов", lang="ru")
    response = client.get("/", {"who": "Масимов", "type": "arrest"})
    assert response.status_code == 302
    assert response["Location"] == "/?type=arrest&actor=karim-massimov"
    missing = client.get("/", {"who": "Nobody Atall"})
    assert missing.status_code == 400
    assert "No one on record is called" in missing.content.decode()


def test_an_htmx_filter_swaps_the_results_and_pushes_the_resolved_address(client):
    ActorFactory(name="Karim Massimov", slug="karim-massimov")
    response = client.get("/", {"who": "Masimov"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/?actor=karim-massimov&ordering=-date"
    assert "<html" not in response.content.decode()


def test_a_bad_date_after_is_a_form_error_next_to_its_input(client):
    response = client.get("/?date_after=2017-13")
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="f-after" name="date_after" value="2017-13"' in page
    assert 'aria-invalid="true" aria-describedby="e-after"' in page
    assert 'id="e-after">“2017-13” is not a date' in page


def test_the_timeline_pages_fifty_at_a_time_by_keyset(client):
    for day in range(1, 29):
        for month in (1, 2, 3):
            EventFactory(title=f"Day {month}-{day}", date=f"2017-{month:02d}-{day:02d}", published=True)
    first = client.get("/?ordering=date")
    page = first.content.decode()
    assert page.count('class="event"') == 50
    next_link = re.search(r'rel="next" href="\?([^"]+)"', page).group(1)
    second = client.get("/?" + html.unescape(next_link)).content.decode()
    assert second.count('class="event"') == 34
    assert "Day 1-1<" in page and "Day 1-1<" not in second
    assert 'rel="next"' not in second
    assert client.get("/?cursor=broken").status_code == 400


def test_drafts_are_marked_for_staff_and_absent_for_anonymous(client, curator):
    EventFactory(title="Secret draft", slug="secret-draft", type__slug="trial")
    for url in ("/", "/events/secret-draft/"):
        assert "Secret draft" not in client.get(url).content.decode()
    client.force_login(curator)
    for url in ("/", "/events/secret-draft/"):
        page = client.get(url).content.decode()
        assert "Secret draft" in page
        assert "is-draft" in page and ">DRAFT<" in page
    assert "mark-draft" in client.get("/").content.decode()


def test_a_draft_cause_is_not_named_to_anonymous_readers(client, curator):
    cause = EventFactory(title="Unpublished dismissal")
    tenure = TenureFactory(start_date="2016", end_date="2018", ended_by=cause)
    office_page = f"/offices/{tenure.office.slug}/"
    assert "Unpublished dismissal" not in client.get(office_page).content.decode()
    assert "Unpublished dismissal" not in client.get(tenure.actor.get_absolute_url()).content.decode()
    client.force_login(curator)
    assert "Unpublished dismissal" in client.get(office_page).content.decode()


def test_the_board_marks_uncertain_lines_and_names_who_replaced_whom(client):
    office = OfficeFactory(name="Prime Minister", slug="pm")
    old = TenureFactory(office=office, actor__name="Old Premier", start_date="", end_date="2016-08/2016-12")
    appointment = EventFactory(title="New Premier appointed", date="2016-09", published=True)
    TenureFactory(
        office=office,
        actor__name="New Premier",
        start_date="2016-08/2016-12",
        end_date="2019-02-21",
        predecessor=old.actor,
        started_by=appointment,
    )
    page = client.get("/as-of/2017-09-15/").content.decode()
    assert "New Premier" in page and "Old Premier" not in page
    assert "possibly" not in page.split("Offices</h2>")[1].split("Factions</h2>")[0]
    earlier = client.get("/as-of/2015-06-01/").content.decode()
    assert 'class="possibly"' in earlier and "start unknown" in earlier
    compared = client.get("/as-of/2017-09-15/?compare=2015-06-01").content.decode()
    changes = compared.split("What changed")[1].split('class="two-cols"')[0]
    assert re.search(r"New Premier</a>\s*replaced\s*<a[^>]*>Old Premier", changes)
    assert appointment.get_absolute_url() in changes
    assert client.get("/as-of/2017-09-15/?compare=2015-99-01").status_code == 400


def test_the_actor_index_finds_a_name_in_any_script(client):
    actor = ActorFactory(name="Nursultan Nazarbayev")
    AliasFactory(actor=actor, name="Нурсултан Назарбаев", lang="ru")
    ActorFactory(name="Someone Else")
    page = client.get("/actors/?q=Назарбаев").content.decode()
    assert "Nursultan Nazarbayev" in page and "Someone Else" not in page


def test_curator_text_is_escaped_on_every_page(client):
    evil = "<script>alert(1)</script>"
    tenure = TenureFactory(actor__name=evil, office__name=evil)
    membership = MembershipFactory(actor=tenure.actor, faction__name=evil)
    citation = CitationFactory(event__title=evil, event__summary=evil, quote=evil, source__title=evil)
    for url in every_page(tenure, membership, citation.event):
        page = client.get(url).content.decode()
        assert evil not in page, url
