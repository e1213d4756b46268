"""Every model keeps its history: who changed what, and when."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from simple_history.models import HistoricalChanges
from simple_history.utils import update_change_reason

from tests.factories import ActorFactory, CitationFactory, EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db


# A tombstone is itself an append-only record of a change; it has no history of its own.
WITHOUT_HISTORY = {"Tombstone"}


def test_every_project_model_has_history():
    for app in ("actors", "events"):
        for model in apps.get_app_config(app).get_models():
            if issubclass(model, HistoricalChanges) or model._meta.auto_created or model.__name__ in WITHOUT_HISTORY:
                continue
            assert hasattr(model, "history"), f"{model.__name__} keeps no history"


@pytest.mark.parametrize("factory", [ActorFactory, EventFactory, MembershipFactory, CitationFactory])
def test_create_change_and_delete_each_leave_a_history_row(factory):
    row = factory()
    model = type(row)
    pk = row.pk
    row.note = "edited" if hasattr(row, "note") else ""
    if hasattr(row, "summary"):
        row.summary = "edited"
    row.save()
    row.delete()
    kinds = list(model.history.filter(id=pk).order_by("history_id").values_list("history_type", flat=True))
    assert kinds == ["+", "~", "-"]


def test_history_row_says_who_changed_what():
    user = get_user_model().objects.create_user("editor")
    actor = ActorFactory(name="Karim Masimov")
    actor.name = "Karim Massimov"
    actor._history_user = user
    actor.save()
    update_change_reason(actor, "spelling")
    newest, oldest = actor.history.all()[0], actor.history.all()[1]
    assert newest.history_user == user
    assert newest.history_change_reason == "spelling"
    changes = newest.diff_against(oldest).changes
    assert [(change.field, change.old, change.new) for change in changes if change.field == "name"] == [
        ("name", "Karim Masimov", "Karim Massimov")
    ]


def test_history_can_restore_an_earlier_version():
    actor = ActorFactory(summary="first")
    actor.summary = "vandalised"
    actor.save()
    actor.history.earliest().instance.save()
    actor.refresh_from_db()
    assert actor.summary == "first"
