"""In Chromium: the CSP holds on the docs and the admin (no violation reported), and an XSS
corpus typed into text fields never runs on any page, the feed or the admin."""

import io
import json
import re
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from events.models import Event, Source
from events.services import event_update
from leads.models import Lead
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    EventTypeFactory,
    FeedFactory,
    ParticipantRoleFactory,
    ParticipationFactory,
    SourceFactory,
)

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


ATOM = "http://www.w3.org/2005/Atom"
DANGEROUS = [payload for payload in CORPUS if "<" in payload]
SCRIPT_LINKS = [
    "javascript:alert('xss-link')",
    " JaVaScRiPt:alert('xss-link')",
    "data:text/html,<script>alert(1)</script>",
]


def log_in(page, base_url, user):
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "password")
    page.click("input[type=submit]")


def assert_harmless(page, base_url, client, urls):
    """Each page, read raw, holds no payload unescaped and no script link; in Chromium, none runs."""
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        if response["Content-Type"].startswith("application/atom+xml"):
            # Feed readers render a type="html" element: its text, once unescaped, is the HTML.
            # Titles are plain text (no type), so a payload may stand there as the words it is.
            feed = ElementTree.fromstring(response.content)
            body = "".join(element.text or "" for element in feed.iter() if element.get("type") == "html")
            assert all(link.get("href").startswith("http") for link in feed.iter(f"{{{ATOM}}}link")), url
        for payload in DANGEROUS:
            assert payload not in body, (url, payload)
        assert not re.search(r"""(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):""", body, re.I), url
        page.goto(base_url + url)
        assert page.locator("a[href^='javascript:' i], a[href^='data:' i]").count() == 0, url


def test_docs_and_admin_load_without_csp_violations(live_server, page, admin_user):
    dialogs, violations = watch(page)
    page.goto(live_server.url + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=20000)
    log_in(page, live_server.url, admin_user)
    page.goto(live_server.url + "/admin/events/event/")
    page.goto(live_server.url + "/admin/events/event/add/")
    assert violations == []
    assert dialogs == []


def test_the_xss_corpus_never_runs_and_never_appears_unescaped(live_server, page, client, admin_user):
    source = SourceFactory(title=CORPUS[0], publisher=CORPUS[1], url="https://example.org/a")
    for number, payload in enumerate(CORPUS):
        event = EventFactory(slug=f"xss-{number}", title=payload, summary=payload, location=payload, status="published")
        actor = ActorFactory(slug=f"actor-xss-{number}", name=payload, summary=payload)
        ParticipationFactory(event=event, actor=actor, note=payload)
        CitationFactory(event=event, source=source, quote=payload)
    dialogs, _ = watch(page)
    client.force_login(admin_user)
    log_in(page, live_server.url, admin_user)
    assert_harmless(
        page,
        live_server.url,
        client,
        [
            "/",
            "/feeds/events/",
            *[f"/events/xss-{number}/" for number in range(len(CORPUS))],
            *[f"/actors/actor-xss-{number}/" for number in range(len(CORPUS))],
            "/admin/events/event/",
            "/admin/actors/actor/",
            "/admin/events/source/",
        ],
    )
    assert dialogs == []


def import_file():
    """One event per payload, the payload in every text field the import reads."""
    rows = [
        {
            "slug": f"imported-xss-{number}",
            "title": payload,
            "type": "arrest",
            "date": "2017-08",
            "date_note": payload,
            "summary": payload,
            "location": payload,
            "status": "published",
            "participants": [{"actor": "karim-massimov", "role": "subject", "note": payload}],
            "citations": [
                {
                    "source": {"url": f"https://example.org/imported-{number}", "publisher": payload, "title": payload},
                    "quote": payload,
                    "locator": payload,
                    "note": payload,
                    "credibility": 2,
                }
            ],
        }
        for number, payload in enumerate(CORPUS)
    ]
    return json.dumps({"events": rows})


def rss_feed(links):
    """RSS 2.0: each payload as escaped text in a title and a description, beside its link."""
    items = "".join(
        f"<item><title>{escape(payload)} Karim Massimov</title><link>{escape(link)}</link>"
        f"<description>{escape(payload)}</description><guid>xss-rss-{number}</guid>"
        f"<pubDate>Tue, 01 Aug 2017 10:00:00 GMT</pubDate></item>"
        for number, (payload, link) in enumerate(zip(CORPUS, links, strict=True))
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{escape(CORPUS[0])}</title>'
        f"<link>https://news.example/</link><description>x</description>{items}</channel></rss>"
    )


def atom_feed(links):
    """Atom: each payload in a type="html" title and a CDATA summary, its link as an attribute."""
    entries = "".join(
        f'<entry><title type="html">{escape(payload)} Karim Massimov</title><link href="{escape(link)}"/>'
        f"<id>xss-atom-{number}</id><updated>2017-08-02T10:00:00Z</updated>"
        f'<summary type="html"><![CDATA[{payload}]]></summary></entry>'
        for number, (payload, link) in enumerate(zip(CORPUS, links, strict=True))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(CORPUS[1])}</title><id>urn:xss</id><updated>2017-08-02T10:00:00Z</updated>{entries}</feed>"
    )


