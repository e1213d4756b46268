"""An analyst's walk through the record, in a real headless Chromium, on the project's own fixtures.

Each walk saves a screenshot into the test's temporary folder and fails on any console error.
"""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.paging import board_heading, follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def record():
    """The founding article's record and the news since, as `make run` loads them."""
    call_command(
        "loaddata", *sorted(str(path) for path in (settings.BASE_DIR / "fixtures").glob("*.json")), verbosity=0
    )


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_an_analysts_walk(record, live_server, page, console_errors, tmp_path):
    """One test, so that the record is loaded once (the slowest part of it)."""
    analyst_filters_by_a_cyrillic_name_and_dates_then_follows_links(live_server, page, console_errors, tmp_path)
    analyst_opens_the_board_and_compares_two_dates(live_server, page, console_errors, tmp_path)


def analyst_filters_by_a_cyrillic_name_and_dates_then_follows_links(live_server, page, console_errors, tmp_path):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(live_server.url + "/")
    events, marks = page.locator("li.event"), page.locator("svg a.mark")
    all_events, all_marks = events.count(), marks.count()
    assert all_events == 50 and all_marks > 20

    page.get_by_label("Person", exact=True).fill("Масимов")
    page.get_by_label("From date", exact=True).fill("2016")
    page.get_by_label("To date", exact=True).fill("2017")
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(re.compile(r"actor=karim-massimov"))
    assert "date_after=2016" in page.url and "date_before=2017" in page.url
    expect(page.get_by_role("list", name="Chosen people")).to_contain_text("Karim Massimov")
    expect(events.first).to_be_visible()
    assert 0 < events.count() < all_events
    assert 0 < marks.count() < all_marks
    expect(page.locator("h2.year").first).to_have_text(re.compile("2017|2016"))
    page.screenshot(path=tmp_path / "timeline-filtered.png", full_page=True)

    page.locator("li.event .participants").get_by_role("link", name="Karim Massimov").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Karim Massimov")
    expect(page.get_by_text("Карим Масимов", exact=True)).to_be_visible()
    page.screenshot(path=tmp_path / "actor.png", full_page=True)

    page.go_back()
    mark = page.locator('svg a.mark[href^="/events/"]').first
    href = mark.get_attribute("href")
    mark.locator("circle").click()  # the dot; a range's bar only shows its spread
    expect(page).to_have_url(live_server.url + href)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Sources")).to_be_visible()
    page.screenshot(path=tmp_path / "event.png", full_page=True)
    assert console_errors == []


def analyst_opens_the_board_and_compares_two_dates(live_server, page, console_errors, tmp_path):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(live_server.url + "/as-of/2017-09-15/")
    # The board lists offices by name, 30 to a page: the premiership is on a later one.
    turn_pages_until(page, lambda: board_heading(page, "Prime Minister of Kazakhstan"), "More offices →")
    offices = page.locator("section", has=page.get_by_role("heading", name="Offices", exact=True))
    prime_minister = board_heading(offices, "Prime Minister of Kazakhstan").locator("xpath=following-sibling::ul[1]")
    expect(prime_minister).to_contain_text("Bakytzhan Sagintayev")
    expect(prime_minister).not_to_contain_text("Karim Massimov")

    page.goto(live_server.url + "/as-of/2017-09-15/")
    page.get_by_label("Compare with (optional)").fill("2015-06-01")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/as-of/2017-09-15/\?compare=2015-06-01$"))
    changes = page.locator("section.changes")
    expect(changes).to_contain_text("What changed from 1 Jun 2015 to 15 Sep 2017")
    turn_pages_until(
        page,
        lambda: changes.locator("li", has_text=re.compile(r"^\s*Prime Minister of Kazakhstan")),
        "More changed offices →",
    )
    line = changes.locator("li", has_text=re.compile(r"^\s*Prime Minister of Kazakhstan")).first
    expect(line).to_contain_text(re.compile(r"Bakytzhan Sagintayev\s+replaced\s+Karim Massimov"))
    expect(line.get_by_role("link", name="Sagintayev replaces Massimov as Prime Minister")).to_be_visible()
    page.screenshot(path=tmp_path / "board-compared.png", full_page=True)

    page.get_by_role("link", name="See the board on the other date").click()
    expect(page).to_have_url(re.compile(r"/as-of/2015-06-01/"))
    turn_pages_until(page, lambda: board_heading(page, "Prime Minister of Kazakhstan"), "More offices →")
    pm_2015 = board_heading(page, "Prime Minister of Kazakhstan").locator("xpath=following-sibling::ul[1]")
    expect(pm_2015).to_contain_text("Karim Massimov")
    expect(pm_2015).not_to_contain_text("possibly")  # reports date his second premiership to the day
    page.screenshot(path=tmp_path / "board-2015.png", full_page=True)
    assert console_errors == []


def turn_pages_until(page, found, link_name):
    """Follow the `link_name` link until `found()` locates something, each next page loaded before it is looked at."""
    page.wait_for_load_state()
    while not found().count():
        follow(page.get_by_role("link", name=link_name))
