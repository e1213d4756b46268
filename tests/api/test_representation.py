"""The hand-written `to_representation` of events and actors answers exactly what DRF's own walk over
the declared fields answers, for every event and actor of the article's data."""

import pytest
from django.db.models import Prefetch
from django.test import RequestFactory
from rest_framework import serializers

from actors.models import Actor, Membership, Tenure, with_api_rows
from actors.serializers import ActorSerializer
from events.models import Event
from events.serializers import EventSerializer

pytestmark = pytest.mark.django_db


def drf_walk(serializer_class, instance, context):
    """What DRF's ModelSerializer.to_representation gives, bypassing the override."""
    return serializers.ModelSerializer.to_representation(serializer_class(context=context), instance)


def test_event_json_is_what_drf_would_write(record):
    context = {"request": RequestFactory().get("/")}
    events = Event.objects.for_api(None)
    assert events.count() > 50
    # DRF's walk reads the related managers: give it the related events a reader sees, in id order.
    walked = events.prefetch_related(Prefetch("related", Event.objects.published().order_by("pk"))).in_bulk()
    for event in events:
        assert EventSerializer(event, context=context).data == drf_walk(EventSerializer, walked[event.pk], context)


def test_actor_json_is_what_drf_would_write(record):
    context = {"request": RequestFactory().get("/")}
    actors = with_api_rows(Actor.objects.all())
    assert actors.filter(tenures__predecessor__isnull=False).exists()
    # DRF's walk reads model rows: give it memberships and tenures with the causes a reader sees.
    walked = Actor.objects.prefetch_related(
        *(
            Prefetch(name, model.objects.with_visible_causes(None).order_by_start(), to_attr=f"{name[:-1]}_rows")
            for name, model in (("memberships", Membership), ("tenures", Tenure))
        )
    ).in_bulk()
    for actor in actors:
        assert ActorSerializer(actor, context=context).data == drf_walk(ActorSerializer, walked[actor.pk], context)
