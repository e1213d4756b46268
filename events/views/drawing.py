"""What the pages draw: the events' time axis and the bars of memberships and tenures.

The view fetches the rows (for the events, one GROUP BY over the whole filtered result);
these functions only place them on a `core.axis.Axis`, so templates draw without thinking.
"""

import datetime
import math

from django.urls import reverse

from core.axis import WIDTH, Axis, month_end, month_start
from core.dates import MONTHS, display

MAX_LANES = 10
# Up to this many events, each has a mark of its own; beyond it, a mark stands for a month.
MAX_SINGLES = 300


def event_axis(buckets, singles, *, query):
    """The filtered events on an axis, one lane per event type.

    `buckets` come from `EventQuerySet.axis_buckets()`; `query` is the page's filter (a
    QueryDict), which a mark standing for several events narrows to its type and month.
    `singles` are up to `MAX_SINGLES + 1` events (`EventQuerySet.axis_marks()`): when they
    are all there is, each gets a mark of its own instead of its month's.
    """
    buckets = list(buckets)
    singles = list(singles)
    if len(singles) <= MAX_SINGLES:
        buckets = [_single(event) for event in singles]
    days = [bucket["first"] or bucket["month"] for bucket in buckets] + [bucket["last"] for bucket in buckets]
    axis = Axis.covering(days)
    lanes = {}
    for bucket in buckets:
        lane = lanes.setdefault(
            bucket["type__slug"],
            {"name": bucket["type__name"], "y": 0, "marks": [], "count": 0},
        )
        lane["count"] += bucket["count"]
        lane["marks"].append(_event_mark(axis, bucket, query))
    ordered = sorted(lanes.values(), key=lambda lane: (-lane["count"], lane["name"]))
    if len(ordered) > MAX_LANES:
        # The rarest types share one lane, so the axis stays a glance tall.
        rest = ordered[MAX_LANES - 1 :]
        other = {
            "name": f"{len(rest)} other types",
            "marks": [mark for lane in rest for mark in lane["marks"]],
            "count": sum(lane["count"] for lane in rest),
        }
        ordered = [*ordered[: MAX_LANES - 1], other]
    for index, lane in enumerate(ordered):
        lane["y"] = axis.lane_y(index)
        # Widest bars first, underneath; dots last, on top.
        lane["marks"].sort(key=lambda mark: -(mark["bar"] or {"width": 0})["width"])
        _nudge(lane["marks"])
    return {
        "lanes": ordered,
        "ticks": axis.ticks(),
        "height": axis.height(len(ordered)),
        "width": WIDTH,
        "total": sum(lane["count"] for lane in ordered),
    }


def _nudge(marks):
    """Lift or drop a dot that would sit on another's, so that each can be seen and clicked."""
    placed = []
    for mark in marks:
        for dy in (0, -7, 7, -3, 3):
            if all(abs(mark["cx"] - x) >= mark["r"] + r or dy != other_dy for x, r, other_dy in placed):
                break
        mark["dy"] = dy
        placed.append((mark["cx"], mark["r"], dy))


def _single(event):
    """One event in the shape of a bucket of one."""
    start, end = event["date_start"], event["date_end"]
    if start is None:
        shape = "open"
    elif end and end > start + datetime.timedelta(days=31):
        shape = "range"
    else:
        shape = "point"
    return {
        "type__slug": event["type__slug"],
        "type__name": event["type__name"],
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


def _event_mark(axis, bucket, query):
    month = bucket["month"]
    month_label = f"{MONTHS[month.month]} {month.year}"
    count = bucket["count"]
    if count == 1:
        href = reverse("events:event-detail", args=[bucket["slug"]])
        label = f"{bucket['title']} ({bucket.get('when') or month_label})"
    else:
        narrowed = query.copy()
        for name in ("cursor", "type", "date_after", "date_before"):
            narrowed.pop(name, None)
        narrowed["type"] = bucket["type__slug"]
        narrowed["date_after"] = narrowed["date_before"] = f"{month.year:04d}-{month.month:02d}"
        href = "?" + narrowed.urlencode()
        label = f"{count} × {bucket['type__name']}, {month_label}"
    if bucket["shape"] == "range":
        bar = axis.bar(bucket["first"], bucket["last"])
        bar["width"] = max(bar["width"], 4)
    elif bucket["shape"] == "open":
        # Known only by its end: a bar that fades in from the left and stops at the end.
        end = axis.x(bucket["last"])
        bar = {"x": max(end - 36, axis.x(axis.first)), "width": min(36, end - axis.x(axis.first)) or 3}
    else:
        bar = None
    centre = axis.x(month_start(month) + (month_end(month) - month_start(month)) / 2)
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


def span_chart(rows):
    """Bars on one axis for spans (memberships, tenures): `rows` are (label, href, span) triples."""
    rows = list(rows)
    days = []
    for _, _, span in rows:
        days += [span.start_lower, span.start_upper, span.end_lower, span.end_upper]
    axis = Axis.covering(days)
    bars = []
    for index, (label, href, span) in enumerate(rows):
        bars.append(
            {
                "label": label,
                "href": href,
                "y": axis.lane_y(index),
                "dates": f"{span.start_display} – {span.end_display}",
                **axis.span(span.start_lower, span.start_upper, span.end_lower, span.end_upper),
            }
        )
    return {"bars": bars, "ticks": axis.ticks(), "height": axis.height(len(bars)), "width": WIDTH}
