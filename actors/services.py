"""Writes about who holds what: a new tenure closes the open one of a one-seat office.

Keyword-only, atomic, `full_clean()` before each save, the acting user named in history.
Fixture loads never come here: they record what sources say, overlaps and all.
"""

from django.db import transaction
from django.db.models import Q

from .models import Tenure


def _save(row, user):
    row._history_user = user
    row.full_clean()
    row.save()


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
            _save(previous, user)
            closed.append(previous)
    if closed and not tenure.predecessor_id:
        tenure.predecessor = closed[-1].actor
    _save(tenure, user)
    return closed


def closed_message(closed):
    """What a curator is told about the tenures a new one closed."""
    return "; ".join(f"Ended {tenure.actor}'s tenure as {tenure.office} on {tenure.end_display}." for tenure in closed)
