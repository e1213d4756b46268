"""What the pages draw: the events' time axis and the bars of memberships and tenures.

The view fetches the rows (for the events, one GROUP BY over the whole filtered result);
these functions only place them on a `core.axis.Axis`, so templates draw without thinking.
"""

import datetime
import math
from dataclasses import dataclass

from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from actors.models import Membership
from core.dates import MONTHS, display

from ..axis import BAR_LANE_HEIGHT, LANE_HEIGHT, Axis, month_end, month_start

MAX_LANES = 10
BAR_HEIGHT = 12  # a span's bar, in a lane BAR_LANE_HEIGHT high
REPORT_HEIGHT = 16  # the tick that marks a span's latest report, a little taller than its bar
# Up to this many events, each has a mark of its own; beyond it, a mark stands for a month.
MAX_SINGLES = 300
# Beyond this many months with events, a mark stands for a year.
MAX_MONTHS = 48


SHAPES = {0: "point", 1: "range", 2: "open"}
# How far (per cent of the axis) the bar of an event known only by its end fades in from.
OPEN_BAR = 4.5
# A mark of a lane standing for more than this many factions or people links to its period
# alone: the address would otherwise name them all.
MAX_NARROWED = 20


@dataclass(frozen=True)
class LaneKind:
    """What the lanes of an event axis stand for (`EventQuerySet.with_lane`)."""

    param: str  # the timeline's filter that narrows to a lane
    plural: str
    alone: str  # the lane of events in none ("No faction on record"), if there can be one
    counted: str  # a mark standing for several events: "3 × Arrest", "3 events of Old Guard"

    def label(self, count, name):
        return self.counted.format(count=count, name=name, events=f"event{pluralize(count)}")


LANE_KINDS = {
    "type": LaneKind("type", "types", "", "{count} × {name}"),
    "faction": LaneKind("faction", "factions", "No faction on record", "{count} {events} of {name}"),
    "person": LaneKind("actor", "people", "No person on record", "{count} {events} with {name}"),
}


