"""Dates as people know them: EDTF text, its day bounds, and how it reads.

kzwatch stores every date as the EDTF text a curator typed (levels 0 and 1 of the
Library of Congress Extended Date/Time Format) plus two derived, indexed day bounds
used for filtering and sorting. `parse()` is the one place that text is checked.
"""

import calendar
import datetime
import functools
import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from edtf import parse_edtf
from edtf.parser.edtf_exceptions import EDTFParseException

ACCEPTED_FORMS = (
    "2017, 2017-08, 2017-08-15, 2016-09~ (approximate), 2017? (uncertain), "
    "2017-06/2017-08 (interval), ../2025 or 2017/.. (open end), 2017/ (unknown end)"
)

MONTHS = [None] + [calendar.month_abbr[number] for number in range(1, 13)]
SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}

# One side of an interval: a day, month or year, with an optional qualifier.
_SIDE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?(?P<qualifier>[~?%])?$")


@dataclass(frozen=True)
class EDTFDate:
    """A parsed EDTF value: its text, the earliest and latest day it can mean, how it reads."""

    text: str
    lower: datetime.date | None
    upper: datetime.date | None

    @property
    def display(self):
        return display(self.text)


def _invalid(text):
    return ValidationError(
        "“%(value)s” is not a date kzwatch understands. Use EDTF: %(forms)s.",
        code="invalid_edtf",
        params={"value": text, "forms": ACCEPTED_FORMS},
    )


def _to_date(bound):
    """An edtf bound (struct_time, or ±inf for an open end) as a date, or None when open."""
    if isinstance(bound, float) and math.isinf(bound):
        return None
    return datetime.date(bound.tm_year, bound.tm_mon, bound.tm_mday)


def parse(text):
    """Parse EDTF text into an `EDTFDate`, or raise ValidationError naming the accepted forms.

    Empty text means "not known" and has no bounds. Bounds are the strict ones: "2016-09~"
    spans September 2016; the qualifier is kept in the text and shown to readers.
    """
    return _parse((text or "").strip())


def _side_bounds(side):
    """First and last day of a plain `YYYY`, `YYYY-MM` or `YYYY-MM-DD` side; None for other forms."""
    match = _SIDE.match(side)
    if not match or match["year"] == "0000":
        return None
    year, month, day = int(match["year"]), int(match["month"] or 0), int(match["day"] or 0)
    if month > 12 or match["month"] == "00" or match["day"] == "00":
        return None  # a season (the grammar knows its months), or no date at all
    try:
        if day:
            first = last = datetime.date(year, month, day)
        elif month:
            first = datetime.date(year, month, 1)
            last = datetime.date(year, month, calendar.monthrange(year, month)[1])
        else:
            first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    except ValueError:
        return None
    return first, last


def _plain_bounds(text):
    """The bounds of the common forms (a day, month or year, qualified or not; an interval of
    unqualified ones, either end open with ".."), computed without the grammar, which takes
    milliseconds a call; None for anything else, which the grammar then reads."""
    if "/" not in text:
        return _side_bounds(text)
    start, end = text.split("/", 1)
    if "/" in end or "~" in text or "?" in text or "%" in text:
        return None
    first = None if start == ".." else _side_bounds(start)
    last = None if end == ".." else _side_bounds(end)
    if (first is None and start != "..") or (last is None and end != "..") or start == end == "..":
        return None
    return (first[0] if first else None), (last[1] if last else None)


@functools.lru_cache(maxsize=4096)
def _parse(text):
    # The edtf grammar takes milliseconds a call, and a save parses each date more than once;
    # results are immutable, so they are cached (errors are not, and are raised afresh).
    if not text:
        return EDTFDate("", None, None)
    if len(text) > 40 or not re.fullmatch(r"[0-9X\-/~?%.]+", text):
        raise _invalid(text)
    plain = _plain_bounds(text)
    if plain is not None:
        lower, upper = plain
        if lower and upper and lower > upper:
            raise ValidationError("“%(value)s” ends before it starts.", code="edtf_reversed", params={"value": text})
        return EDTFDate(text, lower, upper)
    return _parse_with_grammar(text)


def _parse_with_grammar(text):
    """Any accepted form, read by the edtf grammar."""
    if not text:
        return EDTFDate("", None, None)
    if len(text) > 40 or not re.fullmatch(r"[0-9X\-/~?%.]+", text):
        raise _invalid(text)
    unknown_start = text.startswith("/")
    unknown_end = text.endswith("/")
    try:
        # The edtf parser reads "/2025" with an invented start; parse only the known side.
        parsed = parse_edtf(text.strip("/") if (unknown_start or unknown_end) else text)
        lower = None if unknown_start else _to_date(parsed.lower_strict())
        upper = None if unknown_end else _to_date(parsed.upper_strict())
    except (EDTFParseException, ValueError, OverflowError, AttributeError, TypeError) as error:
        raise _invalid(text) from error
    if unknown_start and unknown_end:
        raise _invalid(text)
    if lower and upper and lower > upper:
        raise ValidationError("“%(value)s” ends before it starts.", code="edtf_reversed", params={"value": text})
    return EDTFDate(text, lower, upper)


