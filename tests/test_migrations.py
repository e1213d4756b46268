"""Migrations that move data keep it: the tombstone log's move from `events` to `core`."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_THE_MOVE = [("events", "0003_vocabulary_terms"), ("core", None)]


def migrate(targets):
    """Migrate to `targets`; the models as they stand there (a target of None is left out)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_existing_tombstones_and_their_permissions_survive_the_move_to_core():
    old_apps = migrate(BEFORE_THE_MOVE)
    OldTombstone = old_apps.get_model("events", "Tombstone")
    OldTombstone.objects.create(kind="actor", key="karim-masimov", reason="merged", replaced_by="karim-massimov")
    assert Permission.objects.filter(content_type__app_label="events", codename="view_tombstone").exists()

    new_apps = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Tombstone = new_apps.get_model("core", "Tombstone")
    moved = Tombstone.objects.get(key="karim-masimov")
    assert (moved.kind, moved.reason, moved.replaced_by) == ("actor", "merged", "karim-massimov")
    assert Permission.objects.filter(content_type__app_label="core", codename="view_tombstone").exists()
    assert not Permission.objects.filter(content_type__app_label="events", codename="view_tombstone").exists()


BEFORE_KEYS = [("actors", "0004_office_seats"), ("events", "0013_event_text_trigram_indexes")]


@pytest.mark.django_db(transaction=True)
def test_the_key_migration_joins_the_doubles_an_earlier_release_left_keeping_a_persons_edit():
    old_apps = migrate(BEFORE_KEYS)
    User = old_apps.get_model("auth", "User")
    Actor, Office = old_apps.get_model("actors", "Actor"), old_apps.get_model("actors", "Office")
    Tenure, HistoricalTenure = old_apps.get_model("actors", "Tenure"), old_apps.get_model("actors", "HistoricalTenure")
    Source, Citation = old_apps.get_model("events", "Source"), old_apps.get_model("events", "Citation")
    loads, person = User.objects.create(username="fixtures"), User.objects.create(username="curator")
    knb = Office.objects.create(slug="chairman-of-the-knb", name="Chairman of the KNB")
    premiership = Office.objects.create(slug="prime-minister-of-kazakhstan", name="Prime Minister")
    massimov = Actor.objects.create(slug="karim-massimov", name="Karim Massimov")
    sagintayev = Actor.objects.create(slug="bakytzhan-sagintayev", name="Bakytzhan Sagintayev")
    article = Source.objects.create(slug="shadow-governance-kazakhstan-2017", title="The article")
    report = Source.objects.create(slug="diplomat-2023-04-massimov-sentenced", title="A report")

    def tenure(actor, office, start, user, note=""):
        row = Tenure.objects.create(actor=actor, office=office, start_date=start, note=note)
        fields = {field.attname: getattr(row, field.attname) for field in Tenure._meta.concrete_fields}
        HistoricalTenure.objects.create(**fields, history_date=timezone.now(), history_type="+", history_user=user)
        return row

    # Each release's start date loaded as a row of its own; a curator edited the older KNB row.
    old_knb = tenure(massimov, knb, "2016-09~/2017-09~", person, note="Checked by a curator.")
    new_knb = tenure(massimov, knb, "2016-08/2017-12", loads)
    tenure(sagintayev, premiership, "2016-09~", loads)
    new_premiership = tenure(sagintayev, premiership, "2016-08/2016-12", loads)
    Citation.objects.create(source=article, tenure=old_knb, quote="now the head of the security services")
    Citation.objects.create(source=report, tenure=new_knb, quote="from 2016 until January 5, 2022")
    tenure(massimov, premiership, "2099", person)  # no earlier release named it: a key of its own

    new_apps = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Tenure = new_apps.get_model("actors", "Tenure")
    (knb_row,) = Tenure.objects.filter(office__slug="chairman-of-the-knb")
    assert (knb_row.pk, knb_row.note, knb_row.key) == (
        old_knb.pk,
        "Checked by a curator.",
        "karim-massimov-chairman-of-the-knb-2016",
    )
    assert set(knb_row.citations.values_list("source__slug", flat=True)) == {article.slug, report.slug}
    (kept,) = Tenure.objects.filter(actor__slug="bakytzhan-sagintayev")
    assert (kept.pk, kept.key) == (new_premiership.pk, "bakytzhan-sagintayev-prime-minister-of-kazakhstan-2016")
    deleted = new_apps.get_model("actors", "HistoricalTenure").objects.filter(history_type="-")
    assert sorted(deleted.values_list("id", flat=True)) == sorted([new_knb.pk, new_premiership.pk - 1])
    assert {row.history_user.username for row in deleted} == {"fixtures"}
    assert len(Tenure.objects.get(start_date="2099").key) == 32
    assert new_apps.get_model("events", "Citation").objects.filter(key="").count() == 0


BEFORE_SEARCH_TEXT = [("events", "0016_more_languages")]


@pytest.mark.django_db(transaction=True)
def test_events_recorded_before_the_folded_text_are_found_in_any_script_after_it():
    old_apps = migrate(BEFORE_SEARCH_TEXT)
    EventType, Event = old_apps.get_model("events", "EventType"), old_apps.get_model("events", "Event")
    resignation = EventType.objects.create(slug="resignation", name="Resignation")
    Event.objects.create(slug="resigns", title="Nazarbayev resigns", type=resignation, date="2019-03-19")
    Event.objects.create(slug="decree", title="A decree", summary="Указ подписал Токаев.", type=resignation)

    new_apps = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    Event = new_apps.get_model("events", "Event")
    assert dict(Event.objects.values_list("slug", "search_text")) == {
        "resigns": "nazarbaev resigns",
        "decree": "a decre ukaz podpisal tokaev",  # doubled letters fold to one
    }
