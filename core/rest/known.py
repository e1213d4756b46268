"""`?known=<ISO date-time>` on an API list: its rows as they stood at that moment.

The list reads the history tables instead of the live ones (`core.history.as_known`), through the
same filters and paging, and its page of history rows becomes instances of the live model before
the serializer sees them, so the JSON has the shape it always has. Only lists read the past:
a record's own address and every write answer for today's record.
"""

from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from core.history import KNOWN_PARAMETER, as_instances, parse_moment

KNOWN_SCHEMA = OpenApiParameter(
    KNOWN_PARAMETER,
    OpenApiTypes.STR,
    description=(
        "The list as the record stood at this moment (an ISO 8601 date-time, or a day as known by its "
        "end): the rows then published, with the dates and citations they then had, from the history "
        "every write leaves. Before the record's first load it held nothing."
    ),
)


class KnownListMixin:
    """A list view that reads `?known=`: `self.known()` is the moment (None for today's record)."""

    # What the list's rows are fetched with (`select_related` names and annotations), carried over
    # to the instances a page of history rows becomes.
    known_related = ()
    known_annotations = ()

    def known(self):
        """The moment `?known=` names on a list, None without one; a 400 naming it when it is bad."""
        if getattr(self, "action", None) != "list":
            return None
        text = self.request.query_params.get(KNOWN_PARAMETER)
        if not text:
            return None
        try:
            return parse_moment(text)
        except ValueError as problem:
            raise ValidationError({KNOWN_PARAMETER: [str(problem)]}) from None

    def cache_parameters(self):
        return super().cache_parameters() | {KNOWN_PARAMETER}

    def filter_queryset(self, queryset):
        """The list's filters, on history rows too: django-filter's backend refuses a queryset of
        another model than its FilterSet's, though the FilterSet reads the same field names."""
        if self.known() is None:
            return super().filter_queryset(queryset)
        filterset = self.filterset_class(self.request.query_params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        return filterset.qs

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        known = self.known()
        if known is None or page is None:
            return page
        return self.known_page(as_instances(page, *self.known_related, annotations=self.known_annotations), known)

    def known_page(self, instances, known):
        """A page of the past as the serializer reads it; subclasses attach what it embeds."""
        return instances
