"""`core.rows.OwnedRows`: nested rows from SQL compiled once, the same as the ORM gives each time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.models import Alias, Membership
from core.rows import OwnedRows
from tests.factories import ActorFactory, AliasFactory, EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def aliases_of(ids):
    return Alias.objects.filter(actor_id__in=ids).order_by("actor_id", "name").values_list("actor_id", "name")


def test_rows_are_what_the_queryset_gives_for_any_ids():
    actors = ActorFactory.create_batch(3)
    for actor in actors:
        AliasFactory(actor=actor, name=f"{actor.name} (one)")
        AliasFactory(actor=actor, name=f"{actor.name} (two)")
    rows = OwnedRows(aliases_of)
    first, second, third = (actor.pk for actor in actors)

    # Compiled for one id, then run for others; compiled again for two.
    assert rows.rows([first]) == list(aliases_of([first]))
    assert rows.rows([third]) == list(aliases_of([third]))
    assert rows.rows([second, third]) == list(aliases_of([second, third]))
    assert rows.rows([third, third]) == list(aliases_of([third]))
    assert rows.rows([]) == []
    assert len(rows.compiled) == 2


def test_sql_is_compiled_once_for_each_number_of_ids():
    actor = ActorFactory()
    rows = OwnedRows(aliases_of)
    rows.rows([actor.pk])
    compiles = []
    rows.compile = lambda *arguments: compiles.append(arguments)

    with CaptureQueriesContext(connection) as queries:
        rows.rows([actor.pk + 1])

    assert compiles == []
    assert len(queries.captured_queries) == 1


def test_dates_and_values_are_converted_as_the_orm_converts_them():
    membership = MembershipFactory(start_date="2011-04", end_date="2019-03-19")

    def spans(ids):
        return Membership.objects.filter(actor_id__in=ids).values_list("start_lower", "end_upper", "created_at")

    assert OwnedRows(spans).rows([membership.actor_id]) == list(spans([membership.actor_id]))


def test_each_variant_has_its_own_sql():
    cause = EventFactory()
    membership = MembershipFactory(started_by=cause)

    def causes(ids, sees_unpublished):
        events = cause._meta.model.objects.visible(sees_unpublished=sees_unpublished)
        return Membership.objects.filter(actor_id__in=ids, started_by__in=events).values_list("pk")

    rows = OwnedRows(causes)

    assert rows.rows([membership.actor_id], True, variant=True) == [(membership.pk,)]
    assert rows.rows([membership.actor_id], False, variant=False) == []


def test_a_build_that_does_not_pass_its_ids_as_parameters_is_refused():
    with pytest.raises(ValueError, match="every id"):
        OwnedRows(lambda ids: Alias.objects.values_list("pk")).rows([1])
