"""How sure a membership or tenure is on a given day, for the board and its comparison."""

from core.dates import display


def doubt_on(span, day):
    """Why `span` only possibly ran on `day` (a short phrase), or "" when the record is sure.

    A span is possibly current when its uncertain start or end straddles the day, or when an
    end of it is not known at all; `SpanQuerySet.at(day)` finds these spans, this says how sure.
    """
    if span.start_lower is None:
        return "start unknown"
    if span.start_upper and span.start_lower <= day < span.start_upper:
        return f"began {display(span.start_date)}"
    if span.end_upper is None:
        return "no known end"
    if span.end_lower and span.end_lower <= day <= span.end_upper and span.end_lower != span.end_upper:
        return f"ended {display(span.end_date)}"
    return ""
