"""The founding article's data (`fixtures/*.json`): every fact cited verbatim, dated as the
article dates it, findable under every spelling, and loadable twice without change.

The fixtures are loaded once for the module inside a transaction that is rolled back after
its last test; each test runs in a savepoint within it, so nothing leaks into other modules.
Parametrised tests read the records to check from the JSON files, so a failure names the
record.
"""

import json
from pathlib import Path

import pytest
from anyascii import anyascii
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from actors.models import Actor, Alias, Faction, Identifier, Membership, Office, Tenure
from core.dates import parse
from events.models import Citation, Event, EventType, ParticipantRole, Participation, Source

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = sorted((ROOT / "fixtures").glob("*.json"))
ARTICLE_SOURCE = "shadow-governance-kazakhstan-2017"
INFORMANT_SOURCE = "shadow-governance-informant-2017"

# Columns that our loaddata derives; fixtures must leave them out.
DERIVED_FIELDS = {
    "search_key",
    "search_text",
    "created_at",
    "updated_at",
    "date_start",
    "date_end",
    "sort_date",
    "start_lower",
    "start_upper",
    "end_lower",
    "end_upper",
    "published_start",
    "published_end",
}
TYPOGRAPHIC_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def normalise(text):
    return " ".join(text.translate(TYPOGRAPHIC_QUOTES).split())


def rows(model):
    return [
        row["fields"]
        for path in FIXTURES
        for row in json.loads(path.read_text(encoding="utf-8"))
        if row["model"] == model
    ]


def label(*parts):
    """An ASCII test id, so that Cyrillic names stay readable in pytest's output."""
    return anyascii(":".join(str(part) for part in parts))[:90]


PEOPLE = [actor["slug"] for actor in rows("actors.actor") if actor["kind"] == "person"]
PERSON_NAMES = [
    pytest.param(actor["slug"], actor["name"], id=label(actor["slug"], "name", actor["name"]))
    for actor in rows("actors.actor")
    if actor["kind"] == "person"
] + [
    pytest.param(alias["actor"][0], alias["name"], id=label(alias["actor"][0], alias["lang"], alias["name"]))
    for alias in rows("actors.alias")
    if alias["actor"][0] in PEOPLE
]
VARIANT_SPELLINGS = [
    ("nursultan-nazarbayev", "Nazarbaev"),
    ("nursultan-nazarbayev", "Назарбаев"),
    ("nursultan-nazarbayev", "Nazarbayev"),
    ("nursultan-nazarbayev", "Нұрсұлтан"),
    ("karim-massimov", "Masimov"),
    ("karim-massimov", "Massimov"),
    ("karim-massimov", "Масимов"),
    ("bakytzhan-sagintayev", "Sagintaev"),
    ("bakytzhan-sagintayev", "Sagintayev"),
    ("bakytzhan-sagintayev", "Сагинтаев"),
    ("timur-kulibayev", "Kulibaev"),
    ("marat-tazhin", "Tajin"),
]
ACTING_ORGANISATIONS = [
    "eurasian-economic-union",
    "csto",
    "cis",
    "gazprom",
    "transneft",
    "samruk-kazyna",
    "knb",
    "presidential-administration-of-kazakhstan",
    "government-of-kazakhstan",
    "russia",
    "china",
    "kazakhstan",
]
EVENTS = [event["slug"] for event in rows("events.event")]
MEMBERSHIPS = [
    pytest.param(key, id=label(*key))
    for key in ((m["actor"][0], m["faction"][0], m["role"], m["start_date"]) for m in rows("actors.membership"))
]
TENURES = [
    pytest.param(key, id=label(*key))
    for key in ((t["actor"][0], t["office"][0], t["start_date"]) for t in rows("actors.tenure"))
]
CLAIM_KINDS = ("event", "membership", "tenure")
CITATIONS = [
    pytest.param(
        (citation["source"][0], kind, *citation[kind], citation["quote"]),
        id=label(kind, "/".join(citation[kind]), citation["quote"][:40]),
    )
    for citation in rows("events.citation")
    for kind in CLAIM_KINDS
    if citation.get(kind)
]
# Citations of the article or of its informant, whose quotes must be the article's own words.
ARTICLE_CITATIONS = [param for param in CITATIONS if param.values[0][0] in (ARTICLE_SOURCE, INFORMANT_SOURCE)]
# Events the article dates relative to its own inferred date, and the article's words for it.
RELATIVE_DATES = {
    "eeu-created": "two years ago",
    "kazakhstan-eu-trade-falls": "Over the past year",
    "cabinet-reshuffle-2016": "last year",
    "southerners-emerge": "in recent months",
    "wave-of-high-profile-arrests": "in recent months",
}
RESOLVED = "resolved against the article's date window"
COUNTED_MODELS = [
    Actor,
    Alias,
    Identifier,
    Faction,
    Membership,
    Office,
    Tenure,
    EventType,
    ParticipantRole,
    Event,
    Participation,
    Source,
    Citation,
]


