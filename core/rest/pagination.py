"""Keyset ("cursor") paging: pages that neither skip nor repeat rows while data changes.

A page ends at a row; the `next` link carries that row's sort key, and the next page starts
strictly after it. The sort always ends with the primary key, so the order is total, and no
page needs a COUNT or an OFFSET. A view names its sort with `keyset_ordering` (a tuple of
`Key`s), or several with `keyset_orderings` chosen by the `ordering` parameter.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.ordering import decode_position, keyset, page_after
from core.text import whole_number


class KeysetPagination(BasePagination):
    """`?cursor=` and `?page_size=`; answers `{"next": url or null, "results": [...]}`."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 50
    max_page_size = 200
    ordering_query_param = "ordering"

    def keys_for(self, request, view):
        orderings = getattr(view, "keyset_orderings", None)
        if orderings:
            chosen = request.query_params.get(self.ordering_query_param) or next(iter(orderings))
            # The filterset has already refused an unknown ordering with a 400.
            return orderings.get(chosen, next(iter(orderings.values())))
        return getattr(view, "keyset_ordering", keyset())

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        size = whole_number(raw)
        if size is None or not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def decode_cursor(self, request, keys):
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None
        try:
            return decode_position(raw, keys)
        except ValueError:
            raise ValidationError(
                {self.cursor_query_param: ["Invalid cursor: use the `next` link as given."]}
            ) from None

    def paginate_queryset(self, queryset, request, view=None):
        keys = self.keys_for(request, view)
        size = self.get_page_size(request)
        self.decode_cursor(request, keys)  # a bad cursor is a 400 naming the parameter
        rows, self.next_cursor = page_after(queryset, keys, request.query_params.get(self.cursor_query_param), size)
        self.request = request
        return rows

    def get_next_link(self):
        if self.next_cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, self.next_cursor)

    def get_first_link(self, request):
        return remove_query_param(request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page, or null on the last one. Follow it as given.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: copy it from the previous page's `next` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, {self.page_size} unless given; at most {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
