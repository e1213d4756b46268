"""The record since the article (fixtures 08-12): who held the top offices on given dates, read
through the API and the ORM; every new claim cited to a news report with an address; every new
actor findable in Cyrillic.

The fixtures are loaded once for the module inside a transaction rolled back after its last
test, as in test_article_fixtures.py.
"""

import json
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from actors.models import Alias, Tenure
from events.models import Citation, Source

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
NEW_FIXTURES = [path for path in FIXTURES if path.name[:2].isdigit() and int(path.name[:2]) >= 8]
SPAN_EVENTS = ROOT / "tests" / "data" / "span_events_since_2017.json"
ARTICLE_SOURCES = {"shadow-governance-kazakhstan-2017", "shadow-governance-informant-2017"}
CYRILLIC = ("ru", "kk-Cyrl")


def rows(model, paths=NEW_FIXTURES):
    return [
        row["fields"] for path in paths for row in json.loads(path.read_text(encoding="utf-8")) if row["model"] == model
    ]


NEW_ACTORS = [actor["slug"] for actor in rows("actors.actor")]
NEW_EVENTS = [event["slug"] for event in rows("events.event")]
NEW_TENURES = [t["key"] for t in rows("actors.tenure")]
NEW_MEMBERSHIPS = [m["key"] for m in rows("actors.membership")]
HOLDERS = [
    ("2020-06-01", "president-of-kazakhstan", "kassym-jomart-tokayev"),
    ("2020-06-01", "prime-minister-of-kazakhstan", "askar-mamin"),
    ("2023-06-01", "president-of-kazakhstan", "kassym-jomart-tokayev"),
    ("2023-06-01", "prime-minister-of-kazakhstan", "alikhan-smailov"),
]


def holders_in_api(office, day):
    """Slugs of the holders the office's API detail shows as possibly in office on `day`."""
    response = Client().get(f"/api/v1/offices/{office}/")
    assert response.status_code == 200
    held = []
    for tenure in response.json()["tenures"]:
        started = Tenure.objects.get(pk=tenure["id"])
        if started.start_lower is not None and started.start_lower > day:
            continue
        if started.end_upper is not None and started.end_upper < day:
            continue
        held.append(tenure["actor"])
    return held


@pytest.mark.parametrize(("day", "office", "holder"), HOLDERS)
def test_the_office_holder_on_a_date_in_the_orm(record, day, office, holder):
    on = date.fromisoformat(day)
    assert list(Tenure.objects.filter(office__slug=office).at(on).values_list("actor__slug", flat=True)) == [holder]


@pytest.mark.parametrize(("day", "office", "holder"), HOLDERS)
def test_the_office_holder_on_a_date_in_the_api(record, day, office, holder):
    assert holders_in_api(office, date.fromisoformat(day)) == [holder]


def test_nazarbayevs_presidency_ends_when_tokayevs_begins(record):
    nazarbayev = Tenure.objects.get(actor__slug="nursultan-nazarbayev", office__slug="president-of-kazakhstan")
    tokayev = Tenure.objects.get(actor__slug="kassym-jomart-tokayev", office__slug="president-of-kazakhstan")
    assert nazarbayev.end_date == tokayev.start_date == "2019-03-20"
    assert tokayev.predecessor.slug == "nursultan-nazarbayev"


def citations_of(kind, key):
    if kind == "event":
        return Citation.objects.filter(event__slug=key)
    if kind == "tenure":
        return Tenure.objects.get(key=key).citations.all()
    from actors.models import Membership

    return Membership.objects.get(key=key).citations.all()


CLAIMS = (
    [pytest.param("event", slug, id=f"event:{slug}") for slug in NEW_EVENTS]
    + [pytest.param("tenure", key, id=f"tenure:{key}") for key in NEW_TENURES]
    + [pytest.param("membership", key, id=f"membership:{key}") for key in NEW_MEMBERSHIPS]
)


@pytest.mark.parametrize(("kind", "key"), CLAIMS)
def test_every_citation_of_a_new_claim_is_a_report_with_an_address_not_the_article(record, kind, key):
    citations = citations_of(kind, key).select_related("source")
    assert citations.exists()
    for citation in citations:
        assert citation.source.url.strip(), citation.source.slug
        assert citation.source.slug not in ARTICLE_SOURCES
        assert citation.source.publisher
        assert citation.source.published_date or undated_page(citation.source), citation.source.slug
        assert citation.source.reliability in "ABCDEF"
        assert len(citation.quote.split()) <= 12, citation.quote
        assert citation.locator.strip() and citation.note.strip()


def test_every_new_source_is_dated_and_graded(record):
    for fields in rows("events.source"):
        source = Source.objects.get(slug=fields["slug"])
        assert source.url and source.publisher, source.slug
        assert source.published_start or undated_page(source), source.slug
        assert source.reliability in "ABCDE", source.slug


def undated_page(source):
    """An encyclopedia entry, a profile or an official page may show no date of publication; its note says so."""
    return "Undated page" in source.note


@pytest.mark.parametrize("slug", NEW_ACTORS)
def test_new_actor_has_a_cyrillic_alias(record, slug):
    assert Alias.objects.filter(actor__slug=slug, lang__in=CYRILLIC).exists()


@pytest.mark.parametrize(
    "span",
    json.loads(SPAN_EVENTS.read_text(encoding="utf-8")),
    ids=lambda span: span["key"],
)
def test_each_tenure_names_the_events_that_began_and_ended_it(record, span):
    tenure = Tenure.objects.get(key=span["key"])
    assert (tenure.started_by and tenure.started_by.slug) == span["started_by"]
    assert (tenure.ended_by and tenure.ended_by.slug) == span["ended_by"]
