"""The network on the article's record, in a real headless Chromium at 375 and 1400 px.

Massimov chairs the KNB and Sagintayev is prime minister in September 2017; by February 2022
Massimov's KNB edge is gone, and compared with 2017 the page says so. Everyone stays where the
whole record's layout put them, on screen too, whatever the date. Names are readable (at least
11 px as rendered, the SVG's scale included) and nothing scrolls sideways.
"""

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIN_LABEL_PX = 11
KNB = "office/chairman-of-the-knb"
MASSIMOV = "actor/karim-massimov"
PAGES = ["/network/2017-09-15/", "/network/2022-02-01/?compare=2017-09-15", "/actors/karim-massimov/"]

# The rendered size of every name the visible picture writes, and the page's width.
MEASURE = """() => {
  const sizes = [];
  for (const el of document.querySelectorAll("figure.network-figure svg.network text")) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || !el.textContent.trim()) continue;
    const ctm = el.getScreenCTM();
    sizes.push({text: el.textContent.trim(), px: parseFloat(getComputedStyle(el).fontSize) * Math.hypot(ctm.a, ctm.b)});
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, sizes};
}"""


@pytest.fixture
def record():
    """The founding article's record and the news since, as `make run` loads them."""
    call_command(
        "loaddata", *sorted(str(path) for path in (settings.BASE_DIR / "fixtures").glob("*.json")), verbosity=0
    )


def edge(page, source, target, picture="wide"):
    return page.locator(f'svg.network-{picture} line[data-from="{source}"][data-to="{target}"]')


def node(page, slug, picture="wide"):
    return page.locator(f'svg.network-{picture} a[data-node="{slug}"]').first


def test_the_network_in_2017_and_2022(record, live_server, page, tmp_path):
    """One test, so that the record is loaded once (the slowest part of it)."""
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(live_server.url + "/network/2017-09-15/")
    expect(edge(page, MASSIMOV, KNB)).to_have_count(1)
    expect(edge(page, "actor/bakytzhan-sagintayev", "office/prime-minister-of-kazakhstan")).to_have_count(1)
    expect(node(page, MASSIMOV)).to_be_visible()
    in_2017 = node(page, MASSIMOV).locator("circle").bounding_box()
    place_2017 = node(page, MASSIMOV).get_attribute("data-x"), node(page, MASSIMOV).get_attribute("data-y")

    page.goto(live_server.url + "/network/2022-02-01/?compare=2017-09-15")
    knb = edge(page, MASSIMOV, KNB)
    expect(knb).to_have_count(1)
    expect(knb).to_have_class("edge tenure gone")  # drawn only as what 2017 had
    changes = page.locator("ul.network-changes li", has_text="Karim Massimov left office as")
    expect(changes).to_contain_text("Chairman of the National Security Committee (KNB)")
    expect(changes).to_contain_text("2022")
    # The same place in the layout, and the same place on the screen: the whole web's frame
    # does not depend on the date.
    assert (node(page, MASSIMOV).get_attribute("data-x"), node(page, MASSIMOV).get_attribute("data-y")) == place_2017
    in_2022 = node(page, MASSIMOV).locator("circle").bounding_box()
    assert abs(in_2022["x"] - in_2017["x"]) < 1 and abs(in_2022["y"] - in_2017["y"]) < 1

    page.goto(live_server.url + "/network/2022-02-01/")
    expect(edge(page, MASSIMOV, KNB)).to_have_count(0)

    for width in (375, 1400):
        names_are_readable_and_nothing_scrolls_sideways(live_server, page, width, tmp_path)


def names_are_readable_and_nothing_scrolls_sideways(live_server, page, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    picture = "narrow" if width < 960 else "wide"
    for path in PAGES:
        page.goto(live_server.url + path)
        page.screenshot(path=tmp_path / f"network-{len(path)}.{width}.png", full_page=True)
        measured = page.evaluate(MEASURE)

        assert measured["scrollWidth"] <= measured["innerWidth"], f"{path} scrolls sideways at {width} px"
        assert measured["sizes"], f"{path} at {width} px writes no name"
        small = [size for size in measured["sizes"] if size["px"] < MIN_LABEL_PX]
        assert not small, f"{path} at {width} px: names under {MIN_LABEL_PX} px: {small}"
        expect(page.locator(f"svg.network-{picture}").first).to_be_visible()
        other = "wide" if picture == "narrow" else "narrow"
        expect(page.locator(f"svg.network-{other}").first).to_be_hidden()
    # On a phone the picture is one person's neighbourhood; Massimov's own on his page.
    if picture == "narrow":
        page.goto(live_server.url + "/actors/karim-massimov/?network_on=2017-09-15")
        expect(edge(page, MASSIMOV, KNB, picture)).to_have_count(1)
        expect(node(page, KNB, picture).locator("text")).to_be_visible()
