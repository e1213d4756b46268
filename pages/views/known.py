"""The record as it stood at a past moment (`?known=`) on the pages, and what changed in it.

Pages that take `?known=<ISO date-time>` (the board, the actor, faction and office pages) read
through an `events.record.Record` and show a banner saying whose moment it is, with a link to
today's record. `/changes/` lists the writes of a period, newest first: each addition,
correction, retraction and deletion of an event, a membership or a tenure, with who made it and
what it changed, so an analyst can see how the picture of a month was built as reports came in.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from actors.models import Membership, Tenure
from core import page_cache
from core.history import KNOWN_PARAMETER, parse_moment
from core.visibility import sees_unpublished
from events.models import Event

from ..forms import day_field

CHANGES_PAGE = 100  # writes listed on one page of `/changes/`
DEFAULT_DAYS = 30  # how far back `/changes/` looks when no start is given
# Fields a change lists: what a reader sees of the record, not its derived columns and stamps.
UNLISTED = {"id", "created_at", "updated_at", "search_text", "sort_date"} | {
    f"{end}_{bound}" for end in ("start", "end", "date") for bound in ("lower", "upper", "start", "end")
}


def known_context(request, record):
    """What the banner of a page read `?known=` shows: the moment, and today's address."""
    if not record.past:
        return {}
    query = request.GET.copy()
    query.pop(KNOWN_PARAMETER, None)
    local = timezone.localtime(record.known)
    return {
        "known": local,
        "known_display": f"{local:%d %b %Y, %H:%M} ({local:%Z})",
        "today_url": request.path + (f"?{query.urlencode()}" if query else ""),
    }


def refused_moment(request, problem):
    """A 400 page for a `?known=` that is no date-time, saying why and how to write one."""
    return render(request, "pages/known_refused.html", {"problem": str(problem)}, status=400)


class MomentField(forms.Field):
    """A moment as `?known=` takes it: a date-time, or a day (its end)."""

    def to_python(self, value):
        if not value:
            return None
        try:
            return parse_moment(value)
        except ValueError as problem:
            raise forms.ValidationError(str(problem)) from None


class ChangesForm(forms.Form):
    since = MomentField(required=False, label="Written since", help_text="A day or a date-time.")
    until = MomentField(required=False, label="Written until", help_text="A day or a date-time; empty: now.")
    about_after = day_field("About events from")
    about_before = day_field("About events to")

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the period cannot be before its start.")
        return cleaned


@dataclass(frozen=True)
class Tracked:
    """A model whose writes `/changes/` lists, and the related rows that name one of its rows."""

    model: type
    noun: str
    related: tuple


TRACKED = (
    Tracked(Event, "event", ("type", "history_user")),
    Tracked(Membership, "membership", ("actor", "faction", "history_user")),
    Tracked(Tenure, "tenure", ("actor", "office", "history_user")),
)


@dataclass
class Change:
    """One write: when, by whom, what it did to which record, and the fields it changed."""

    when: datetime.datetime
    who: str
    what: str
    noun: str
    label: str
    href: str
    fields: list


def _history(tracked, form, user):
    """The newest `CHANGES_PAGE` history rows of `tracked` in the form's period, each with
    `previous_id`: the history row it followed, if any."""
    since = form.cleaned_data.get("since") or timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
    until = form.cleaned_data.get("until") or timezone.now()
    rows = tracked.model.history.filter(history_date__gte=since, history_date__lte=until)
    after, before = form.cleaned_data.get("about_after"), form.cleaned_data.get("about_before")
    if after or before:
        rows = rows.overlapping(after or datetime.date.min, before or datetime.date.max)
    earlier = tracked.model.history.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
    rows = rows.annotate(
        previous_id=Subquery(earlier.order_by("-history_date", "-history_id").values("history_id")[:1])
    )
    if tracked.model is Event and not sees_unpublished(user):
        # A reader who may not see drafts sees a write to an event that was published before
        # it or after it: a publication, a correction, a retraction; never a draft's edits.
        was_published = Event.history.filter(history_id=OuterRef("previous_id"), status=Event.Status.PUBLISHED)
        rows = rows.alias(was_published=Subquery(was_published.values("history_id")[:1])).filter(
            Q(status=Event.Status.PUBLISHED) | Q(was_published__isnull=False)
        )
    return list(rows.select_related(*tracked.related).order_by("-history_date", "-history_id")[:CHANGES_PAGE])


def _what(row, previous):
    if row.history_type == "+":
        return "added"
    if row.history_type == "-":
        return "deleted"
    status, before = getattr(row, "status", None), getattr(previous, "status", None)
    if status != before and status == Event.Status.RETRACTED:
        return "retracted"
    if status != before and status == Event.Status.PUBLISHED:
        return "published"
    return "corrected"


def _changed_fields(row, previous):
    """`(field name, before, after)` of what the write changed, in the reader's words."""
    if previous is None or row.history_type != "~":
        return []
    changed = []
    for change in row.diff_against(previous, excluded_fields=UNLISTED).changes:
        # The live model's field: history keeps many-to-many links (an event's `related`) apart.
        field = row.instance_type._meta.get_field(change.field)
        if field.is_relation:
            changed.append((field.verbose_name, "", ""))
        else:
            changed.append((field.verbose_name, str(change.old or "—")[:120], str(change.new or "—")[:120]))
    return changed


def _label(tracked, row):
    if tracked.model is Event:
        return row.title, reverse("events:event-detail", args=[row.slug])
    group = row.faction if tracked.model is Membership else row.office
    role = f"{row.get_role_display().lower()} of " if tracked.model is Membership else ""
    return f"{row.actor.name}: {role}{group.name}", reverse("actors:actor-detail", args=[row.actor.slug])


def _who(row):
    user = row.history_user
    return user.get_username() if user is not None and user.is_active else "a record load"


@page_cache.query_parameters(*ChangesForm.base_fields)
def record_changes(request):
    form = ChangesForm(request.GET)
    if not form.is_valid():
        return render(request, "pages/changes.html", {"form": form}, status=400)
    changes = []
    for tracked in TRACKED:
        rows = _history(tracked, form, request.user)
        previous = tracked.model.history.in_bulk([row.previous_id for row in rows if row.previous_id])
        for row in rows:
            before = previous.get(row.previous_id)
            label, href = _label(tracked, row)
            changes.append(
                Change(
                    row.history_date,
                    _who(row),
                    _what(row, before),
                    tracked.noun,
                    label,
                    href,
                    _changed_fields(row, before),
                )
            )
    changes.sort(key=lambda change: change.when, reverse=True)
    del changes[CHANGES_PAGE:]
    older = ""
    if len(changes) == CHANGES_PAGE:
        query = request.GET.copy()
        query["until"] = (changes[-1].when - datetime.timedelta(microseconds=1)).isoformat()
        older = f"?{query.urlencode()}"
    return render(request, "pages/changes.html", {"form": form, "changes": changes, "older": older})