def _display_side(side):
    """One interval side ("2016-09~") as people read it ("c. Sep 2016")."""
    if side in ("", ".."):
        return ""
    match = _SIDE.match(side)
    if not match:
        return side
    year, month, day, qualifier = match.group("year", "month", "day", "qualifier")
    year = year.lstrip("0") or "0"
    if month and int(month) in SEASONS:
        words = f"{SEASONS[int(month)]} {year}"
    elif day:
        words = f"{int(day)} {MONTHS[int(month)]} {year}"
    elif month:
        words = f"{MONTHS[int(month)]} {year}"
    else:
        words = year
    if qualifier == "~":
        return f"c. {words}"
    if qualifier == "?":
        return f"{words}?"
    if qualifier == "%":
        return f"c. {words}?"
    return words


def display(text):
    """EDTF text as a reader would write it: "Aug 2017", "c. Sep 2016", "2017?", "Jun-Aug 2017"."""
    text = (text or "").strip()
    if not text:
        return "date unknown"
    if "/" not in text:
        return _display_side(text)
    start, end = text.split("/", 1)
    if start == "..":
        return f"by {_display_side(end)}"
    if end == "..":
        return f"from {_display_side(start)} on"
    if start == "":
        return f"? - {_display_side(end)}"
    if end == "":
        return f"{_display_side(start)} - ?"
    start_match, end_match = _SIDE.match(start), _SIDE.match(end)
    if (
        start_match
        and end_match
        and start_match["year"] == end_match["year"]
        and start_match["month"]
        and end_match["month"]
        and not (start_match["day"] or end_match["day"] or start_match["qualifier"])
    ):
        # Same year, months only: "Jun-Aug 2017".
        first = MONTHS[int(start_match["month"])] if int(start_match["month"]) <= 12 else start
        return f"{first}-{_display_side(end)}"
    if start_match and end_match and not (start_match["month"] or end_match["month"]):
        return f"{_display_side(start)}-{_display_side(end)}"
    return f"{_display_side(start)} - {_display_side(end)}"


def display_span_end(text):
    """One end of a span (a tenure's start, a membership's end) as one date, never as two.

    A span's dates are shown "start – end"; an end known only within an interval would read
    as three dates ("Aug 2016 - Dec 2017 – 5 Jan 2022"), so it reads "between Aug 2016 and
    Dec 2017", "by Dec 2017" or "Aug 2016 or later". Other dates read as `display` has them.
    """
    text = (text or "").strip()
    if "/" not in text:
        return display(text)
    start, end = text.split("/", 1)
    if start in ("", ".."):
        return f"by {_display_side(end)}" if end not in ("", "..") else "date unknown"
    if end in ("", ".."):
        return f"{_display_side(start)} or later"
    start_match, end_match = _SIDE.match(start), _SIDE.match(end)
    if (
        start_match
        and end_match
        and start_match["year"] == end_match["year"]
        and start_match["month"]
        and end_match["month"]
        and int(start_match["month"]) <= 12
        and not (start_match["day"] or start_match["qualifier"])
    ):
        # Same year: "between Jun and Aug 2017".
        return f"between {MONTHS[int(start_match['month'])]} and {_display_side(end)}"
    return f"between {_display_side(start)} and {_display_side(end)}"


def calendar_date(text, side="start"):
    """One side of an EDTF value as a plain calendar date, YYYY, YYYY-MM or YYYY-MM-DD.

    The precision is kept and the qualifier dropped ("2016-09~" gives "2016-09"); a season
    gives its year; an open or unknown side, or text that is no date, gives None. For
    formats such as Popolo's that can say a date but not its certainty.
    """
    text = (text or "").strip()
    if "/" in text:
        start, end = text.split("/", 1)
        text = start if side == "start" else end
    match = _SIDE.match(text)
    if not match:
        return None
    year, month, day = match.group("year", "month", "day")
    if month and int(month) > 12:
        return year
    return "-".join(part for part in (year, month, day) if part)


def validate_edtf(value):
    parse(value)


class EDTFField(models.CharField):
    """EDTF text whose day bounds are copied into two sibling DateFields on every save.

    `bounds` names those siblings, declared explicitly on the model so that migrations and
    indexes stay ordinary: `date = EDTFField(bounds=("date_start", "date_end"))`.
    """

    def __init__(self, *args, bounds=None, **kwargs):
        self.bounds = tuple(bounds) if bounds else None
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_edtf)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.bounds:
            kwargs["bounds"] = self.bounds
        return name, path, args, kwargs


class DatedModel(models.Model):
    """Base for models with EDTF fields: keeps the derived bounds in step with the text."""

    class Meta:
        abstract = True

    def fill_date_bounds(self):
        """Recompute every EDTF field's bounds; invalid text leaves them empty (clean() reports it)."""
        for field in self._meta.concrete_fields:
            if isinstance(field, EDTFField) and field.bounds:
                try:
                    value = parse(getattr(self, field.attname))
                except ValidationError:
                    value = EDTFDate("", None, None)
                lower_name, upper_name = field.bounds
                setattr(self, lower_name, value.lower)
                setattr(self, upper_name, value.upper)

    def fill_derived_fields(self):
        """Everything computed from what a curator typed; runs on save and on fixture load."""
        self.fill_date_bounds()

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)
