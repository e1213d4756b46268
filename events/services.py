"""Writes that span several rows: an event with its participants and citations, deletions, merges.

Each function takes keyword arguments only, runs in one transaction, calls `full_clean()` on
every row it saves (so the model's own rules hold whoever calls: the API, the admin, a
script), records the acting user in history, and writes a Tombstone (`core.services`) when a
record leaves what some reader can see. The publishing rule lives here once:
`event_check_status_change`.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from actors.models import Actor, Alias, Identifier, Membership, Office, Tenure
from core.models import Tombstone
from core.services import (
    field_changes,
    match_rows,
    model_update,
    replace_rows,
    tombstone_if_renamed,
    tombstone_record,
    unique_slug,
    validated_save,
)

from .models import Citation, Event, Participation

PUBLISH_PERMISSION = "events.publish_event"
EVENT_FIELDS = (
    "title",
    "type",
    "date",
    "date_note",
    "summary",
    "location",
    "status",
    "retraction_reason",
    "parent",
    "slug",
)


def event_check_status_change(*, user, current, new):
    """The publishing rule, for the API and the admin alike.

    Anyone who may add or change events may keep a draft a draft. Publishing, retracting,
    and moving a published or retracted event anywhere else take "can publish events".
    `current` is None for a new event.
    """
    if new == current or (current is None and new == Event.Status.DRAFT):
        return
    if user is not None and user.has_perm(PUBLISH_PERMISSION):
        return
    raise PermissionDenied("Publishing, retracting or unpublishing an event needs the “can publish events” permission.")


def event_statuses_settable(*, user, current):
    """The statuses `user` may give an event now `current` (None for a new one), by the rule above:
    what a form offers, so that a curator is not shown a choice the save would refuse."""
    settable = []
    for status in Event.Status:
        try:
            event_check_status_change(user=user, current=current, new=status)
        except PermissionDenied:
            continue
        settable.append(status)
    return settable


def _check_publishable(event):
    """A published event cites at least one source (checked when it is published or its citations change)."""
    event.check_cited(citation_count=Citation.objects.filter(event=event).count())


# How an event's participations and citations are matched to the items that replace them, and
# what an item may change on the row it matches.
PARTICIPANT_KEY, PARTICIPANT_EDITABLE = ("actor", "role"), ("note",)
CITATION_KEY, CITATION_EDITABLE = ("source", "quote"), ("credibility", "locator", "note")


def _rows_differ(rows, items, key_names, editable):
    """Whether making `rows` exactly `items` would write anything."""
    dropped, kept, added = match_rows(rows, items, key_names, editable)
    return bool(dropped or added or any(field_changes(row, values) for _, row, values in kept))


def _replace_rows(event, model, field, items, user, key_names, editable):
    """Make the event's rows of `model` exactly `items`, writing only what differs."""
    replace_rows(
        rows=model.objects.filter(event=event).order_by("pk"),
        make_row=lambda: model(event=event),
        items=[{name: value for name, value in item.items() if name != "event"} for item in items],
        key_names=key_names,
        editable=editable,
        field=field,
        user=user,
    )


def _replace_participants(event, participants, user):
    """Make the event's participants exactly `participants`, matched by actor and role."""
    _replace_rows(event, Participation, "participants", participants, user, PARTICIPANT_KEY, PARTICIPANT_EDITABLE)


def _replace_citations(event, citations, user):
    """Make the event's citations exactly `citations`, matched by source and quote."""
    _replace_rows(event, Citation, "citations", citations, user, CITATION_KEY, CITATION_EDITABLE)


@transaction.atomic
def event_create(
    *,
    user,
    title,
    type,
    date,
    slug="",
    summary="",
    location="",
    date_note="",
    status=Event.Status.DRAFT,
    retraction_reason="",
    parent=None,
    related=(),
    participants=(),
    citations=(),
):
    """Create an event with its participants and citations, all or nothing.

    `participants` are dicts of actor, role (objects) and an optional note; `citations` dicts
    of source (object), quote, and optional credibility, locator and note.
    """
    event_check_status_change(user=user, current=None, new=status)
    event = Event(
        title=title,
        type=type,
        date=date,
        summary=summary,
        location=location,
        date_note=date_note,
        status=status,
        retraction_reason=retraction_reason,
        parent=parent,
    )
    event.slug = slug or unique_slug(model=Event, text=title)
    validated_save(event, user)
    if related:
        event.related.set(related)
    _replace_participants(event, participants, user)
    _replace_citations(event, citations, user)
    _check_publishable(event)
    return event


