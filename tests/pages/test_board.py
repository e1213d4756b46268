"""The board on a date names the first few people of each office and faction, and pages the rest."""

import re

import pytest

from pages.views import board
from tests.factories import (
    CitationFactory,
    EventFactory,
    FactionFactory,
    MembershipFactory,
    OfficeFactory,
    SourceFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db


def names(page):
    """The people a page links to, in order."""
    return re.findall(r'href="/actors/[^/"]+/">([^<]+)</a>', page)


def members(faction, count, **dates):
    return [
        MembershipFactory(faction=faction, actor__name=f"Member {n:02}", start_date=f"20{n + 10:02}", **dates)
        for n in range(count)
    ]


def test_the_board_names_the_first_five_of_a_faction_and_links_to_the_rest(client):
    faction = FactionFactory(name="Inner circle", slug="inner")
    members(faction, 7)

    page = client.get("/as-of/2018-01-01/").content.decode()

    assert names(page) == [f"Member {n:02}" for n in range(5)]
    assert '<a href="/as-of/2018-01-01/factions/inner/">and 2 more</a>' in page
    everyone = client.get("/as-of/2018-01-01/factions/inner/").content.decode()
    assert names(everyone) == [f"Member {n:02}" for n in range(7)]
    assert "and 2 more" not in everyone


def test_a_groups_page_on_a_date_is_paged_in_start_order(client, monkeypatch):
    monkeypatch.setattr(board, "PAGE", 3)
    faction = FactionFactory(slug="inner")
    members(faction, 7)
    MembershipFactory(faction=faction, actor__name="Gone Before", start_date="2005", end_date="2009")

    seen, url = [], "/as-of/2018-01-01/factions/inner/"
    while url:
        page = client.get(url).content.decode()
        seen += names(page)
        found = re.search(r'<a rel="next" href="([^"]+)"', page)
        url = "/as-of/2018-01-01/factions/inner/" + found.group(1).replace("&amp;", "&") if found else ""

    assert seen == [f"Member {n:02}" for n in range(7)]


def test_the_board_pages_its_factions_by_name(client, monkeypatch):
    monkeypatch.setattr(board, "GROUPS", 2)
    for name in ("Charlie", "Alpha", "Bravo"):
        MembershipFactory(faction__name=name, actor__name=f"{name} member")

    first = client.get("/as-of/2018-01-01/").content.decode()
    assert names(first) == ["Alpha member", "Bravo member"]
    following = re.search(r'<a rel="next" href="([^"]+)">More factions', first).group(1).replace("&amp;", "&")
    assert names(client.get("/as-of/2018-01-01/" + following).content.decode()) == ["Charlie member"]


def test_the_comparison_names_the_first_five_who_came_and_links_to_all_with_their_causes(client):
    faction = FactionFactory(name="Inner circle", slug="inner")
    appointment = EventFactory(title="The purge", date="2016-05", published=True)
    members(faction, 7, started_by=appointment)
    MembershipFactory(faction=faction, actor__name="Old Guard", start_date="2001", end_date="2012")

    page = client.get("/as-of/2018-01-01/?compare=2009-01-01").content.decode()
    changes = page.split("What changed")[1].split('class="two-cols"')[0]

    assert names(changes) == [*(f"Member {n:02}" for n in range(5)), "Old Guard"]
    assert changes.count(appointment.get_absolute_url()) == 5
    assert re.search(r"and 2 more</a>\s*replaced\s*<a[^>]*>Old Guard", changes)
    came = client.get("/as-of/2018-01-01/factions/inner/?not_on=2009-01-01").content.decode()
    assert names(came) == [f"Member {n:02}" for n in range(7)]
    assert came.count(appointment.get_absolute_url()) == 7
    went = client.get("/as-of/2009-01-01/factions/inner/?not_on=2018-01-01").content.decode()
    assert names(went) == ["Old Guard"]


@pytest.mark.parametrize(
    "path",
    [
        "/as-of/2018-01-01/factions/nobody/",
        "/as-of/2018-01-01/factions/inner/?after=yesterday",
        "/as-of/2018-01-01/factions/inner/?after=2018-01-01_x",
    ],
)
def test_a_groups_page_refuses_what_it_cannot_read(client, path):
    FactionFactory(slug="inner")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path", ["/as-of/2018-02-30/factions/inner/", "/as-of/2018-01-01/factions/inner/?not_on=2018-99-01"]
)
def test_a_groups_page_with_a_bad_date_says_so_in_the_boards_form(client, path):
    FactionFactory(slug="inner")
    response = client.get(path)
    assert response.status_code == 400
    assert "Not a day on the calendar" in response.content.decode()


def test_an_unknown_page_of_groups_is_empty_not_an_error(client):
    OfficeFactory(slug="pm")
    TenureFactory(office__slug="pm2")
    response = client.get("/as-of/2018-01-01/?offices_after=nope&factions_after=")
    assert response.status_code == 200


def test_an_open_span_is_plain_up_to_its_last_report_and_muted_after_it(client):
    office = OfficeFactory(name="Chairman of the KNB", slug="knb", seats=1)
    sitting = TenureFactory(office=office, actor__name="Sitting Chairman", start_date="2022-01-06")
    CitationFactory(event=None, tenure=sitting, source=SourceFactory(published_date="2024-05-02"))

    confirmed = client.get("/as-of/2024-01-01/").content.decode().split("Offices</h2>")[1]
    after = client.get("/as-of/2025-06-01/").content.decode().split("Offices</h2>")[1]

    assert "Sitting Chairman" in confirmed and "possibly" not in confirmed and "last confirmed" not in confirmed
    assert 'class="unconfirmed"' in after and "last confirmed 2 May 2024" in after
    assert "possibly" not in after


def test_last_confirmed_is_said_as_precisely_as_the_source_dates_itself(client):
    office = OfficeFactory(name="Chairman of the KNB", slug="knb", seats=1)
    sitting = TenureFactory(office=office, actor__name="Sitting Chairman", start_date="2022-01-06")
    CitationFactory(event=None, tenure=sitting, source=SourceFactory(published_date="2024-05"))
    CitationFactory(event=None, tenure=sitting, source=SourceFactory(published_date="2023-06-01"))

    board = client.get("/as-of/2025-06-01/").content.decode()
    office_page = client.get("/offices/knb/").content.decode()

    assert "last confirmed May 2024" in board and "1 May 2024" not in board
    assert "confirmed May 2024" in office_page and "1 May 2024" not in office_page
    # The API's last_confirmed stays a date: the first day of the latest report's.
    api = client.get("/api/v1/tenures/").json()["results"]
    assert [row["last_confirmed"] for row in api] == ["2024-05-01"]
