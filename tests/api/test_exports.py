"""Exports: events as CSV, everyone as Popolo JSON (validated against its schemas), the Atom feed."""

import csv
import io
import json
import xml.etree.ElementTree as ElementTree

import pytest
from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from actors.models import Actor
from core.dates import calendar_date
from events.models import Event, EventType
from tests.api.clients import anonymous_client, token_client
from tests.factories import (
    ActorFactory,
    AliasFactory,
    CitationFactory,
    EventFactory,
    EventTypeFactory,
    FactionFactory,
    IdentifierFactory,
    MembershipFactory,
    OfficeFactory,
    OrganizationFactory,
    ParticipationFactory,
    SourceFactory,
    TenureFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def test_events_csv_honours_the_filters_and_flattens_participants_and_citations():
    event = EventFactory(slug="masimov-arrested", title="Masimov arrested", date="2022-01-08", status="published")
    ParticipationFactory(event=event, actor=ActorFactory(slug="karim-masimov", name="Karim Masimov"))
    source = SourceFactory(title="Reuters", url="https://example.org/r", reliability="B")
    CitationFactory(event=event, source=source, credibility=2)
    EventFactory(slug="other-type", type=EventTypeFactory(slug="decree"), published=True)
    EventFactory(slug="a-draft")

    response = anonymous_client().get("/api/v1/events/?format=csv&type=arrest")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == ["masimov-arrested"]
    row = rows[0]
    assert row["date"] == "2022-01-08"
    assert row["date_display"] == "8 Jan 2022"
    assert row["participants"] == "Karim Masimov (subject)"
    assert row["participant_slugs"] == "karim-masimov"
    assert row["sources"] == "Reuters [B2] <https://example.org/r>"
    assert row["source_ids"] == str(source.pk)


def test_csv_export_is_not_paged():
    for number in range(7):
        EventFactory(slug=f"e{number}", published=True)

    response = anonymous_client().get("/api/v1/events/?format=csv&page_size=2")

    assert len(list(csv.DictReader(io.StringIO(response.content.decode())))) == 7


def test_csv_export_past_one_chunk_holds_every_event_once_in_order_with_its_participants():
    """The CSV reads events CSV_CHUNK at a time: rows past the first chunk keep their nested cells."""
    from exchange.api import CSV_CHUNK

    event_type = EventType.objects.get_or_create(slug="arrest", defaults={"name": "Arrest"})[0]
    events = [
        Event(slug=f"chunked-{n:04d}", title=f"Chunked {n}", type=event_type, date="2017-08", status="published")
        for n in range(CSV_CHUNK + 20)
    ]
    for event in events:
        event.fill_derived_fields()  # what save() would, for the sort date
    Event.objects.bulk_create(events)
    last = events[-1]
    ParticipationFactory(event=last, actor__name="Past The Chunk", actor__slug="past-the-chunk")

    response = anonymous_client().get("/api/v1/events/?format=csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["slug"] for row in rows] == [event.slug for event in events]
    assert rows[-1]["participant_slugs"] == "past-the-chunk"


def test_csv_cells_that_look_like_formulas_are_defused():
    EventFactory(title='=HYPERLINK("http://evil")', summary="+1 more", published=True)

    rows = list(csv.DictReader(io.StringIO(anonymous_client().get("/api/v1/events/?format=csv").content.decode())))

    assert rows[0]["title"].startswith("'=")
    assert rows[0]["summary"] == "'+1 more"


def test_csv_request_with_a_bad_filter_gets_a_json_400():
    response = anonymous_client().get("/api/v1/events/?format=csv&date_after=soon")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "date_after" in response.json()


@pytest.fixture
def popolo_validators(shared_path):
    """Draft-03 validators for the four Popolo kinds, their cross-references resolved to local files
    (the schemas are read from settings.POPOLO_SCHEMAS_DIR)."""
    schemas = shared_path("POPOLO_SCHEMAS_DIR")
    resources = []
    for path in schemas.glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["id"].rstrip("#"), Resource.from_contents(schema, default_specification=DRAFT3)))
    registry = Registry().with_resources(resources)
    validators = {}
    for kind, name in (
        ("persons", "person"),
        ("organizations", "organization"),
        ("memberships", "membership"),
        ("posts", "post"),
    ):
        schema = json.loads((schemas / f"{name}.json").read_text())
        validators[kind] = Draft3Validator(schema, registry=registry, format_checker=Draft3Validator.FORMAT_CHECKER)
    return validators


