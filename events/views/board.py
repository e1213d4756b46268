"""The board on a date (`/as-of/YYYY-MM-DD/`): who held each office and sat in each faction.

`?compare=YYYY-MM-DD` adds what changed between the two dates, earlier to later: who
entered or left each office and faction, each change with the event recorded as its cause.
A line whose dates are uncertain on the day is marked "possibly", with the reason.
"""

import datetime

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from actors.models import Membership, Tenure
from actors.spans import doubt_on
from core.dates import display

from .details import can_see_drafts, with_visible_causes


class BoardForm(forms.Form):
    date = forms.DateField(required=False, label="Board on", widget=forms.DateInput(attrs={"type": "date"}))
    compare = forms.DateField(required=False, label="Compare with", widget=forms.DateInput(attrs={"type": "date"}))


def board_jump(request):
    """`/as-of/?date=...&compare=...` (the date picker's form) redirects to the board's own address."""
    form = BoardForm(request.GET)
    if form.is_valid():
        day = form.cleaned_data["date"] or datetime.date.today()
        target = reverse("actors:board", args=[day.isoformat()])
        if form.cleaned_data["compare"]:
            target += f"?compare={form.cleaned_data['compare'].isoformat()}"
        return redirect(target)
    return render(request, "actors/board.html", {"form": form}, status=400)


def _on(model, day, *related):
    rows = list(model.objects.at(day).select_related("actor", "started_by__type", "ended_by__type", *related))
    for row in rows:
        row.doubt = doubt_on(row, day)
    return rows


def _grouped(rows, group_of):
    groups = {}
    for row in rows:
        groups.setdefault(group_of(row), []).append(row)
    return [
        {"holder": holder, "rows": sorted(members, key=lambda row: (row.start_lower or datetime.date.min, row.pk))}
        for holder, members in sorted(groups.items(), key=lambda item: item[0].name)
    ]


def changes(before, after, group_of, href_of):
    """Per office or faction whose people differ between two boards: who came, who went."""
    lines = []
    earlier = {}
    for row in before:
        earlier.setdefault(group_of(row), {})[row.actor_id] = row
    later = {}
    for row in after:
        later.setdefault(group_of(row), {})[row.actor_id] = row
    for holder in sorted(set(earlier) | set(later), key=lambda holder: holder.name):
        old, new = earlier.get(holder, {}), later.get(holder, {})
        came = [new[actor] for actor in new if actor not in old]
        went = [old[actor] for actor in old if actor not in new]
        if came or went:
            lines.append({"holder": holder, "href": href_of(holder), "came": came, "went": went})
    return lines


def _office_url(office):
    return reverse("actors:office-detail", args=[office.slug])


def board(request, day):
    try:
        day = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404("No such date.") from None
    form = BoardForm(request.GET or None, initial={"date": day})
    compare = None
    if form.is_bound and form.is_valid():
        compare = form.cleaned_data["compare"]
    tenures = with_visible_causes(_on(Tenure, day, "office"), request.user)
    memberships = with_visible_causes(_on(Membership, day, "faction"), request.user)
    context = {
        "day": day,
        "day_display": display(day.isoformat()),
        "form": form,
        "offices": _grouped(tenures, lambda row: row.office),
        "factions": _grouped(memberships, lambda row: row.faction),
        "can_see_drafts": can_see_drafts(request.user),
    }
    if compare is not None:
        earlier, later = sorted([day, compare])
        other_tenures = with_visible_causes(_on(Tenure, compare, "office"), request.user)
        other_memberships = with_visible_causes(_on(Membership, compare, "faction"), request.user)
        by_day = {day: (tenures, memberships), compare: (other_tenures, other_memberships)}
        context.update(
            {
                "compare": compare,
                "earlier": display(earlier.isoformat()),
                "later": display(later.isoformat()),
                "office_changes": changes(by_day[earlier][0], by_day[later][0], lambda row: row.office, _office_url),
                "faction_changes": changes(
                    by_day[earlier][1],
                    by_day[later][1],
                    lambda row: row.faction,
                    lambda faction: faction.get_absolute_url(),
                ),
                "swap_url": reverse("actors:board", args=[compare.isoformat()]) + f"?compare={day.isoformat()}",
            }
        )
    return render(request, "actors/board.html", context, status=400 if form.errors else 200)
