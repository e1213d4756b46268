"""People who took part in the same events: the one rule for who met whom.

The graph exports and the network page both draw it; it lives here, beside the events it
reads, so that neither reader-facing app imports the other.
"""

from django.db.models import Count, F, Min, Q

from actors.models import Actor

from .models import Participation


def co_participants(events, **condition):
    """Participations joined to those of other people in the same event (each pair once, the
    lower actor id first), in `events`; `condition` must be in this one filter to name the same join."""
    return Participation.objects.filter(
        event__in=events,
        actor__kind=Actor.Kind.PERSON,
        event__participations__actor__kind=Actor.Kind.PERSON,
        actor_id__lt=F("event__participations__actor_id"),
        **condition,
    )


def co_participation(events):
    """Each pair of people with the number of `events` both took part in (an event counts once
    however many parts they played), the earliest first day of those events, and how many have
    no known first day: one GROUP BY."""
    return (
        co_participants(events)
        .values(person=F("actor__slug"), other=F("event__participations__actor__slug"))
        .annotate(
            weight=Count("event", distinct=True),
            first=Min("event__date_start"),
            undated=Count("event", distinct=True, filter=Q(event__date_start__isnull=True)),
        )
        .order_by("person", "other")
        .values_list("person", "other", "weight", "first", "undated")
    )


def pair_weights(events, **condition):
    """Each pair of people (slug and name of each, in `co_participants`' order) with the number
    of `events` both took part in; `condition` as `co_participants` takes it."""
    names = {
        "person": F("actor__slug"),
        "person_name": F("actor__name"),
        "other": F("event__participations__actor__slug"),
        "other_name": F("event__participations__actor__name"),
    }
    return (
        co_participants(events, **condition)
        .values(**names)
        .annotate(weight=Count("event", distinct=True))
        .order_by("person", "other")
        .values_list(*names, "weight")
    )


def people_met(actor_id, events):
    """The ids of the people who took part in one of `events` with the person `actor_id`: those
    `co_participants` pairs them with (none for an organisation)."""
    theirs = events.filter(participations__actor_id=actor_id, participations__actor__kind=Actor.Kind.PERSON)
    return set(
        Participation.objects.filter(event__in=theirs, actor__kind=Actor.Kind.PERSON)
        .exclude(actor_id=actor_id)
        .order_by()  # DISTINCT over the ids alone, not the participations' order too
        .values_list("actor_id", flat=True)
        .distinct()
    )