def test_popolo_export_validates_against_the_popolo_schemas(popolo_validators):
    knb = OrganizationFactory(slug="knb", name="National Security Committee", birth_date="1992-06~")
    masimov = ActorFactory(slug="karim-masimov", name="Karim Masimov", birth_date="1965-06-15", death_date="")
    AliasFactory(actor=masimov, name="Кәрім Мәсімов", lang="kk-Cyrl", note="Kazakh spelling")
    IdentifierFactory(actor=masimov, scheme="wikidata", identifier="Q313541")
    membership = MembershipFactory(actor=masimov, faction=FactionFactory(slug="old-guard"), start_date="2016-09~")
    CitationFactory(event=None, membership=membership, source=SourceFactory(title="Vlast", url="https://example.org/a"))
    MembershipFactory(
        actor=knb, faction=FactionFactory(slug="siloviki"), start_date="2017-06/2017-08", end_date="2019?"
    )
    office = OfficeFactory(slug="knb-chair", name="Chairman of the KNB", organization=knb)
    TenureFactory(actor=masimov, office=office, start_date="2016-09-08", end_date="2022-01-05")
    TenureFactory(actor=ActorFactory(slug="someone"), office=OfficeFactory(slug="no-organisation"), start_date="201X")

    response = anonymous_client().get("/api/v1/export/popolo.json")

    assert response.status_code == 200
    document = response.json()
    validators = popolo_validators
    for kind, validator in validators.items():
        assert document[kind], kind
        for item in document[kind]:
            errors = [error.message for error in validator.iter_errors(item)]
            assert errors == [], (kind, item)
    organizations = {item["id"]: item for item in document["organizations"]}
    assert organizations["faction/old-guard"]["classification"] == "faction"
    assert organizations["actor/knb"]["founding_date"] == "1992-06"
    person = next(item for item in document["persons"] if item["id"] == "actor/karim-masimov")
    assert person["other_names"][0]["name"] == "Кәрім Мәсімов"
    assert person["identifiers"] == [{"scheme": "wikidata", "identifier": "Q313541"}]
    memberships = {item["id"]: item for item in document["memberships"]}
    assert memberships[f"membership/{membership.pk}"]["start_date"] == "2016-09"
    assert memberships[f"membership/{membership.pk}"]["sources"] == [{"url": "https://example.org/a", "note": "Vlast"}]
    tenure = next(item for item in document["memberships"] if item.get("post_id") == "office/knb-chair")
    assert tenure["person_id"] == "actor/karim-masimov"
    assert tenure["organization_id"] == "actor/knb"
    assert (tenure["start_date"], tenure["end_date"]) == ("2016-09-08", "2022-01-05")
    organisation_member = next(
        item for item in document["memberships"] if item.get("organization_id") == "faction/siloviki"
    )
    assert organisation_member["member"] == {"@type": "Organization", "id": "actor/knb"}
    assert (organisation_member["start_date"], organisation_member["end_date"]) == ("2017-06", "2019")
    assert {post["id"] for post in document["posts"]} == {"office/knb-chair", "office/no-organisation"}


def test_the_popolo_validators_do_catch_a_bad_document(popolo_validators):
    validators = popolo_validators

    assert list(validators["persons"].iter_errors({"id": "x", "birth_date": "2016-09~"}))
    assert list(validators["persons"].iter_errors({"id": "x", "identifiers": [{"scheme": "wikidata"}]}))
    assert list(validators["memberships"].iter_errors({"id": "x", "person": {"name": 5}}))


