"""A horizontal time axis drawn as server-side SVG: where a day falls, and the year ticks.

The pages hand it the first and last day to show and ask where each mark goes; the
templates draw `<rect>`s and `<circle>`s at those places. No JavaScript is involved, so the
axis prints, scales with the page and works with scripts off.

Places across are percentages of the plot's width, heights are CSS pixels: the SVG is as wide
as the page and never scaled, so the whole range fits a phone and its text keeps its size
(a scaled-down viewBox shrank the labels to 7 px). Lane names are HTML beside or above it.
"""

import datetime
from dataclasses import dataclass, field

# Pixels: a lane of events, a lane of one span.
LANE_HEIGHT = 26
BAR_LANE_HEIGHT = 18
# Year labels: at most this many on a wide screen; the others are "minor", hidden on a phone.
MAX_TICKS = 12
MAX_MAJOR_TICKS = 6
STEPS = (1, 2, 5, 10, 20, 50, 100, 200)
MAJOR_STEPS = (1, 2, 4, 5, 10, 20, 40, 50, 100, 200)


def month_start(day):
    return day.replace(day=1)


def month_end(day):
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


@dataclass
class Axis:
    """Days from `first` to `last` mapped onto 0 to 100 (per cent of the plot's width)."""

    first: datetime.date
    last: datetime.date
    lanes: list = field(default_factory=list)

    @classmethod
    def covering(cls, days, *, pad_years=0):
        """An axis from the January before the earliest of `days` to the December after the latest."""
        known = [day for day in days if day is not None]
        if not known:
            today = datetime.date.today()
            known = [today]
        first = datetime.date(min(known).year - pad_years, 1, 1)
        last = datetime.date(max(known).year + pad_years, 12, 31)
        return cls(first, last)

    @property
    def span_days(self):
        return max((self.last - self.first).days, 1)

    def x(self, day):
        """Where `day` falls, in per cent, clamped to the axis."""
        day = min(max(day, self.first), self.last)
        return round(100 * (day - self.first).days / self.span_days, 2)

    def ticks(self):
        """Year ticks, thinned so that labels never crowd: dicts of x, label, anchor and minor.

        Up to `MAX_TICKS` labels fit a wide screen; a phone shows only the major ones (at most
        `MAX_MAJOR_TICKS`, on round years). A label near an edge leans inwards, so none is cut.
        """
        years = range(self.first.year, self.last.year + 1)
        step = next(step for step in STEPS if len(years) / step <= MAX_TICKS)
        major = next(major for major in MAJOR_STEPS if major % step == 0 and len(years) / major <= MAX_MAJOR_TICKS)
        ticks = []
        for year in years:
            if year % step and step != 1:
                continue
            x = self.x(datetime.date(year, 1, 1))
            anchor = "start" if x < 4 else "end" if x > 94 else "middle"
            ticks.append({"x": x, "label": str(year), "anchor": anchor, "minor": bool(year % major)})
        return ticks

    def bar(self, start, end, *, open_start=False, open_end=False):
        """A bar from `start` to `end` (None for unknown, drawn to the axis' edge), at least .4 % wide."""
        x1 = self.x(start) if start else 0
        x2 = self.x(end) if end else 100
        return {
            "x": x1,
            "width": max(round(x2 - x1, 2), 0.4),
            "open_start": open_start or start is None,
            "open_end": open_end or end is None,
        }

    def span(self, start_lower, start_upper, end_lower, end_upper, *, confirmed=None):
        """A span whose ends are known only within bounds: a solid bar where it surely ran,
        pale ends where it may have started or ended, and fades to the edge for unknown ends.

        `confirmed` is the latest report of an open span (no known end): the record saw it
        running then, so the bar is solid up to it (or, with no known start, fades in up to it)
        and only fades out after it.
        """
        open_end = end_upper is None
        solid_from = start_upper or start_lower
        solid_to = end_lower or end_upper
        if open_end and confirmed and not (solid_to and solid_to > confirmed):
            solid_to = confirmed if not solid_from or confirmed >= solid_from else solid_to
        fades = []
        if start_lower is None:
            known = solid_from or solid_to or end_upper
            fades.append((0, self.x(known) if known else 100, "left"))
        elif start_upper and start_upper > start_lower:
            fades.append((self.x(start_lower), self.x(start_upper), "both"))
        if open_end:
            known = solid_to or solid_from or start_lower
            fades.append((self.x(known) if known else 0, 100, "right"))
        elif end_lower and end_upper > end_lower:
            fades.append((self.x(end_lower), self.x(end_upper), "both"))
        solid = None
        if solid_from and solid_to and solid_to >= solid_from:
            x1, x2 = self.x(solid_from), self.x(solid_to)
            solid = {"x": x1, "width": max(round(x2 - x1, 2), 0.3)}
        return {
            "solid": solid,
            "fades": [{"x": a, "width": max(round(b - a, 2), 0.3), "towards": towards} for a, b, towards in fades],
            "confirmed": self.x(confirmed) if open_end and confirmed else None,
        }