@pytest.fixture(scope="module")
def article_data(django_db_setup, django_db_blocker):
    """The fixtures, loaded once for this module and rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *map(str, FIXTURES), verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def article_text(shared_path):
    return normalise(shared_path("SOURCE_ARTICLE_PATH").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", FIXTURES, ids=[path.name for path in FIXTURES])
def test_fixture_rows_are_named_by_natural_key_and_leave_derived_fields_out(path):
    for row in json.loads(path.read_text(encoding="utf-8")):
        assert "pk" not in row, row
        assert not DERIVED_FIELDS & set(row["fields"]), row


FIXTURE_MODELS = sorted({row["model"] for path in FIXTURES for row in json.loads(path.read_text(encoding="utf-8"))})


@pytest.mark.parametrize("label", FIXTURE_MODELS)
def test_every_loaded_row_passes_its_models_validation(article_data, label):
    """Lengths, choices and rules hold on every database: SQLite would store a too-long text
    that PostgreSQL refuses, so the check cannot be left to the load."""
    model = apps.get_model(label)
    for row in model._default_manager.all():
        row.full_clean()


@pytest.mark.parametrize(("slug", "name"), PERSON_NAMES)
def test_person_is_found_under_each_of_their_names(article_data, slug, name):
    assert slug in Actor.objects.matching(name).values_list("slug", flat=True)


@pytest.mark.parametrize(("slug", "spelling"), VARIANT_SPELLINGS, ids=[label(*pair) for pair in VARIANT_SPELLINGS])
def test_variant_spellings_find_the_same_person(article_data, slug, spelling):
    assert slug in Actor.objects.matching(spelling).values_list("slug", flat=True)


@pytest.mark.parametrize("slug", PEOPLE)
def test_every_person_has_a_russian_cyrillic_alias(article_data, slug):
    assert Alias.objects.filter(actor__slug=slug, lang="ru").exists()


@pytest.mark.parametrize("slug", ACTING_ORGANISATIONS)
def test_organisation_the_article_names_as_acting_is_an_organisation(article_data, slug):
    assert Actor.objects.get(slug=slug).kind == Actor.Kind.ORGANIZATION


@pytest.mark.parametrize("slug", EVENTS)
def test_event_is_published(article_data, slug):
    assert Event.objects.get(slug=slug).status == Event.Status.PUBLISHED


@pytest.mark.parametrize("slug", EVENTS)
def test_event_date_parses_and_says_how_it_was_read(article_data, slug):
    event = Event.objects.get(slug=slug)
    parsed = parse(event.date)
    assert parsed.lower or parsed.upper
    assert (event.date_start, event.date_end) == (parsed.lower, parsed.upper)
    assert event.date_note.strip()


@pytest.mark.parametrize("slug", EVENTS)
def test_event_is_cited(article_data, slug):
    assert Citation.objects.filter(event__slug=slug).exists()


@pytest.mark.parametrize(("slug", "phrase"), RELATIVE_DATES.items())
def test_relative_date_is_approximate_and_keeps_the_article_words(article_data, slug, phrase):
    event = Event.objects.get(slug=slug)
    assert "~" in event.date or "/" in event.date
    assert phrase in event.date_note
    assert RESOLVED in event.date_note


def test_the_change_of_prime_minister_is_dated_by_reports_and_the_article_keeps_its_year_ago(article_data):
    change = Event.objects.get(slug="sagintayev-replaces-massimov-as-prime-minister")
    assert change.date == "2016-09-08" and "a year ago" in change.date_note
    article = change.citations.get(source__slug=ARTICLE_SOURCE)
    assert "a year ago" in article.quote
    assert change.citations.exclude(source__slug=ARTICLE_SOURCE).filter(source__url__startswith="http").count() >= 2


@pytest.mark.parametrize("slug", EVENTS)
def test_date_resolved_against_the_article_date_is_approximate(article_data, slug):
    event = Event.objects.get(slug=slug)
    if RESOLVED in event.date_note:
        assert "~" in event.date or "/" in event.date, event.date_note


def test_a_deadline_by_2025_is_a_window_not_a_point(article_data):
    deadline = Event.objects.get(slug="latin-script-switch-deadline")
    assert "/" in deadline.date
    assert deadline.date_end.isoformat() == "2025-12-31"
    assert deadline.date_start.year < 2025


@pytest.mark.parametrize("key", MEMBERSHIPS)
def test_membership_is_cited(article_data, key):
    assert Membership.objects.get_by_natural_key(*key).citations.exists()


@pytest.mark.parametrize("key", TENURES)
def test_tenure_is_cited(article_data, key):
    assert Tenure.objects.get_by_natural_key(*key).citations.exists()


@pytest.mark.parametrize("key", ARTICLE_CITATIONS)
def test_citation_quotes_the_article_verbatim(article_data, article_text, key):
    citation = Citation.objects.get_by_natural_key(*key)
    assert normalise(citation.quote) in article_text


@pytest.mark.parametrize("key", CITATIONS)
def test_citation_grade_comes_with_its_reasoning(article_data, key):
    citation = Citation.objects.get_by_natural_key(*key)
    assert 1 <= citation.credibility <= 6
    assert citation.note.strip()
    assert citation.locator.strip()


def test_article_source_date_is_the_window_the_article_allows_and_its_grade_explained(article_data):
    article = Source.objects.get(slug=ARTICLE_SOURCE)
    assert article.kind == Source.Kind.ANALYSIS
    assert article.published_date == "2017-08/2017-12"
    assert parse(article.published_date).lower is not None
    assert "inferred" in article.note
    assert f"Reliability {article.reliability}" in article.note


def test_informant_is_an_anonymous_source_relayed_by_the_article(article_data):
    informant = Source.objects.get(slug=INFORMANT_SOURCE)
    assert informant.kind == Source.Kind.ANONYMOUS
    assert informant.relayed_by.slug == ARTICLE_SOURCE
    assert informant.citations.exists()


def test_tenures_record_whom_the_article_says_each_holder_replaced(article_data):
    article_offices = ROOT / "fixtures" / "05_offices.json"
    article_tenures = {
        (row["fields"]["actor"][0], row["fields"]["office"][0])
        for row in json.loads(article_offices.read_text(encoding="utf-8"))
        if row["model"] == "actors.tenure"
    }
    predecessors = {
        (tenure.actor.slug, tenure.office.slug): tenure.predecessor.slug
        for tenure in Tenure.objects.filter(predecessor__isnull=False).select_related("actor", "office", "predecessor")
        if (tenure.actor.slug, tenure.office.slug) in article_tenures
    }
    # The article's two successions; reports on file name the predecessors of the others.
    assert (
        predecessors.items()
        >= {
            ("bakytzhan-sagintayev", "prime-minister-of-kazakhstan"): "karim-massimov",
            ("imangali-tasmagambetov", "ambassador-of-kazakhstan-to-russia"): "marat-tazhin",
        }.items()
    )


def test_a_case_is_linked_from_charge_to_sentence(article_data):
    sentence = Event.objects.get(slug="dutbayev-sentenced")
    assert "dutbayev-tried" in sentence.related.values_list("slug", flat=True)
    assert sentence.parent.slug == "wave-of-high-profile-arrests"
    arrest = Event.objects.get(slug="bishimbayev-arrested")
    assert "bishimbayev-charged" in arrest.related.values_list("slug", flat=True)


def test_loading_again_creates_no_rows_and_records_no_history(article_data):
    def snapshot():
        counts = {model.__name__: model.objects.count() for model in COUNTED_MODELS}
        counts.update({f"{model.__name__} history": model.history.count() for model in COUNTED_MODELS})
        counts["related links"] = Event.related.through.objects.count()
        return counts

    before = snapshot()
    call_command("loaddata", *map(str, FIXTURES), verbosity=0)
    assert snapshot() == before


def test_states_and_well_known_people_carry_their_wikidata_ids(article_data):
    wikidata = dict(Identifier.objects.filter(scheme="wikidata").values_list("actor__slug", "identifier"))
    assert wikidata["kazakhstan"] == "Q232"
    assert wikidata["russia"] == "Q159"
    assert wikidata["vladimir-putin"] == "Q7747"