@pytest.fixture
def tracked():
    ActorFactory(slug="karim-massimov", name="Karim Massimov", sort_name="Massimov, Karim")
    EventTypeFactory(slug="arrest")
    EventTypeFactory(slug="announcement")
    ParticipantRoleFactory(slug="subject")


def test_the_xss_corpus_imported_through_the_admin_never_runs_anywhere(live_server, page, client, admin_user, tracked):
    dialogs, _ = watch(page)
    client.force_login(admin_user)
    content = import_file()
    dry_run = client.post("/admin/events/event/import/", {"file": SimpleUploadedFile("xss.json", content.encode())})
    assert dry_run.status_code == 200 and b"Confirm import" in dry_run.content
    for payload in DANGEROUS:
        assert payload not in dry_run.content.decode(), payload
    confirmed = client.post("/admin/events/event/import/", {"confirm": "1", "name": "xss.json", "content": content})
    assert confirmed.status_code == 302, confirmed.content.decode()[-2000:]
    assert Event.objects.filter(slug__startswith="imported-xss-", status="published").count() == len(CORPUS)
    refused = json.loads(content)
    refused["events"][0]["citations"][0]["source"]["url"] = SCRIPT_LINKS[0]
    body = {"confirm": "1", "name": "x.json", "content": json.dumps(refused)}
    report = client.post("/admin/events/event/import/", body)
    assert report.status_code == 200 and not Source.objects.filter(url__icontains="script").exists()

    log_in(page, live_server.url, admin_user)
    page.goto(live_server.url + "/admin/events/event/import/")
    upload = {"name": "xss.json", "mimeType": "application/json", "buffer": content.encode()}
    page.set_input_files("#id_file", files=[upload])
    page.click("input[type=submit]")
    page.wait_for_selector("input[name=confirm]")
    event = Event.objects.get(slug="imported-xss-1")
    source = Source.objects.get(url="https://example.org/imported-1")
    assert_harmless(
        page,
        live_server.url,
        client,
        [
            "/",
            "/?q=Massimov",
            "/feeds/events/",
            *[f"/events/imported-xss-{number}/" for number in range(len(CORPUS))],
            "/actors/karim-massimov/",
            "/actors/",
            "/admin/events/event/",
            f"/admin/events/event/{event.pk}/change/",
            f"/admin/events/event/{event.pk}/history/",
            "/admin/events/source/",
            f"/admin/events/source/{source.pk}/change/",
        ],
    )
    assert dialogs == []


def test_the_xss_corpus_from_news_feeds_never_runs_and_script_links_never_become_links(
    live_server, page, client, admin_user, tracked, tmp_path, settings
):
    settings.FEEDS_DIR = tmp_path
    links = [*SCRIPT_LINKS, *(f"https://news.example/report-{number}" for number in range(len(CORPUS) - 3))]
    (tmp_path / "xss.rss").write_text(rss_feed(links))
    (tmp_path / "xss.atom").write_text(atom_feed(list(reversed(links))))
    FeedFactory(name=CORPUS[2], url=str(tmp_path / "xss.rss"))
    FeedFactory(name=CORPUS[3], url=str(tmp_path / "xss.atom"))
    call_command("fetch_leads", stdout=io.StringIO(), stderr=io.StringIO())
    assert Lead.objects.count() == 2 * len(CORPUS)
    assert sorted({lead.link.split(":")[0] for lead in Lead.objects.all()}) == ["", "https"]

    client.force_login(admin_user)
    by_script_link = Lead.objects.filter(link="").order_by("pk")
    for lead in [by_script_link[0], Lead.objects.exclude(link="").order_by("pk")[0]]:
        assert client.post(f"/admin/leads/lead/{lead.pk}/convert/").status_code == 302
        lead.refresh_from_db()
        event_update(event=lead.converted_event, user=admin_user, data={"status": "published"})
    dismissed = by_script_link[1]
    assert client.post(f"/admin/leads/lead/{dismissed.pk}/dismiss/", {"reason": CORPUS[1]}).status_code == 302
    converted = [lead.converted_event.slug for lead in Lead.objects.exclude(converted_event=None)]
    dialogs, _ = watch(page)
    log_in(page, live_server.url, admin_user)
    lead = Lead.objects.order_by("pk").first()
    assert_harmless(
        page,
        live_server.url,
        client,
        [
            "/",
            "/feeds/events/",
            *[f"/events/{slug}/" for slug in converted],
            "/actors/karim-massimov/",
            "/admin/leads/lead/?status=all",
            f"/admin/leads/lead/{lead.pk}/change/",
            f"/admin/leads/lead/{dismissed.pk}/change/",
            f"/admin/leads/lead/{lead.pk}/dismiss/",
            "/admin/leads/feed/",
            f"/admin/leads/feed/{lead.feed_id}/change/",
            "/admin/events/event/",
            "/admin/events/source/",
        ],
    )
    assert dialogs == []
