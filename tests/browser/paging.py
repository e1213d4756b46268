"""Finding things on the board across its pages ("More ... →" links) in a browser test."""

import re


def follow(link):
    """Click `link` and wait until the page it leads to has loaded, so that nothing is looked for on the old one."""
    page = link.page
    before = page.url
    link.click()
    page.wait_for_url(lambda url: url != before)


def board_heading(within, name):
    """The board's heading of the office or faction `name`, in `within` (a page or a section)."""
    return within.locator("h3", has_text=re.compile(rf"^{re.escape(name)}$"))