def _event_fields(data):
    """The event's own fields among event_update's arguments; an empty slug keeps the current one."""
    return {name: data[name] for name in EVENT_FIELDS if name in data and (name != "slug" or data[name])}


def _links_differ(event, related):
    return {linked.pk for linked in event.related.all()} != {linked.pk for linked in related}


def event_changes(*, event, data):
    """What `data` (event_update's arguments) would change on `event`: the names of its fields,
    and "related", "participants", "citations". Reads the event's links and rows as fetched, so
    a caller that prefetched them (the import) asks nothing more of the database."""
    changed = field_changes(event, _event_fields(data))
    if "related" in data and _links_differ(event, data["related"]):
        changed.append("related")
    for name, rows, key_names, editable in (
        ("participants", event.participations.all(), PARTICIPANT_KEY, PARTICIPANT_EDITABLE),
        ("citations", event.citations.all(), CITATION_KEY, CITATION_EDITABLE),
    ):
        if name in data and _rows_differ(rows, data[name], key_names, editable):
            changed.append(name)
    return changed


@transaction.atomic
def event_update(*, event, user, data):
    """Change an event: `data` holds any of event_create's arguments; what it omits stays.

    Only what differs is written: an event sent back as it is stored gets no history row and
    keeps its `updated_at`; changed participants or citations are their own rows' history.
    Moving a published event out of view, or changing its slug, leaves a tombstone.
    """
    # A fresh copy: the caller's may carry prefetched participants that are about to change.
    event = Event.objects.select_related("parent").get(pk=event.pk)
    old_status, old_slug = event.status, event.slug
    event_check_status_change(user=user, current=old_status, new=data.get("status", old_status))
    changed = model_update(instance=event, data=_event_fields(data), user=user)
    if "related" in data and _links_differ(event, data["related"]):
        if not changed:
            validated_save(event, user)  # the links are in the event's history, and mirrors see them by updated_at
        event.related.set(data["related"])
    if "participants" in data:
        _replace_participants(event, data["participants"], user)
    if "citations" in data:
        _replace_citations(event, data["citations"], user)
    if old_status != Event.Status.PUBLISHED or "citations" in data:
        _check_publishable(event)
    event_record_departure(event=event, old_status=old_status, old_slug=old_slug)
    return event


def event_record_departure(*, event, old_status, old_slug):
    """Leave a tombstone when a change moved the event out of a reader's view or renamed it.

    A tombstone never names what its reader may not see: an event renamed as it leaves the
    public record tells readers only that its old slug left, and the rename is for those who
    see drafts.
    """
    was_public = old_status == Event.Status.PUBLISHED
    stays_public = was_public and event.status == Event.Status.PUBLISHED
    tombstone_if_renamed(kind=Tombstone.Kind.EVENT, old_key=old_slug, new_key=event.slug, public=stays_public)
    if was_public and not stays_public:
        reason = Tombstone.Reason.RETRACTED if event.status == Event.Status.RETRACTED else Tombstone.Reason.UNPUBLISHED
        tombstone_record(kind=Tombstone.Kind.EVENT, key=old_slug or event.slug, reason=reason)


def event_deletable_by(*, event, user):
    """Drafts go with the delete permission alone; a published or retracted event also takes
    "can publish events", as retracting it would."""
    return event.status == Event.Status.DRAFT or (user is not None and user.has_perm(PUBLISH_PERMISSION))


@transaction.atomic
def event_delete(*, event, user):
    """Delete an event with its participations and citations; a published or retracted one
    takes the publishing permission, as retracting it would."""
    if not event_deletable_by(event=event, user=user):
        raise PermissionDenied("Deleting a published or retracted event needs the “can publish events” permission.")
    tombstone_record(
        kind=Tombstone.Kind.EVENT,
        key=event.slug,
        reason=Tombstone.Reason.DELETED,
        public=event.status == Event.Status.PUBLISHED,
    )
    event._history_user = user
    event.delete()


def _move_rows(rows, field, keep, user, twin_fields=()):
    """Point each row's `field` at `keep`. A row that would repeat one `keep` already has is
    dropped, after handing its citations to that twin (found by `twin_fields`)."""
    for row in rows:
        setattr(row, field, keep)
        row._history_user = user
        try:
            row.validate_constraints()
        except ValidationError:
            if twin_fields:
                twin = type(row).objects.get(**{name: getattr(row, name) for name in twin_fields})
                claim = type(row)._meta.model_name
                for citation in Citation.objects.filter(**{claim: row}):
                    setattr(citation, claim, twin)
                    validated_save(citation, user)
            row.delete()
            continue
        row.save()


