"""Importing events from CSV and JSON: dry run, refused rows, re-import, the admin page, the command."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from actors.models import Actor
from core.text import MESSAGE
from events.models import Citation, Event, EventType, ParticipantRole, Participation, Source
from events.services import event_create
from exchange.bulk import event_build
from exchange.imports import events_import, import_rows_read
from tests.factories import ActorFactory, EventFactory, EventTypeFactory, ParticipantRoleFactory, SourceFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"


@pytest.fixture(autouse=True)
def actors():
    """The actors and the words (beyond those a migration seeds) the sample files name, as the fixtures have them."""
    for slug in ("speech", "reshuffle"):
        EventTypeFactory(slug=slug)
    for slug in ("subject", "affected", "initiator"):
        ParticipantRoleFactory(slug=slug)
    return [ActorFactory(slug="karim-massimov", name="Karim Massimov"), ActorFactory(slug="kassym-jomart-tokayev")]


def read(name):
    return import_rows_read(name=name, content=(DATA / name).read_bytes())


def history_rows():
    return sum(model.history.count() for model in (Event, Participation, Citation, Source))


def test_dry_run_reports_each_row_and_writes_nothing(curator):
    report = events_import(rows=read("events.csv"), user=curator, dry_run=True)

    assert [(row.number, row.slug, row.action) for row in report.rows] == [
        (1, "import-massimov-detained", "create"),
        (2, "import-tokayev-statement", "create"),
    ]
    assert [source.url for source in report.new_sources] == [
        "https://example.org/import/massimov-detained",
        "https://example.org/import/tokayev-statement",
    ]
    assert not report.written
    assert "dry run: nothing was written" in report.summary()
    assert Event.objects.count() == Source.objects.count() == history_rows() == 0


def test_import_creates_drafts_with_participants_citations_and_history_naming_the_user(curator):
    report = events_import(rows=read("events.csv"), user=curator)

    assert report.written and not report.refused
    event = Event.objects.get(slug="import-massimov-detained")
    assert (event.status, event.type.slug, event.date, event.location) == (
        "draft",
        "detention",
        "2022-01-06",
        "Nur-Sultan",
    )
    assert [(p.actor.slug, p.role.slug) for p in event.participations.all()] == [("karim-massimov", "detained")]
    citation = event.citations.get()
    assert (citation.source.url, citation.source.publisher, citation.locator, citation.credibility) == (
        "https://example.org/import/massimov-detained",
        "Example Wire",
        "para. 1",
        2,
    )
    assert citation.quote == "Karim Massimov was detained on suspicion of high treason"
    assert {row.history_user for row in Event.history.all()} == {curator}
    assert {row.history_user for row in Source.history.all()} == {curator}


def test_reimporting_the_same_file_changes_nothing(curator):
    events_import(rows=read("events.json"), user=curator)
    before = {event.slug: event.updated_at for event in Event.objects.all()}
    counts = (history_rows(), Source.objects.count(), Citation.objects.count(), Participation.objects.count())

    report = events_import(rows=read("events.json"), user=curator)

    assert [row.action for row in report.rows] == ["unchanged", "unchanged"]
    assert report.new_sources == []
    assert {event.slug: event.updated_at for event in Event.objects.all()} == before
    assert (history_rows(), Source.objects.count(), Citation.objects.count(), Participation.objects.count()) == counts


def test_json_rows_carry_notes_and_several_spellings_of_a_participant(curator):
    events_import(rows=read("events.json"), user=curator)

    event = Event.objects.get(slug="import-massimov-sentenced")
    assert [(p.actor.slug, p.role.slug, p.note) for p in event.participations.order_by("pk")] == [
        ("karim-massimov", "sentenced", ""),
        ("kassym-jomart-tokayev", "affected", "named in the case file"),
    ]
    assert event.citations.get().credibility == 1
    assert Event.objects.get(slug="import-2022-reshuffle").citations.get().source.title == "Example Wire"


def test_a_changed_row_updates_only_what_differs(curator):
    events_import(rows=read("events.csv"), user=curator)
    rows = read("events.csv")
    rows[1]["title"] = "Tokayev addresses parliament"
    untouched = Event.objects.get(slug="import-massimov-detained").updated_at

    report = events_import(rows=rows, user=curator, dry_run=True)
    assert [(row.action, row.changes) for row in report.rows] == [("unchanged", []), ("update", ["title"])]
    assert Event.objects.get(slug="import-tokayev-statement").title == "Tokayev speaks on the unrest"

    events_import(rows=rows, user=curator)
    assert Event.objects.get(slug="import-tokayev-statement").title == "Tokayev addresses parliament"
    assert Event.objects.get(slug="import-massimov-detained").updated_at == untouched


def test_bad_rows_are_refused_with_their_numbers_and_reasons_and_nothing_is_written(curator):
    report = events_import(rows=read("events_bad.csv"), user=curator)

    refused = {row.number: " ".join(row.errors) for row in report.refused}
    assert sorted(refused) == [2, 3, 4, 5, 6]
    assert "unknown actor “nobody-we-know”" in refused[2]
    assert "“6 January 2022” is not a date" in refused[3]
    assert refused[4].startswith("title:")
    assert "unknown event type “abduction”" in refused[5]
    assert "title: Ensure this value has at most 300 characters" in refused[6]
    assert report.rows[0].action == "create"
    assert not report.written
    assert Event.objects.count() == Source.objects.count() == history_rows() == 0


VERTICAL_TAB = MESSAGE.format(code=0x0B)


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("title", "Massimov\x0bdetained", "title"),
        ("summary", "Detained\x0bagain.", "summary"),
        ("participants", "karim-massimov:detained:held\x0bin Almaty", "participants: Row 1: note"),
        ("quote", "was\x0bdetained", "citations: Row 1: quote"),
    ],
)
def test_a_row_holding_a_control_character_is_refused_naming_the_field(curator, column, value, named):
    rows = read("events.csv")
    rows[1][column] = value

    report = events_import(rows=rows, user=curator)

    assert [row.number for row in report.refused] == [2]
    assert f"{named}: {VERTICAL_TAB}" in " ".join(report.refused[0].errors)
    assert Event.objects.count() == Source.objects.count() == history_rows() == 0


def test_an_update_holding_a_control_character_is_refused(curator):
    event = EventFactory(slug="import-massimov-detained", title="Massimov detained", published=True)

    report = events_import(rows=[{"slug": event.slug, "title": "Massimov\x0bdetained"}], user=curator)

    assert report.refused and f"title: {VERTICAL_TAB}" in report.refused[0].errors
    assert Event.objects.get(pk=event.pk).title == "Massimov detained"


def test_the_bulk_path_checks_text_as_event_create_does(curator):
    arrest, detained = EventType.objects.get(slug="arrest"), ParticipantRole.objects.get(slug="detained")
    with pytest.raises(ValidationError) as raised:
        event_build(user=curator, slug="held", title="Held\x0c", type=arrest, date="2022")
    assert raised.value.message_dict == {"title": [MESSAGE.format(code=0x0C)]}

    participant = {"actor": Actor.objects.get(slug="karim-massimov"), "role": detained, "note": "a\x1bb"}
    with pytest.raises(ValidationError) as raised:
        event_build(user=curator, slug="held", title="Held", type=arrest, date="2022", participants=[participant])
    assert raised.value.message_dict == {"participants": [f"Row 1: note: {MESSAGE.format(code=0x1B)}"]}


def test_a_curator_imports_drafts_and_an_editor_may_publish(curator):
    rows = read("events.json")
    for row in rows:
        row["status"] = "published"

    report = events_import(rows=rows, user=curator, dry_run=True)
    assert all("status stays draft" in " ".join(row.notes) for row in report.rows)

    curator.user_permissions.add(Permission.objects.get(codename="publish_event"))
    editor = type(curator).objects.get(pk=curator.pk)
    events_import(rows=rows, user=editor)
    assert set(Event.objects.values_list("status", flat=True)) == {"published"}


def test_sources_are_named_by_slug_or_id_and_a_row_may_not_repeat_a_slug(curator):
    source = SourceFactory(slug="tengri-2022")
    rows = [
        {"slug": "a", "title": "A", "type": "arrest", "date": "2022", "source": "tengri-2022", "quote": "q"},
        {"slug": "b", "title": "B", "type": "arrest", "date": "2022", "source": str(source.pk), "quote": "q"},
        {"slug": "a", "title": "A again", "type": "arrest", "date": "2022"},
        {"slug": "c", "title": "C", "type": "arrest", "date": "2022", "source": "no-such-source", "quote": "q"},
    ]

    report = events_import(rows=rows, user=curator, dry_run=True)

    assert [row.action for row in report.rows] == ["create", "create", "refuse", "refuse"]
    assert report.rows[2].errors == ["slug: “a” is already imported by row 1"]
    assert report.rows[3].errors == ["citations: unknown source slug “no-such-source”"]


def test_an_unreadable_file_says_why():
    with pytest.raises(ValidationError, match=r"a \.csv or \.json file"):
        import_rows_read(name="events.xlsx", content=b"")
    with pytest.raises(ValidationError, match="JSON does not parse"):
        import_rows_read(name="events.json", content=b"{")


def test_lookups_do_not_grow_with_the_number_of_rows(curator):
    def rows(count):
        return [
            {
                "slug": f"e-{n}",
                "title": f"E {n}",
                "type": "arrest",
                "date": "2022",
                "participants": "karim-massimov:arrested",
            }
            for n in range(count)
        ]

    events_import(rows=rows(50), user=curator)

    def queries(count):
        with CaptureQueriesContext(connection) as context:
            report = events_import(rows=rows(count), user=curator)
        assert {row.action for row in report.rows} == {"unchanged"}
        return len(context.captured_queries)

    assert queries(5) == queries(50)


def test_the_admin_import_page_shows_a_dry_run_then_imports_on_confirm(client, curator):
    client.force_login(curator)
    assert b"Import events" in client.get("/admin/events/event/").content
    assert client.get("/admin/events/event/import/").status_code == 200

    with open(DATA / "events.csv", "rb") as upload:
        response = client.post("/admin/events/event/import/", {"file": upload})

    page = response.content.decode()
    assert response.status_code == 200
    assert "import-massimov-detained" in page and "to create" in page and "Confirm import" in page
    assert Event.objects.count() == 0

    response = client.post(
        "/admin/events/event/import/",
        {"confirm": "1", "name": "events.csv", "content": (DATA / "events.csv").read_text()},
    )
    assert response.status_code == 302
    assert set(Event.objects.values_list("slug", "status")) == {
        ("import-massimov-detained", "draft"),
        ("import-tokayev-statement", "draft"),
    }


def test_the_admin_import_page_refuses_a_bad_file_row_by_row(client, curator):
    client.force_login(curator)
    with open(DATA / "events_bad.csv", "rb") as upload:
        page = client.post("/admin/events/event/import/", {"file": upload}).content.decode()

    assert "unknown actor “nobody-we-know”" in page
    assert "Confirm import" not in page
    assert "Nothing of this file will be written" in page
    assert Event.objects.count() == 0


def test_the_admin_import_page_refuses_a_title_holding_a_control_character(client, curator):
    client.force_login(curator)
    content = (DATA / "events.csv").read_text().replace("Massimov detained,detention", "Massimov\x0bdetained,detention")
    upload = SimpleUploadedFile("events.csv", content.encode())

    page = client.post("/admin/events/event/import/", {"file": upload}).content.decode()
    assert f"title: {VERTICAL_TAB}" in page
    assert "Confirm import" not in page

    response = client.post("/admin/events/event/import/", {"confirm": "1", "name": "events.csv", "content": content})
    assert response.status_code == 200
    assert f"title: {VERTICAL_TAB}" in response.content.decode()
    assert Event.objects.count() == Source.objects.count() == 0


def test_the_import_page_needs_the_add_permission(client, django_user_model):
    user = django_user_model.objects.create_user("reader", password="x", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/events/event/import/").status_code == 403


def test_the_command_reports_a_dry_run_then_imports(curator):
    out, err = StringIO(), StringIO()
    call_command("import_events", str(DATA / "events.json"), "--dry-run", "--user", "curator", stdout=out, stderr=err)
    assert "2 rows: 2 to create, 0 to update, 0 unchanged, 0 refused; 2 new sources; dry run" in out.getvalue()
    assert "[##############################] 2/2" in err.getvalue()
    assert Event.objects.count() == 0

    out = StringIO()
    call_command("import_events", str(DATA / "events.json"), stdout=out, stderr=StringIO())
    assert "2 to create" in out.getvalue() and "written" in out.getvalue()
    assert {row.history_user.username for row in Event.history.all()} == {"import"}
    assert set(Event.objects.values_list("status", flat=True)) == {"draft"}


def test_the_command_names_refused_rows_and_fails(curator):
    out = StringIO()
    with pytest.raises(CommandError, match="5 rows refused; nothing was written"):
        call_command("import_events", str(DATA / "events_bad.csv"), stdout=out, stderr=StringIO())
    assert "row 2 (import-unknown-actor): refused: participants: unknown actor “nobody-we-know”" in out.getvalue()
    assert Event.objects.count() == 0


def test_the_command_refuses_a_title_holding_a_control_character(curator, tmp_path):
    path = tmp_path / "events.json"
    path.write_text((DATA / "events.json").read_text().replace('"Massimov sentenced",', '"Massimov\\u000bsentenced",'))
    out = StringIO()
    with pytest.raises(CommandError, match="1 rows refused; nothing was written"):
        call_command("import_events", str(path), stdout=out, stderr=StringIO())
    assert f"row 1 (import-massimov-sentenced): refused: title: {VERTICAL_TAB}" in out.getvalue()
    assert Event.objects.count() == 0


def model_to_row(row):
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def stored(slug):
    """Every column of the event, its participations and citations, and their history rows,
    but the ids, keys and times that differ between two writes of the same thing."""
    differ = {"id", "event_id", "history_id", "history_date", "created_at", "updated_at", "key"}
    event = Event.objects.get(slug=slug)

    def columns(rows):
        return [{name: value for name, value in model_to_row(row).items() if name not in differ} for row in rows]

    return {
        "event": columns([event]),
        "participations": columns(event.participations.order_by("pk")),
        "citations": columns(event.citations.order_by("pk")),
        "event history": columns(Event.history.filter(id=event.pk)),
        "participation history": columns(Participation.history.filter(event_id=event.pk).order_by("id")),
        "citation history": columns(Citation.history.filter(event_id=event.pk).order_by("id")),
    }


class Undo(Exception):
    pass


@pytest.mark.parametrize("date", ["../2017-08", "2016-09~", "2017-06/2017-08"])
def test_an_imported_event_is_stored_as_event_create_stores_it(editor, date):
    source = SourceFactory(slug="tengri-2022")
    row = {
        "slug": "same-event",
        "title": "Massimov detained",
        "type": "arrest",
        "date": date,
        "date_note": "as the court said",
        "summary": "Detained.",
        "location": "Almaty",
        "status": "published",
        "participants": "karim-massimov:arrested; kassym-jomart-tokayev:initiator:gave the order",
        "source": "tengri-2022",
        "quote": "was detained",
        "locator": "para. 2",
        "credibility": "2",
    }
    arguments = {
        **{name: row[name] for name in ("slug", "title", "date", "date_note", "summary", "location", "status")},
        "type": EventType.objects.get(slug="arrest"),
        "participants": [
            {"actor": Actor.objects.get(slug="karim-massimov"), "role": ParticipantRole.objects.get(slug="arrested")},
            {
                "actor": Actor.objects.get(slug="kassym-jomart-tokayev"),
                "role": ParticipantRole.objects.get(slug="initiator"),
                "note": "gave the order",
            },
        ],
        "citations": [{"source": source, "quote": "was detained", "locator": "para. 2", "credibility": 2}],
    }
    try:
        with transaction.atomic():
            event_create(user=editor, **arguments)
            created = stored("same-event")
            raise Undo
    except Undo:
        pass

    report = events_import(rows=[row], user=editor)

    assert report.written
    assert stored("same-event") == created
    # The derived columns were filled, not left empty on both sides.
    assert created["event"][0]["sort_date"] == (created["event"][0]["date_start"] or created["event"][0]["date_end"])
    assert created["event"][0]["sort_date"] is not None
    assert [history["history_user_id"] for history in created["event history"]] == [editor.pk]


def test_new_events_are_written_in_a_fixed_number_of_queries(curator):
    SourceFactory(slug="tengri-2022")

    def queries(count, batch):
        rows = [
            {
                "slug": f"new-{batch}-{n}",
                "title": f"New {n}",
                "type": "arrest",
                "date": "2022-01",
                "participants": "karim-massimov:arrested; kassym-jomart-tokayev:initiator",
                "source": "tengri-2022",
                "quote": f"quote {n}",
            }
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as context:
            report = events_import(rows=rows, user=curator)
        assert report.written and report.count("create") == count
        return len(context.captured_queries)

    queries(1, "warm-up")  # the user's permissions are read once, then cached on the user
    assert queries(5, "few") == queries(40, "many")
    assert Event.history.count() == 46 and Participation.history.count() == 92 and Citation.history.count() == 46


def test_a_slug_someone_takes_while_the_file_is_checked_refuses_the_file(curator):
    rows = [{"slug": slug, "title": slug, "type": "arrest", "date": "2022"} for slug in ("first", "second")]

    def meanwhile(done, total):
        if done == total:
            EventFactory(slug="second", published=True)

    report = events_import(rows=rows, user=curator, progress=meanwhile)

    assert not report.written
    assert report.rows[0].action == "refuse" and "the database refused the new events" in report.rows[0].errors[0]
    assert not Event.objects.exists()
