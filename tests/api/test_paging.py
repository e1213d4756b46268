"""Cursor paging: every row exactly once, in a stable order, even while rows are added."""

import pytest

from tests.api.clients import anonymous_client
from tests.factories import ActorFactory, EventFactory, FactionFactory, OfficeFactory, SourceFactory

pytestmark = pytest.mark.django_db

DATES = ["2017-08", "2017-08", "2017-08-15", "2016", "2016-09~", "/2015", "2017-06/2017-08", "2019", "2017-08", "2017"]


def walk(client, url):
    """Every page from `url` on, as lists of slugs."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["slug"] for row in body["results"]])
        url = body["next"]
    return pages


def test_paging_with_page_size_two_visits_every_event_exactly_once_in_date_order():
    for number, date in enumerate(DATES):
        EventFactory(slug=f"e{number}", date=date, published=True)

    pages = walk(anonymous_client(), "/api/v1/events/?page_size=2")
    visited = [slug for page in pages for slug in page]

    assert all(len(page) == 2 for page in pages)
    assert sorted(visited) == sorted(f"e{number}" for number in range(len(DATES)))
    assert visited[0] == "e5"  # unknown start sorts first
    assert visited == [row["slug"] for row in anonymous_client().get("/api/v1/events/?page_size=200").json()["results"]]


@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_events_inserted_mid_walk_do_not_make_the_walk_skip_or_repeat(ordering):
    for number, date in enumerate(DATES):
        EventFactory(slug=f"e{number}", date=date, published=True)
    client = anonymous_client()
    url = f"/api/v1/events/?page_size=2&ordering={ordering}"
    visited = []
    inserted = 0
    while url:
        body = client.get(url).json()
        visited += [row["slug"] for row in body["results"]]
        url = body["next"]
        if inserted < 3:
            # Same dates as rows already seen and rows still ahead, plus a new earliest one.
            for date in ("2017-08", "2016", "/2014"):
                EventFactory(slug=f"new-{inserted}-{date.strip('/')}", date=date, published=True)
            inserted += 1

    originals = [slug for slug in visited if not slug.startswith("new-")]
    assert sorted(originals) == sorted(f"e{number}" for number in range(len(DATES)))
    assert len(visited) == len(set(visited))


def test_newest_first_paging_reverses_the_order():
    for number, date in enumerate(DATES):
        EventFactory(slug=f"e{number}", date=date, published=True)
    client = anonymous_client()

    oldest_first = [slug for page in walk(client, "/api/v1/events/?page_size=3") for slug in page]
    newest_first = [slug for page in walk(client, "/api/v1/events/?page_size=3&ordering=-date") for slug in page]

    assert newest_first == list(reversed(oldest_first))


@pytest.mark.parametrize(
    ("path", "factory", "field"),
    [
        ("/api/v1/actors/", ActorFactory, "name"),
        ("/api/v1/factions/", FactionFactory, "name"),
        ("/api/v1/offices/", OfficeFactory, "name"),
        ("/api/v1/sources/", SourceFactory, "title"),
    ],
)
def test_every_list_pages_by_cursor_through_ties(path, factory, field):
    rows = [factory(**{field: "Same name" if number % 2 else f"Name {number}"}) for number in range(7)]

    visited = [slug for page in walk(anonymous_client(), f"{path}?page_size=2") for slug in page]

    assert sorted(visited) == sorted(row.slug for row in rows)


def test_lists_answer_next_and_results_without_a_count():
    EventFactory(published=True)

    body = anonymous_client().get("/api/v1/events/").json()

    assert set(body) == {"next", "results"}
    assert body["next"] is None


@pytest.mark.parametrize("ordering", ["date", "-date"])
def test_rows_without_a_sort_date_come_last_once_each_in_both_directions(ordering):
    """Pages after a cursor read the dated rows as one range, then the undated ones."""
    from events.models import Event

    for number, date in enumerate(DATES):
        EventFactory(slug=f"e{number}", date=date, published=True)
    # No valid date leaves the sort date empty; older rows might, and paging must still reach them.
    Event.objects.filter(slug__in=["e1", "e7"]).update(sort_date=None)

    pages = walk(anonymous_client(), f"/api/v1/events/?page_size=3&ordering={ordering}")
    visited = [slug for page in pages for slug in page]

    assert sorted(visited) == sorted(f"e{number}" for number in range(len(DATES)))
    assert set(visited[-2:]) == {"e1", "e7"}
    everything = anonymous_client().get(f"/api/v1/events/?page_size=200&ordering={ordering}").json()["results"]
    assert visited == [row["slug"] for row in everything]


@pytest.mark.parametrize("size", ["²", "٣", "1_0", " 3", "0", "201", "-1"])
def test_a_page_size_that_is_not_plain_digits_from_1_to_200_is_a_400(size):
    response = anonymous_client().get("/api/v1/events/", {"page_size": size})

    assert response.status_code == 400
    assert "page_size" in response.json()