@pytest.mark.parametrize(
    ("edtf", "side", "popolo"),
    [
        ("2017-08-15", "start", "2017-08-15"),
        ("2016-09~", "start", "2016-09"),
        ("2017?", "start", "2017"),
        ("2017-06/2017-08", "start", "2017-06"),
        ("2017-06/2017-08", "end", "2017-08"),
        ("2017-21", "start", "2017"),
        ("../2017", "start", None),
        ("201X", "start", None),
        ("", "start", None),
    ],
)
def test_popolo_dates_keep_what_popolo_can_say(edtf, side, popolo):
    assert calendar_date(edtf, side) == popolo


def parse_feed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def test_feed_is_atom_with_published_events_newest_publication_first(editor):
    older = CitationFactory(
        event=EventFactory(slug="published-first", title="First", date="2022", status="published")
    ).event
    CitationFactory(event=EventFactory(slug="published-second", title="Second", date="2001", status="published"))
    EventFactory(slug="a-draft")
    older.title = "First, edited later"
    older.save()

    root = parse_feed(anonymous_client().get("/feeds/events/"))

    entries = root.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == ["Second", "First, edited later"]
    first = entries[1]
    assert first.find(f"{ATOM}link").get("href").endswith("/events/published-first/")
    assert first.find(f"{ATOM}published") is not None
    assert first.find(f"{ATOM}updated") is not None
    assert first.find(f"{ATOM}category").get("term") == "Arrest"


def test_feed_takes_the_event_filters():
    ParticipationFactory(
        event=EventFactory(slug="masimov-event", title="Masimov", published=True), actor=ActorFactory(slug="masimov")
    )
    EventFactory(slug="other", title="Other", published=True)

    root = parse_feed(anonymous_client().get("/feeds/events/?actor=masimov"))

    assert [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")] == ["Masimov"]
    assert root.find(f"{ATOM}link").get("href").endswith("/?actor=masimov")


def test_feed_with_a_bad_filter_is_a_400():
    response = anonymous_client().get("/feeds/events/?date_after=someday")

    assert response.status_code == 400
    assert "date_after" in response.json()


def test_feed_shows_no_drafts_even_to_editors(editor):
    EventFactory(slug="a-draft")
    client = token_client(editor)
    client.force_login(editor)

    root = parse_feed(client.get("/feeds/events/"))

    assert root.findall(f"{ATOM}entry") == []


@pytest.fixture
def stored_before_the_rule():
    """A published event and its type holding control characters, as rows stored before the
    models refused them may: written by update(), which validates nothing."""
    event = CitationFactory(event=EventFactory(slug="held", title="Held", date="2022", status="published")).event
    Event.objects.filter(pk=event.pk).update(title="Massimov\x0bdetained", summary="In\x01 custody\x1b.")
    EventType.objects.filter(pk=event.type_id).update(name="Arr\x0best")
    return event


def test_the_feed_writes_well_formed_xml_over_control_characters_stored_earlier(stored_before_the_rule):
    root = parse_feed(anonymous_client().get("/feeds/events/"))

    entry = root.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Massimov detained"
    assert entry.find(f"{ATOM}category").get("term") == "Arr est"
    assert "In  custody ." in entry.find(f"{ATOM}summary").text


def test_the_csv_and_popolo_exports_answer_over_control_characters_stored_earlier(stored_before_the_rule):
    actor = ActorFactory(slug="karim-massimov")
    ParticipationFactory(event=stored_before_the_rule, actor=actor)
    Actor.objects.filter(pk=actor.pk).update(name="Karim\x0bMassimov")

    response = anonymous_client().get("/api/v1/events/?format=csv")
    assert response.status_code == 200
    [row] = csv.DictReader(io.StringIO(response.content.decode()))
    assert (row["title"], row["summary"]) == ("Massimov detained", "In  custody .")

    response = anonymous_client().get("/api/v1/export/popolo.json")
    assert response.status_code == 200
    assert "Karim\x0bMassimov" in [person["name"] for person in json.loads(response.content)["persons"]]
