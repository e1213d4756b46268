"""A horizontal time axis drawn as server-side SVG: where a day falls, and the year ticks.

The pages hand it the first and last day to show and ask where each mark goes; the
templates draw `<rect>`s and `<circle>`s at those places. No JavaScript is involved, so the
axis prints, scales with the page and works with scripts off.
"""

import datetime
from dataclasses import dataclass, field

# The drawing's coordinate system; the SVG scales to the page's width.
WIDTH = 1000
LABEL_WIDTH = 170
LANE_HEIGHT = 26
TOP = 22


def month_start(day):
    return day.replace(day=1)


def month_end(day):
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


@dataclass
class Axis:
    """Days from `first` to `last` mapped onto [LABEL_WIDTH, WIDTH] of the drawing."""

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
        """Where `day` falls, clamped to the axis."""
        day = min(max(day, self.first), self.last)
        return round(LABEL_WIDTH + (WIDTH - LABEL_WIDTH) * (day - self.first).days / self.span_days, 1)

    def ticks(self):
        """Year ticks, thinned so that labels never crowd: (x, label) pairs."""
        years = range(self.first.year, self.last.year + 1)
        step = next(step for step in (1, 2, 5, 10, 20, 50, 100) if len(years) / step <= 12)
        return [
            {"x": self.x(datetime.date(year, 1, 1)), "label": str(year)}
            for year in years
            if year % step == 0 or step == 1
        ]

    def lane_y(self, index):
        """The middle of lane `index`."""
        return TOP + index * LANE_HEIGHT + LANE_HEIGHT // 2

    def height(self, lanes):
        return TOP + max(lanes, 1) * LANE_HEIGHT + 6

    def bar(self, start, end, *, open_start=False, open_end=False):
        """A bar from `start` to `end` (None for unknown, drawn to the axis' edge), at least 3 units wide."""
        x1 = self.x(start) if start else LABEL_WIDTH
        x2 = self.x(end) if end else WIDTH
        return {
            "x": x1,
            "width": max(round(x2 - x1, 1), 3),
            "open_start": open_start or start is None,
            "open_end": open_end or end is None,
        }

    def span(self, start_lower, start_upper, end_lower, end_upper):
        """A span whose ends are known only within bounds: a solid bar where it surely ran,
        faded ends where it may have started or ended, and fades to the edge for unknown ends."""
        solid_from = start_upper or start_lower
        solid_to = end_lower or end_upper
        fades = []
        if start_lower is None:
            known = solid_from or solid_to or end_upper
            fades.append((LABEL_WIDTH, self.x(known) if known else WIDTH, "left"))
        elif start_upper and start_upper > start_lower:
            fades.append((self.x(start_lower), self.x(start_upper), "both"))
        if end_upper is None:
            known = solid_to or solid_from or start_lower
            fades.append((self.x(known) if known else LABEL_WIDTH, WIDTH, "right"))
        elif end_lower and end_upper > end_lower:
            fades.append((self.x(end_lower), self.x(end_upper), "both"))
        solid = None
        if solid_from and solid_to and solid_to >= solid_from:
            x1, x2 = self.x(solid_from), self.x(solid_to)
            solid = {"x": x1, "width": max(round(x2 - x1, 1), 2)}
        return {
            "solid": solid,
            "fades": [{"x": a, "width": max(round(b - a, 1), 2), "towards": towards} for a, b, towards in fades],
        }