@transaction.atomic
def actor_merge(*, keep, lose, user):
    """Merge `lose` into `keep`, two records of one actor, in one transaction.

    Everything that named `lose` names `keep` afterwards: aliases, identifiers, memberships,
    tenures (as holder, predecessor or appointer), offices, and event participations; rows that
    would repeat what `keep` already has are dropped, their citations kept on the twin. `lose`'s
    name stays findable as an alias of `keep`, and a tombstone tells API mirrors where it went.
    """
    if keep.pk == lose.pk:
        raise ValidationError("Choose two different actors to merge.")
    if keep.kind != lose.kind:
        raise ValidationError("A person and an organisation cannot be merged.")
    keep = Actor.objects.select_for_update().get(pk=keep.pk)
    lose = Actor.objects.select_for_update().get(pk=lose.pk)
    if lose.name != keep.name:
        _move_rows([Alias(actor=lose, name=lose.name, lang="en", note=f"merged from {lose.slug}")], "actor", keep, user)
    _move_rows(Alias.objects.filter(actor=lose), "actor", keep, user)
    _move_rows(Identifier.objects.filter(actor=lose), "actor", keep, user)
    _move_rows(Membership.objects.filter(actor=lose), "actor", keep, user, ("actor", "faction", "role", "start_date"))
    _move_rows(Tenure.objects.filter(actor=lose), "actor", keep, user, ("actor", "office", "start_date"))
    # One person cannot have succeeded themselves: a link between the two records goes.
    for tenure in Tenure.objects.filter(actor=keep, predecessor=lose):
        tenure.predecessor = None
        validated_save(tenure, user)
    _move_rows(Tenure.objects.filter(predecessor=lose), "predecessor", keep, user)
    _move_rows(Tenure.objects.filter(appointed_by=lose), "appointed_by", keep, user)
    _move_rows(Office.objects.filter(organization=lose), "organization", keep, user)
    _move_rows(Participation.objects.filter(actor=lose), "actor", keep, user)
    tombstone_record(kind=Tombstone.Kind.ACTOR, key=lose.slug, reason=Tombstone.Reason.MERGED, replaced_by=keep.slug)
    lose._history_user = user
    lose.delete()
    keep._history_user = user
    keep.save()  # a new updated_at tells mirrors to fetch it again
    return keep


DRAFT_CHANGES_NOTHING = (
    "A draft changes nothing readers see: its participants' offices and memberships can be ended "
    "when the event is published (with this box, or the action on the list of events)."
)
# Events that can end what their subjects held, and the parts in them that lose it.
SPAN_ENDING_TYPES = ("arrest", "detention", "dismissal", "death")
SPAN_ENDING_ROLES = ("subject", "accused", "arrested", "detained", "dismissed", "deceased", "resigned", "sentenced")


def event_open_spans(*, event):
    """The open tenures and memberships of the event's affected participants that began by its date."""
    if event.type.slug not in SPAN_ENDING_TYPES or not event.date_end:
        return []
    actors = Participation.objects.filter(event=event, role__slug__in=SPAN_ENDING_ROLES).values("actor_id")
    began = Q(start_lower__lte=event.date_end) | Q(start_lower__isnull=True)
    spans = []
    for model, related in ((Tenure, "office"), (Membership, "faction")):
        rows = model.objects.filter(began, actor_id__in=actors, end_date="").select_related("actor", related)
        spans.extend(rows.order_by_start())
    return spans


@transaction.atomic
def event_end_spans(*, event, user):
    """End each open span `event_open_spans` finds at the event's date, linked to the event
    (`ended_by`), so the board on a later date can name the cause. Returns the ended spans.

    Only a published event ends anything: a draft changes nothing the public sees.
    """
    if event.status != Event.Status.PUBLISHED:
        raise ValidationError(f"“{event}”: {DRAFT_CHANGES_NOTHING}")
    spans = event_open_spans(event=event)
    for span in spans:
        span.end_date = event.date
        span.ended_by = event
        try:
            validated_save(span, user)
        except ValidationError as error:
            raise ValidationError(f"{span}: {' '.join(error.messages)}") from error
    return spans


def event_duplicates(*, type, date, actors, exclude=None):
    """Events that may be this one again: the same type, a date range that meets `date`, and at
    least one of `actors` taking part. Warns curators and the API; never blocks on its own."""
    probe = Event(date=date)
    try:
        probe.fill_date_bounds()
    except ValidationError:
        return Event.objects.none()
    took_part = Participation.objects.filter(event=OuterRef("pk"), actor__in=[actor.pk for actor in actors])
    candidates = Event.objects.filter(Exists(took_part), type=type)
    candidates = candidates.overlapping(probe.date_start, probe.date_end)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    return candidates.order_by("pk")
