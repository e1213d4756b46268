"""Fixture loading fills derived columns, records history, and is idempotent."""

import json

import pytest
from django.core.management import call_command

from actors.models import Actor, Alias
from events.models import Citation, Event

pytestmark = pytest.mark.django_db

FIXTURE = [
    {"model": "actors.actor", "fields": {"slug": "karim-massimov", "name": "Karim Massimov", "kind": "person"}},
    {"model": "actors.alias", "fields": {"actor": ["karim-massimov"], "name": "Кәрім Мәсімов", "lang": "kk-Cyrl"}},
    {"model": "events.eventtype", "fields": {"slug": "appointment", "name": "Appointment"}},
    {
        "model": "events.source",
        "fields": {"slug": "article", "title": "The article", "kind": "analysis", "published_date": "2017-09~"},
    },
    {
        "model": "events.event",
        "fields": {
            "slug": "massimov-to-knb",
            "title": "Massimov heads the KNB",
            "type": ["appointment"],
            "date": "2016-09~",
            "status": "published",
            "related": [],
        },
    },
    {
        "model": "events.citation",
        "fields": {
            "source": ["article"],
            "event": ["massimov-to-knb"],
            "quote": "a former prime minister now the head of the security services",
            "credibility": 2,
        },
    },
]


@pytest.fixture
def fixture_file(tmp_path):
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(FIXTURE, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_loaded_rows_get_their_date_bounds_and_search_keys(fixture_file):
    call_command("loaddata", fixture_file, verbosity=0)
    event = Event.objects.get(slug="massimov-to-knb")
    assert (str(event.date_start), str(event.date_end)) == ("2016-09-01", "2016-09-30")
    assert list(Actor.objects.matching("Мәсімов")) == [Actor.objects.get(slug="karim-massimov")]
    assert Alias.objects.get().search_key == "karim masimov"


def test_a_fixture_row_holding_a_control_character_stops_the_load(tmp_path):
    broken = json.loads(json.dumps(FIXTURE))
    broken[4]["fields"]["title"] = "Massimov\x0bheads the KNB"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken), encoding="utf-8")

    with pytest.raises(ValueError, match=r"event massimov-to-knb: title: Control characters \(such as U\+000B\)"):
        call_command("loaddata", str(path), verbosity=0)
    assert not Event.objects.exists()


def test_loading_twice_creates_no_duplicates_and_no_extra_history(fixture_file):
    call_command("loaddata", fixture_file, verbosity=0)
    call_command("loaddata", fixture_file, verbosity=0)
    assert Actor.objects.count() == 1
    assert Alias.objects.count() == 1
    assert Event.objects.count() == 1
    assert Citation.objects.count() == 1
    assert Event.history.count() == 1
    assert Citation.history.get().history_change_reason == "Loaded from fixture"


def test_reloading_a_changed_fixture_updates_in_place_and_records_the_change(fixture_file, tmp_path):
    call_command("loaddata", fixture_file, verbosity=0)
    changed = json.loads(json.dumps(FIXTURE))
    changed[4]["fields"]["date"] = "2016-09"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    event = Event.objects.get()
    assert event.date == "2016-09"
    assert list(event.history.values_list("history_type", flat=True)) == ["~", "+"]


def test_reloading_changes_only_links_still_applies_them(fixture_file, tmp_path):
    call_command("loaddata", fixture_file, verbosity=0)
    linked = json.loads(json.dumps(FIXTURE))
    linked.append(
        {
            "model": "events.event",
            "fields": {
                "slug": "sagintayev-pm",
                "title": "Sagintayev replaces Massimov as prime minister",
                "type": ["appointment"],
                "date": "2016-09~",
                "status": "published",
                "related": [["massimov-to-knb"]],
            },
        }
    )
    path = tmp_path / "linked.json"
    path.write_text(json.dumps(linked), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    assert list(Event.objects.get(slug="massimov-to-knb").related.values_list("slug", flat=True)) == ["sagintayev-pm"]
    linked[-1]["fields"]["related"] = []
    path.write_text(json.dumps(linked), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    assert not Event.objects.get(slug="massimov-to-knb").related.exists()


def test_loads_are_recorded_by_the_inactive_fixtures_user(fixture_file):
    call_command("loaddata", fixture_file, verbosity=0)
    recorded = Actor.history.get()
    assert recorded.history_user.username == "fixtures"
    assert not recorded.history_user.is_active
    assert not recorded.history_user.has_usable_password()


def test_a_curators_edit_survives_a_reload_and_the_summary_names_it(fixture_file, tmp_path, client, curator):
    from io import StringIO

    call_command("loaddata", fixture_file, verbosity=0)
    actor = Actor.objects.get(slug="karim-massimov")
    client.force_login(curator)
    response = client.patch(
        f"/api/v1/actors/{actor.slug}/", {"summary": "Detained in January 2022."}, content_type="application/json"
    )
    assert response.status_code == 200

    # The fixture meanwhile changes the actor (name) and the event (title); only the unedited event follows it.
    changed = json.loads(json.dumps(FIXTURE))
    changed[0]["fields"]["name"] = "Karim Masimov"
    changed[4]["fields"]["title"] = "Massimov becomes KNB chairman"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    out = StringIO()
    call_command("loaddata", str(path), verbosity=1, stdout=out)

    actor.refresh_from_db()
    assert (actor.name, actor.summary) == ("Karim Massimov", "Detained in January 2022.")
    assert Event.objects.get().title == "Massimov becomes KNB chairman"
    assert "kept 1 record edited since: actor karim-massimov" in out.getvalue()
    assert actor.history.first().history_user == curator


def test_an_unchanged_row_that_names_a_row_a_later_file_adds_keeps_its_timestamps(fixture_file, tmp_path):
    """The upgrade of a database from an earlier release: an event it holds, unchanged, now
    names an event that only a later file of today's fixtures adds (a forward reference)."""
    call_command("loaddata", fixture_file, verbosity=0)
    before = Event.objects.get(slug="massimov-to-knb")
    first = json.loads(json.dumps(FIXTURE))
    first[4]["fields"]["related"] = [["sagintayev-pm"]]
    later = [
        {
            "model": "events.event",
            "fields": {
                "slug": "sagintayev-pm",
                "title": "Sagintayev replaces Massimov as prime minister",
                "type": ["appointment"],
                "date": "2016-09-08",
                "status": "published",
                "related": [],
            },
        }
    ]
    (tmp_path / "01.json").write_text(json.dumps(first), encoding="utf-8")
    (tmp_path / "02.json").write_text(json.dumps(later), encoding="utf-8")

    call_command("loaddata", str(tmp_path / "01.json"), str(tmp_path / "02.json"), verbosity=0)

    after = Event.objects.get(slug="massimov-to-knb")
    assert (after.created_at, after.updated_at) == (before.created_at, before.updated_at)
    assert list(after.related.values_list("slug", flat=True)) == ["sagintayev-pm"]
