"""Writes about who is who: an actor with its names and identifiers; a new tenure closes the
open one of a one-seat office.

Keyword-only, atomic, `full_clean()` before each save, the acting user named in history.
Fixture loads never come here: they record what sources say, overlaps and all.
"""

from django.db import transaction
from django.db.models import Q

from core.services import model_update, replace_rows, validated_save

from .models import Alias, Identifier, Tenure


@transaction.atomic
def tenure_create(*, tenure, user):
    """Save a new `tenure`; at a one-seat office, end each open tenure that began before it.

    Each closed tenure ends on the new start (and, when the new tenure names the event that
    began it, is ended by that event); the new tenure's predecessor is the last one closed
    unless the caller named one. Returns the closed tenures, oldest first.
    """
    tenure.full_clean()  # fills the date bounds the search below needs
    closed = []
    if tenure.is_single_seat and tenure.start_lower is not None:
        open_tenures = (
            Tenure.objects.select_for_update()
            .filter(office_id=tenure.office_id, end_date="")
            .filter(Q(start_lower__lt=tenure.start_lower) | Q(start_lower__isnull=True))
            .exclude(actor_id=tenure.actor_id)
            .select_related("actor", "office")
            .order_by_start()
        )
        for previous in open_tenures:
            previous.end_date = tenure.start_date
            if tenure.started_by_id and not previous.ended_by_id:
                previous.ended_by_id = tenure.started_by_id
            validated_save(previous, user)
            closed.append(previous)
    if closed and not tenure.predecessor_id:
        tenure.predecessor = closed[-1].actor
    validated_save(tenure, user)
    return closed


def closed_message(closed):
    """What a curator is told about the tenures a new one closed."""
    return "; ".join(f"Ended {tenure.actor}'s tenure as {tenure.office} on {tenure.end_display}." for tenure in closed)


def _replace_nested(actor, model, field, key_names, items, user):
    """Make `actor`'s rows of `model` exactly `items` (dicts), matched by `key_names`."""
    rows = model.objects.filter(actor=actor).order_by("pk")
    replace_rows(
        rows=rows, make_row=lambda: model(actor=actor), items=items, key_names=key_names, field=field, user=user
    )


@transaction.atomic
def actor_save(*, actor, user, data, aliases=None, identifiers=None):
    """Save `actor` with `data` (its own fields) and, when given, make its aliases and identifiers
    exactly the lists given (dicts of name and lang; of scheme and identifier), as an event's
    participants are replaced. An invalid row is a ValidationError naming the list and row.
    A row that the data leaves as it is stored is not written (`model_update`)."""
    model_update(instance=actor, data=data, user=user)
    if aliases is not None:
        _replace_nested(actor, Alias, "aliases", ("name", "lang"), aliases, user)
    if identifiers is not None:
        _replace_nested(actor, Identifier, "identifiers", ("scheme", "identifier"), identifiers, user)
    return actor
