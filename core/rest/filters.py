"""Filter pieces every resource's FilterSet shares: repeatable slugs, partial dates, `updated_since`.

Each FilterSet works on a plain queryset and a GET QueryDict, so the timeline page can use the
same classes as the API. Every value is checked by a form field first: a malformed value is
a field-by-field 400, never a database error.
"""

import datetime
import re

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from core.dates import parse

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
PARTIAL_DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
MAX_REPEATS = 50


class Slugs(list):
    """The slugs of a query parameter, with `pks`: the ids of the rows they name, looked up once
    while checking them, so a filter can use the ids without asking again."""

    pks = ()


class SlugListField(forms.Field):
    """A repeatable query parameter of slugs (`?type=arrest&type=trial`), each of a row in `queryset`.

    An unknown slug is an error naming it (one query per parameter), never a silent empty list:
    a typo in a filter must not read as "nothing happened".
    """

    widget = forms.SelectMultiple
    default_validators = [ProhibitNullCharactersValidator()]

    def __init__(self, *args, queryset=None, choices=None, null_label=None, **kwargs):
        self.queryset = queryset
        super().__init__(*args, **kwargs)

    def clean(self, value):
        values = Slugs(super().clean(value))
        if values and self.queryset is not None:
            known = dict(self.queryset.filter(slug__in=values).values_list("slug", "pk"))
            values.pks = list(known.values())
            unknown = [item for item in values if item not in known]
            if unknown:
                raise forms.ValidationError(
                    "No %(kind)s has the slug “%(value)s”.",
                    code="unknown_slug",
                    params={"kind": self.queryset.model._meta.verbose_name, "value": unknown[0][:100]},
                )
        return values

    def to_python(self, value):
        if value in (None, "", [], ()):
            return []
        values = [value] if isinstance(value, str) else list(value)
        values = [item.strip() for item in values if isinstance(item, str) and item.strip()]
        if len(values) > MAX_REPEATS:
            raise forms.ValidationError(f"Give at most {MAX_REPEATS} values.", code="too_many")
        bad = [item for item in values if not re.match(SLUG_PATTERN, item) or len(item) > 160]
        if bad:
            raise forms.ValidationError(
                "“%(value)s” is not a slug (letters, digits, hyphens and underscores).",
                code="invalid_slug",
                params={"value": bad[0][:100]},
            )
        return values

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        for item in value:
            super().run_validators(item)


class SlugsFilter(django_filters.MultipleChoiceFilter):
    """Rows matching any of the repeated slugs; the filtering itself is the FilterSet's `method`."""

    field_class = SlugListField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


def slugs_filter(*, method, label, queryset):
    """A repeatable slug filter; `queryset` holds the rows its slugs must name (else a 400)."""
    schema = {"type": "string", "pattern": SLUG_PATTERN, "description": label}
    return extend_schema_field(schema)(SlugsFilter(method=method, label=label, queryset=queryset))


class PartialDateField(forms.CharField):
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, cleaned to the first and last day it covers (by `core.dates`)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = re.fullmatch(PARTIAL_DATE_PATTERN, value)
        error = forms.ValidationError(
            "“%(value)s” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD.",
            code="invalid_date",
            params={"value": value[:40]},
        )
        if not match or int(value[5:7] or 1) > 12:  # EDTF reads months 21-24 as seasons
            raise error
        try:
            parsed = parse(value)
        except forms.ValidationError:
            raise error from None
        return parsed.lower, parsed.upper


class PartialDateFilter(django_filters.CharFilter):
    field_class = PartialDateField


def partial_date_filter(*, method, label):
    schema = {"type": "string", "pattern": PARTIAL_DATE_PATTERN, "description": label}
    return extend_schema_field(schema)(PartialDateFilter(method=method, label=label))


class DateWindowForm(forms.Form):
    """The form of a FilterSet with `date_after` and `date_before`: a window that ends before it starts is an error."""

    def clean(self):
        cleaned_data = super().clean()
        after, before = cleaned_data.get("date_after"), cleaned_data.get("date_before")
        if after and before and after[0] > before[1]:
            self.add_error(
                "date_before",
                forms.ValidationError(
                    "date_before (%(before)s) is earlier than date_after (%(after)s): the window would be empty.",
                    code="reversed_window",
                    params={
                        "before": self.data.get("date_before", "")[:40],
                        "after": self.data.get("date_after", "")[:40],
                    },
                ),
            )
        return cleaned_data


class SafeIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time the database can compare, handed on in UTC.

    Any offset Python accepts ("+19:01") would reach PostgreSQL, which refuses offsets past
    ±15:59; a year outside 1..9999 once in UTC overflows everywhere. Both are 400s here.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None:
            try:
                value = value.astimezone(datetime.UTC)
            except (OverflowError, ValueError):
                raise forms.ValidationError("This date-time is out of range.", code="out_of_range") from None
        return value


class SafeIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = SafeIsoDateTimeField


class SyncFilterSet(django_filters.FilterSet):
    """Base of every resource's FilterSet: `updated_since` finds what a mirror must fetch again."""

    updated_since = SafeIsoDateTimeFilter(
        method="filter_updated_since",
        label="Only records whose JSON may have changed at or after this ISO 8601 date-time.",
    )

    def filter_updated_since(self, queryset, name, value):
        return self.changed_since(queryset, value)

    def changed_since(self, queryset, when):
        return queryset.filter(updated_at__gte=when)
