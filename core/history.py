"""The record as it stood at a past moment, read from the history every write leaves.

Every tracked model keeps a history table (django-simple-history): one row per save or delete,
with the whole row as it was written, when and by whom. The rows of a model as they stood at
a moment are, for each id, the latest history row written by then, unless that one records a
deletion. `as_known()` is that queryset; its rows carry the live model's field names, so the
same filters run over them as over the live table.

A history row is no instance of the live model and has none of its methods. `as_instances()`
turns fetched rows into unsaved live instances, with the related rows they were fetched with
and their annotations, so that pages and serializers written for the live record show the past
one unchanged.
"""

import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .framework import set_prefetched

KNOWN_PARAMETER = "known"  # the query parameter that names a past moment, on pages and API lists


def as_known(model, when):
    """The rows of `model` as they stood at `when` (an aware datetime): history rows, one per id.

    A row stands if it is the newest of its id written by then: a lookup by id in the history
    table's index, which later filters on the rows (a span's dates, say) cannot change, so none
    picks an older version that happens to match it.
    """
    history = model.history.filter(history_date__lte=when)
    newest = history.filter(id=OuterRef("id")).order_by("-history_date", "-history_id").values("history_id")[:1]
    return history.filter(history_id=Subquery(newest)).exclude(history_type="-")


def as_instances(rows, *related, annotations=()):
    """Each history row of `rows` as an unsaved instance of its live model, the same values in
    its fields; the related rows named by `related` (fetched with `select_related`) and the
    `annotations` are carried over, so reading them costs no query."""
    instances = []
    for row in rows:
        model = row.instance_type
        # The fields history keeps (not those it leaves out, which `row.instance` would fetch
        # from the live table, a query per row and today's values).
        kept = {field.attname for field in row._meta.concrete_fields}
        values = {
            field.attname: getattr(row, field.attname) for field in model._meta.concrete_fields if field.attname in kept
        }
        instance = model(**values)
        for name in related:
            setattr(instance, name, getattr(row, name))
        for name in annotations:
            setattr(instance, name, getattr(row, name))
        instances.append(instance)
    return instances


def parse_moment(text):
    """`text` as an aware datetime: an ISO date-time ("2026-11-20T09:30", offsets allowed; none
    means the site's time zone) or a day (its end: what was known by the close of it).
    ValueError, saying what is wrong, when it is neither."""
    text = (text or "").strip()
    try:
        if len(text) == 10:
            moment = datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time.max)
        else:
            moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"“{text[:40]}” is no date-time: give it as YYYY-MM-DD or YYYY-MM-DDTHH:MM, e.g. 2026-11-20T09:30."
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def attach_related(instances, name, rows, owner):
    """Give each of `instances` the `rows` whose `owner` attribute is its id as its related
    manager `name` (`event.participations.all()`), as `prefetch_related` would, without a query.
    History rows cannot be prefetched through a relation (their tables have none)."""
    by_owner = {}
    for row in rows:
        by_owner.setdefault(getattr(row, owner), []).append(row)
    for instance in instances:
        set_prefetched(instance, name, by_owner.get(instance.pk, []))
