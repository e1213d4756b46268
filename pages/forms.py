"""Form fields the analyst's pages share."""

from django import forms

NOT_A_DAY = "Not a day on the calendar: give it as YYYY-MM-DD, e.g. 2017-09-15."


def day_field(label):
    """An optional day, picked with the browser's calendar; a day no calendar has is refused in
    the reader's words."""
    return forms.DateField(
        required=False,
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": NOT_A_DAY},
    )
