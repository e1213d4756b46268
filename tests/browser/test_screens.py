"""The analyst's pages on a phone (375 px) and a wide screen (1400 px), in a real headless Chromium.

Every time axis shows its whole range at once, its labels are readable (at least 11 px as
rendered, an SVG's scale included), and nothing makes the page scroll sideways. Each test
saves a screenshot of every page into its temporary folder.
"""

import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.paging import board_heading, follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [375, 1400]
PAGES = [
    "/",
    "/?actor=karim-massimov",
    "/?lanes=faction",
    "/?lanes=person&date_after=2015",
    "/actors/karim-massimov/",
    "/offices/prime-minister-of-kazakhstan/",
    "/factions/nazarbayev-clan/",
    "/as-of/2023-06-01/",
    "/network/2017-09-15/",
]
MIN_LABEL_PX = 11

# For each axis on the page: the rendered size of every visible label (SVG text scaled by its
# SVG's transform to the screen, HTML text at its computed size) and the horizontal extent of
# every mark (an event's dot or bar, a holder's or member's bar).
MEASURE = """() => {
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return getComputedStyle(el).display !== "none" && box.width > 0 && box.height > 0;
  };
  const sizes = [];
  for (const el of document.querySelectorAll("figure.axis text, figure.axis .lane-name, figure.axis figcaption li")) {
    if (!shown(el) || !el.textContent.trim()) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    const scale = el.getScreenCTM ? Math.hypot(el.getScreenCTM().a, el.getScreenCTM().b) : 1;
    sizes.push({text: el.textContent.trim().slice(0, 40), px: px * scale});
  }
  const marks = [];
  const drawn = "figure.axis .axis-rows a.mark circle, figure.axis .axis-rows a.mark rect, "
    + "figure.axis .axis-rows .span-bar .lane-plot rect";
  for (const el of document.querySelectorAll(drawn)) {
    const box = el.getBoundingClientRect();
    marks.push({left: box.left, right: box.right});
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    axes: document.querySelectorAll("figure.axis").length,
    sizes,
    marks,
  };
}"""


@pytest.fixture
def record():
    """The founding article's record and the news since, as `make run` loads them."""
    call_command(
        "loaddata", *sorted(str(path) for path in (settings.BASE_DIR / "fixtures").glob("*.json")), verbosity=0
    )


def test_the_pages_at_375_and_1400_px(record, live_server, page, tmp_path):
    """One test, so that the record is loaded once (the slowest part of it)."""
    for width in WIDTHS:
        every_axis_fits_the_screen_with_readable_labels(live_server, page, width, tmp_path)
    the_board_in_2023_is_sure_of_the_sitting_heads_and_dates_the_article_s_factions(live_server, page)


def every_axis_fits_the_screen_with_readable_labels(live_server, page, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    for path in PAGES:
        page.goto(live_server.url + path)
        measured = page.evaluate(MEASURE)
        name = re.sub(r"\W+", "-", path).strip("-") or "timeline"
        page.screenshot(path=tmp_path / f"{name}.{width}.png", full_page=True)

        assert measured["scrollWidth"] <= measured["innerWidth"], f"{path} scrolls sideways at {width} px"
        if path.startswith(("/as-of/", "/network/")):
            continue  # no time axis: the board draws none, tests/browser/test_network.py measures the network
        assert measured["axes"] == 1, path
        small = [size for size in measured["sizes"] if size["px"] < MIN_LABEL_PX]
        assert measured["sizes"] and not small, f"{path} at {width} px: labels under {MIN_LABEL_PX} px: {small}"
        marks = measured["marks"]
        assert marks, path
        # The whole range is on screen at once: the first and the last mark too.
        assert min(mark["left"] for mark in marks) >= 0, f"{path} at {width} px: a mark is off the left edge"
        assert max(mark["right"] for mark in marks) <= width, f"{path} at {width} px: a mark is off the right edge"
        if path == "/?actor=karim-massimov":
            # Each of the person's events has its own dot, and every one is on screen.
            total = int(page.locator(".summary-line strong").inner_text())
            assert page.locator("figure.axis a.mark circle").count() == total
        if path == "/":
            # The rare types' lane names what it holds; the legend lists them all.
            expect(page.locator("figure.axis .lane-name .lane-holds")).to_be_visible()
            expect(page.locator("figure.axis figcaption")).to_contain_text("Other types")


def _board_lines(page, heading, names):
    """The texts of the lines under each of the board's `heading` section's headings named in `names`, following
    "More ..." links."""
    found = {}
    while True:
        section = page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))
        for name in names:
            title = board_heading(section, name)
            if title.count():
                lines = title.locator("xpath=following-sibling::ul[1]/li[not(contains(@class, 'more'))]")
                found[name] = lines.all_inner_texts()
        more = section.get_by_role("link", name=f"More {heading.lower()} →")
        if len(found) == len(names) or not more.count():
            return found
        follow(more)


def the_board_in_2023_is_sure_of_the_sitting_heads_and_dates_the_article_s_factions(live_server, page):
    page.set_viewport_size({"width": 375, "height": 900})
    page.goto(live_server.url + "/as-of/2023-06-01/")
    heads = _board_lines(page, "Offices", ["President of Kazakhstan", "Prime Minister of Kazakhstan"])
    for office, holder in (("President of Kazakhstan", "Tokayev"), ("Prime Minister of Kazakhstan", "Smailov")):
        held = [line for line in heads[office] if holder in line]
        assert len(held) == 1 and "possibly" not in held[0], (office, heads[office])

    article = json.loads((settings.BASE_DIR / "fixtures" / "04_factions.json").read_text())
    names = [row["fields"]["name"] for row in article if row["model"] == "actors.faction"]
    page.goto(live_server.url + "/as-of/2023-06-01/")
    factions = _board_lines(page, "Factions", names)
    assert factions, "none of the article's factions is on the board"
    for name, lines in factions.items():
        assert lines, name
        for line in lines:
            assert re.search(r"last confirmed [^)]*2017", line), (name, line)
