"""The pages in a real headless Chromium: a reader goes from the timeline to an event and its people."""

import pytest
from playwright.sync_api import expect

from tests.factories import CitationFactory, EventFactory, ParticipationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_follows_an_event_from_the_timeline_to_an_actor(live_server, page):
    participation = ParticipationFactory(
        event__title="Dutbayev sentenced", event__date="2017-08", actor__name="Nartay Dutbayev"
    )
    CitationFactory(event=participation.event, quote="sentenced former KNB chief Nartay Dutbayev to eight years")
    EventFactory(title="A draft nobody may read")

    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="Dutbayev sentenced", exact=True)).to_be_visible()
    expect(page.locator("li.event time")).to_have_text("Aug 2017")
    expect(page.get_by_text("A draft nobody may read")).to_have_count(0)

    page.get_by_role("link", name="Dutbayev sentenced", exact=True).click()
    expect(page.get_by_role("heading", name="Dutbayev sentenced")).to_be_visible()
    expect(page.get_by_text("eight years")).to_be_visible()

    page.get_by_role("link", name="Nartay Dutbayev").click()
    expect(page.get_by_role("heading", name="Nartay Dutbayev")).to_be_visible()


def test_script_a_curator_typed_is_shown_as_text_and_never_run(live_server, page):
    EventFactory(title="<img src=x onerror=\"document.title='owned'\">", slug="xss", published=True)
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog) or dialog.dismiss())
    page.goto(live_server.url + "/events/xss/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("<img src=x")
    assert page.title() != "owned"
    assert dialogs == []