def event_axis(buckets, singles, lanes, *, by="type", query, total=None):
    """The filtered events on an axis, one lane per type, faction or person (`by`); the
    rarest share one lane, and events in none (no one on record) have one of their own.

    `buckets` come from `EventQuerySet.axis_buckets(by)` (and `without_lane(by)`'s, with lane
    None); `lanes` names each lane key: {key: (slug, name)}. `singles` are up to
    `MAX_SINGLES + 1` events (`EventQuerySet.axis_marks()`), each with the `lanes` it is in:
    when they are all there is, each gets a mark of its own in each of its lanes. Otherwise a
    mark stands for a month, or a year when the result spans more than `MAX_MONTHS` months,
    so there are never more than lanes x periods x shapes marks, whatever the number of events.
    `query` is the page's filter (a QueryDict), which a mark standing for several events
    narrows to its lane and period. `total` is the number of events drawn, where one may be
    in several lanes.
    """
    kind = LANE_KINDS[by]
    # Both queries always run, so a page makes as many queries for 5 events as for 500.
    buckets, singles = list(buckets), list(singles)
    if len(singles) <= MAX_SINGLES:
        buckets = [_single(event, key) for event in singles for key in event["lanes"]]
    else:
        buckets = [_bucket(row) for row in buckets]
    totals = {}
    for bucket in buckets:
        key = bucket["lane"]
        slug, name = lanes[key] if key is not None else (None, kind.alone)
        totals.setdefault(key, {"keys": [key], "slugs": [slug] if slug else [], "name": name, "count": 0})
        totals[key]["count"] += bucket["count"]
    alone = [totals.pop(None)] if None in totals else []
    ordered = sorted(totals.values(), key=lambda lane: (-lane["count"], lane["name"]))
    room = MAX_LANES - len(alone)
    if len(ordered) > room:
        # The rarest share one lane, so the axis stays a glance tall.
        rest = ordered[room - 1 :]
        other = {
            "keys": [key for lane in rest for key in lane["keys"]],
            "slugs": [slug for lane in rest for slug in lane["slugs"]],
            "name": f"Other {kind.plural}",
            # Named in the lane (the first few) and in the legend (all whose names are known).
            "holds": sorted(lane["name"] for lane in rest if lane["name"]),
            "held": len(rest),
            "count": sum(lane["count"] for lane in rest),
        }
        other["first"] = other["holds"][:3]
        other["beyond_first"] = other["held"] - len(other["first"])
        other["beyond_holds"] = other["held"] - len(other["holds"])
        ordered = [*ordered[: room - 1], other]
    ordered += alone
    lane_of = {key: lane for lane in ordered for key in lane["keys"]}
    for lane in ordered:
        # Encoded once: a busy axis has hundreds of marks, and each adds only its period.
        lane["narrowed"] = _narrowed(query, kind, lane).urlencode()
    yearly = len(singles) > MAX_SINGLES and len({bucket["month"] for bucket in buckets}) > MAX_MONTHS
    if len(singles) > MAX_SINGLES:
        buckets = _merged(buckets, lane_of, yearly=yearly)
    days = [bucket["first"] or bucket["month"] for bucket in buckets] + [bucket["last"] for bucket in buckets]
    axis = Axis.covering(days)
    for lane in ordered:
        lane.update({"y": LANE_HEIGHT // 2, "marks": []})
    for bucket in buckets:
        lane = lane_of[bucket["lane"]]
        lane["marks"].append(_event_mark(axis, bucket, lane, kind, yearly=yearly))
    for lane in ordered:
        _nudge(lane["marks"])
        # Widest bars first, underneath; dots last, on top.
        lane["marks"].sort(key=lambda mark: -(mark["bar"] or {"width": 0})["width"])
        lane["svg"] = format_html_join("\n", "{}", ((_mark_svg(mark, lane["y"]),) for mark in lane["marks"]))
    marks = [mark for lane in ordered for mark in lane["marks"]]
    ticks = axis.ticks()
    return {
        "lanes": ordered,
        "ticks": ticks,
        "grid": grid_svg(ticks, LANE_HEIGHT),
        "lane_height": LANE_HEIGHT,
        "total": sum(lane["count"] for lane in ordered) if total is None else total,
        "by": by,
        "plural": kind.plural,
        # What the legend explains: only what this axis draws.
        "shows": {
            "point": any(mark["shape"] == "point" for mark in marks),
            "range": any(mark["shape"] == "range" for mark in marks),
            "open": any(mark["shape"] == "open" for mark in marks),
            "many": any(mark["count"] > 1 for mark in marks),
            "draft": any(mark["draft"] for mark in marks),
            "yearly": yearly,
            "shared": by != "type" and sum(lane["count"] for lane in ordered) > (total or 0),
        },
        "other": next((lane for lane in ordered if lane.get("holds")), None),
    }


def _narrowed(query, kind, lane):
    """The page's filter narrowed to `lane`, without a period (each mark adds its own, last), as
    a QueryDict."""
    narrowed = query.copy()
    for name in ("cursor", "date_after", "date_before"):
        narrowed.pop(name, None)
    if lane["slugs"] and len(lane["slugs"]) <= MAX_NARROWED:
        narrowed.setlist(kind.param, lane["slugs"])
    return narrowed


def grid_svg(ticks, height):
    """The year lines of one lane, drawn once and repeated in every lane of an axis."""
    return format_html_join(
        "", '<line class="tick" x1="{}%" x2="{}%" y1="0" y2="{}"/>', ((t["x"], t["x"], height) for t in ticks)
    )


# Dots are sized in pixels, placed in per cent: the pixels in one per cent of a wide plot.
PIXELS_PER_PERCENT = 8


def _nudge(marks):
    """Lift or drop a dot that would sit on a neighbour's, so that each can be seen and clicked."""
    placed = []
    for mark in sorted(marks, key=lambda mark: mark["cx"]):
        near = [
            other
            for other in placed[-6:]
            if abs(mark["cx"] - other["cx"]) * PIXELS_PER_PERCENT < mark["r"] + other["r"]
        ]
        taken = {other["dy"] for other in near}
        mark["dy"] = next((dy for dy in (0, -7, 7, -3, 3) if dy not in taken), 0)
        placed.append(mark)


def _merged(buckets, lane_of, *, yearly):
    """Buckets of one lane, period and shape merged: the rare lanes' lane, and years if `yearly`."""
    merged = {}
    for bucket in buckets:
        lane = lane_of[bucket["lane"]]
        period = bucket["month"].replace(month=1) if yearly else bucket["month"]
        key = (lane["keys"][0], period, bucket["shape"])
        into = merged.get(key)
        if into is None:
            merged[key] = {**bucket, "month": period}
            continue
        into["count"] += bucket["count"]
        into["drafts"] += bucket["drafts"]
        into["first"] = min(filter(None, (into["first"], bucket["first"])), default=None)
        into["last"] = max(filter(None, (into["last"], bucket["last"])), default=None)
    return list(merged.values())


def _bucket(row):
    """A row of `axis_buckets()` with its month as a date and its shape's name."""
    return {**row, "month": datetime.date(row["year"], row["month"], 1), "shape": SHAPES[row["shape"]]}


def _single(event, lane):
    """One event in the shape of a bucket of one, in `lane`."""
    start, end = event["date_start"], event["date_end"]
    if start is None:
        shape = "open"
    elif end and end > start + datetime.timedelta(days=31):
        shape = "range"
    else:
        shape = "point"
    return {
        "lane": lane,
        "month": (start or end or event["sort_date"]).replace(day=1),
        "shape": shape,
        "count": 1,
        "first": start,
        "last": end,
        "slug": event["slug"],
        "title": event["title"],
        "drafts": int(event["status"] != "published"),
        "when": display(event["date"]),
        "middle": start + (end - start) / 2 if start and end else None,
    }


def _event_mark(axis, bucket, lane, kind, *, yearly):
    month = bucket["month"]
    month_label = str(month.year) if yearly else f"{MONTHS[month.month]} {month.year}"
    count = bucket["count"]
    if bucket.get("slug"):
        href = reverse("events:event-detail", args=[bucket["slug"]])
        label = f"{bucket['title']} ({bucket.get('when') or month_label})"
    else:
        period = f"{month.year:04d}" if yearly else f"{month.year:04d}-{month.month:02d}"
        # What QueryDict.urlencode() would write with the period set: digits and "-" need no quoting.
        href = "?" + "&".join(part for part in (lane["narrowed"], f"date_after={period}&date_before={period}") if part)
        label = f"{kind.label(count, lane['name'])}, {month_label}"
    if bucket["shape"] == "range":
        bar = axis.bar(bucket["first"], bucket["last"])
        bar["width"] = max(bar["width"], 0.5)
    elif bucket["shape"] == "open":
        # Known only by its end: a bar that fades in from the left and stops at the end.
        end = axis.x(bucket["last"])
        bar = {"x": round(max(end - OPEN_BAR, 0), 2), "width": round(min(OPEN_BAR, end), 2) or 0.4}
    else:
        bar = None
    last_day = month.replace(month=12, day=31) if yearly else month_end(month)
    centre = axis.x(month_start(month) + (last_day - month_start(month)) / 2)
    if bucket["shape"] == "open":
        centre = axis.x(bucket["last"])
    elif bucket.get("middle"):
        centre = axis.x(bucket["middle"])
    return {
        "href": href,
        "label": label,
        "shape": bucket["shape"],
        "bar": bar,
        "cx": centre,
        "r": round(3 + min(math.sqrt(count) * 1.6, 9), 1),
        "count": count,
        "draft": bool(bucket["drafts"]),
    }


def _mark_svg(mark, y):
    """One mark as SVG, every text escaped: a link around an optional bar and a dot.

    Written here rather than in the template: a busy axis has hundreds of marks, and the
    template engine spent more on them than the query that found them.
    """
    bar = mark["bar"]
    if mark["shape"] == "range":
        shape = format_html(
            '<rect class="range" x="{}%" y="{}" width="{}%" height="8" rx="4"/>', bar["x"], y - 4, bar["width"]
        )
    elif mark["shape"] == "open":
        shape = format_html(
            '<rect class="open" x="{}%" y="{}" width="{}%" height="8" fill="url(#event-fade-in)"/>'
            '<use class="open-arrow" href="#event-open-arrow" x="{}%" y="{}"/>',
            bar["x"],
            y - 4,
            bar["width"],
            bar["x"],
            y,
        )
    else:
        shape = ""
    return format_html(
        '<a href="{}" class="mark mark-{}{}" aria-label="{}"><title>{}</title>{}<circle cx="{}%" cy="{}" r="{}"/></a>',
        mark["href"],
        mark["shape"],
        " mark-draft" if mark["draft"] else "",
        mark["label"],
        mark["label"],
        shape,
        mark["cx"],
        y + mark["dy"],
        mark["r"],
    )


def span_chart(rows, *, also=()):
    """Bars on one axis for spans (memberships, tenures): `rows` are (label, href, span) triples.

    `also` are more days the axis must cover (the page's events), so spans whose ends are
    unknown are drawn against the years the record speaks of, not against today. A
    membership's bar is coloured by its role; an open span is solid up to its latest report
    (`last_confirmed`, from `SpanQuerySet.with_last_confirmed()`) and fades after it.
    """
    rows = list(rows)
    days = list(also)
    for _, _, span in rows:
        days += [span.start_lower, span.start_upper, span.end_lower, span.end_upper]
        if _confirmed(span):
            # A year past the latest report, so that the fade after it shows even when the
            # report is recent.
            days.append(_confirmed(span) + datetime.timedelta(days=365))
    axis = Axis.covering(days)
    bars = []
    roles = {}
    for label, href, span in rows:
        role = getattr(span, "role", "")
        if role:
            roles[role] = span.get_role_display()
        dates = f"{span.start_display} – {span.end_display}"
        if _confirmed(span):
            dates += f", last confirmed {span.confirmed_display}"
        drawn = axis.span(
            span.start_lower, span.start_upper, span.end_lower, span.end_upper, confirmed=_confirmed(span)
        )
        bars.append({"label": label, "href": href, "role": role, "dates": dates, **drawn})
    ticks = axis.ticks()
    fades = {fade["towards"] for bar in bars for fade in bar["fades"]}
    return {
        "bars": bars,
        "ticks": ticks,
        "grid": grid_svg(ticks, BAR_LANE_HEIGHT),
        "lane_height": BAR_LANE_HEIGHT,
        # Where a bar and the mark of its latest report sit in a lane, in pixels.
        "bar": {"y": BAR_LANE_HEIGHT // 2 - BAR_HEIGHT // 2, "height": BAR_HEIGHT},
        "report": {"y": BAR_LANE_HEIGHT // 2 - REPORT_HEIGHT // 2, "height": REPORT_HEIGHT},
        # What the legend explains: only what this chart draws.
        "shows": {
            "solid": any(bar["solid"] for bar in bars),
            "both": "both" in fades,
            "left": "left" in fades,
            "right": "right" in fades,
            "confirmed": any(bar["confirmed"] is not None for bar in bars),
        },
        # Roles in the order the model lists them; each has its colour in the stylesheet (.role-<value>).
        "roles": [(role, roles[role]) for role in Membership.Role.values if role in roles],
    }


def _confirmed(span):
    """The latest report of an open span, or None (a closed span needs none: its end is known)."""
    return getattr(span, "last_confirmed", None) if not span.end_date else None
