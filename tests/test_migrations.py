"""Migrations that move data keep it: the tombstone log's move from `events` to `core`."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

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
