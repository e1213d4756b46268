"""How sure a membership or tenure is on a given day, for the board and its comparison."""

from core.dates import display_span_end


def doubt_on(span, day):
    """Why `span` only possibly ran on `day` (a short phrase), or "" when the record is sure.

    A span is possibly current when its uncertain start or end straddles the day, or when its
    start is not known at all; `SpanQuerySet.at(day)` finds these spans, this says how sure. An
    open end is no doubt of its own: how far the record's reports reach is `unconfirmed_on`.
    """
    if span.start_lower is None:
        return "start unknown"
    if span.start_upper and span.start_lower <= day < span.start_upper:
        return f"began {display_span_end(span.start_date)}"
    if span.end_upper is None:
        return ""
    if span.end_lower and span.end_lower <= day <= span.end_upper and span.end_lower != span.end_upper:
        return f"ended {display_span_end(span.end_date)}"
    return ""


def unconfirmed_on(span, day):
    """For an open span, "last confirmed <date>" when `day` lies after the latest report cited
    for it (its `last_confirmed`, see `SpanQuerySet.with_last_confirmed`), else ""."""
    if span.end_date:
        return ""
    confirmed = span.last_confirmed
    if confirmed is None:
        return "no dated report confirms it"
    if day > confirmed:
        return f"last confirmed {span.confirmed_display}"
    return ""


def certainty_on(span, day):
    """`(doubt, unconfirmed)` of `span` on `day`: at most one of the two phrases is set.

    A span whose start is not known, shown on a day after its latest report, is past that report
    rather than in doubt: it had begun by then.
    """
    unconfirmed = unconfirmed_on(span, day)
    if unconfirmed and span.start_lower is None and span.last_confirmed is not None:
        return "", unconfirmed
    doubt = doubt_on(span, day)
    return doubt, "" if doubt else unconfirmed
