"""Following a page's "More ... →" links in a browser test."""


def follow(link):
    """Click `link` and wait until the page it leads to has loaded, so that nothing is looked for on the old one."""
    page = link.page
    before = page.url
    link.click()
    page.wait_for_url(lambda url: url != before)
