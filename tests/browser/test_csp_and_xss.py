"""In Chromium: the CSP holds on the docs and the admin (no violation reported), and an XSS
corpus typed into text fields never runs on any page, the feed or the admin."""

import pytest

from tests.factories import ActorFactory, CitationFactory, EventFactory, ParticipationFactory, SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORPUS = [
    "<script>alert('xss-1')</script>",
    "\"><img src=x onerror=alert('xss-2')>",
    "'><svg onload=alert('xss-3')>",
    "<svg><script>alert('xss-4')</script></svg>",
    "javascript:alert('xss-5')",
    "<a href=\"javascript:alert('xss-6')\">click</a>",
]


def watch(page):
    dialogs, violations = [], []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return dialogs, violations


def test_docs_and_admin_load_without_csp_violations(live_server, page, admin_user):
    dialogs, violations = watch(page)
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20000)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    page.goto(live_server.url + "/admin/events/event/")
    page.goto(live_server.url + "/admin/events/event/add/")
    assert violations == []
    assert dialogs == []


def test_the_xss_corpus_never_runs_and_never_appears_unescaped(live_server, page, client, admin_user):
    source = SourceFactory(title=CORPUS[0], publisher=CORPUS[1], url="https://example.org/a")
    for number, payload in enumerate(CORPUS):
        event = EventFactory(slug=f"xss-{number}", title=payload, summary=payload, location=payload)
        actor = ActorFactory(slug=f"actor-xss-{number}", name=payload, summary=payload)
        ParticipationFactory(event=event, actor=actor, note=payload)
        CitationFactory(event=event, source=source, quote=payload)
    dialogs, _ = watch(page)
    urls = ["/", "/feeds/events/", "/events/xss-0/", "/events/xss-2/", "/actors/actor-xss-1/", "/actors/actor-xss-3/"]
    client.force_login(admin_user)
    for url in [*urls, "/admin/events/event/", "/admin/actors/actor/"]:
        body = client.get(url).content.decode()
        for payload in CORPUS[:4]:
            assert payload not in body, (url, payload)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", admin_user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")
    for url in [*urls, "/admin/events/event/", "/admin/events/source/"]:
        page.goto(live_server.url + url)
    for link in page.locator("a[href^='javascript:']").all():
        raise AssertionError(f"a javascript: link: {link.get_attribute('href')}")
    assert dialogs == []
