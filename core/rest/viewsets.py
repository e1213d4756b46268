"""The base viewset of every resource: ETags on what it answers, If-Match on what it changes.

A detail's ETag is a hash of its JSON, so it changes whenever anything the client sees
changes, nested rows included. PUT, PATCH and DELETE lock the row, compare the client's
If-Match with the current ETag and answer 412 without changing anything when they differ.
Deletions and slug changes leave a Tombstone, so mirrors can follow.
"""

import functools
import hashlib
import re

from django.db import transaction
from django.http import Http404, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_header_parameters
from rest_framework import status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core import page_cache
from core.ordering import BIGINT_MAX
from core.services import resource_delete, tombstone_if_renamed
from core.text import whole_number

from .errors import PreconditionFailed
from .filters import SLUG_PATTERN


def representation_etag(data):
    """A strong ETag for one JSON representation."""
    return f'"{hashlib.sha256(JSONRenderer().render(data)).hexdigest()[:40]}"'


def if_match_satisfied(header, etag):
    """RFC 9110 If-Match: absent, "*", or a list holding the current strong ETag."""
    if header is None:
        return True
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or etag in tags


def if_none_match_satisfied(header, etag):
    """RFC 9110 If-None-Match (weak comparison): true when the client's copy is current."""
    if header is None:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


class ServedFromCache(Exception):
    """The answer was found in the readers' cache; `handle_exception` returns it."""

    def __init__(self, response):
        super().__init__()
        self.response = response


class ConditionalGetMixin:
    """ETags on every JSON answer to GET, lists included, and 304 Not Modified for a current copy.

    The ETag hashes the JSON itself, so it changes whenever anything in it changes and differs
    between users who see different rows (drafts). Answers vary by the credentials, and by
    `Accept` where the format is negotiated, so a shared cache never hands one client's answer
    to another.

    Requests from no one signed in are answered from `core.page_cache` once authentication
    (a bad token is a 401 first) and the throttle have let them through, and a fresh 200 for
    them is kept there: for the query parameters the view reads, in the format negotiated.
    """

    cache_key = None

    def cache_parameters(self):
        """The query parameters this view reads: its filters', its paging's and the format's."""
        names = {api_settings.URL_FORMAT_OVERRIDE}
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            names.update(filterset_class.base_filters)
        paginator = getattr(self, "paginator", None)
        if paginator is not None:
            names.update((paginator.cursor_query_param, paginator.page_size_query_param))
        return frozenset(names)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Only the renderer's choice is in the key: parameters in Accept (JSON's indent) are
        # each client's own, so such an answer is made afresh.
        _, media_parameters = parse_header_parameters(request.accepted_media_type or "")
        if page_cache.may_serve(request) and not set(media_parameters) - {"q"}:
            self.cache_key = page_cache.cache_key(
                request, self.cache_parameters(), variant=request.accepted_renderer.format
            )
            stored = page_cache.cached(self.cache_key) if self.cache_key else None
            if stored is not None:
                raise ServedFromCache(stored)
            self.cache_key = page_cache.to_keep(self.cache_key)

    def handle_exception(self, exc):
        if isinstance(exc, ServedFromCache):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.cache_key and isinstance(response, Response) and response.status_code == 200:
            key = self.cache_key
            response.add_post_render_callback(lambda rendered: page_cache.keep(request, rendered, key))
        patch_vary_headers(response, ["Authorization", "Cookie"])
        if len(self.get_renderers()) > 1:
            patch_vary_headers(response, ["Accept"])
        renderer = getattr(request, "accepted_renderer", None)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or renderer is None:
            return response
        if renderer.format != "json":
            return response
        etag = response.get("ETag")
        if etag is None and isinstance(response, Response):
            etag = representation_etag(response.data)
        if etag is None:
            return response
        response["ETag"] = etag
        if if_none_match_satisfied(request.headers.get("If-None-Match"), etag):
            not_modified = HttpResponseNotModified()
            for header in ("ETag", "Vary", "Cache-Control"):
                if header in response:
                    not_modified[header] = response[header]
            return not_modified
        return response


class ResourceViewSet(ConditionalGetMixin, viewsets.ModelViewSet):
    """List, detail and writes of one resource; subclasses name their kind and querysets."""

    tombstone_kind = None
    # Anything up to the next slash reaches the view, so a malformed key is a JSON 404 too.
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def initial(self, request, *args, **kwargs):
        # DRF's model permissions build the queryset only to learn its model, then the view builds
        # it again; with its prefetches and visibility subqueries that is a tenth of a detail
        # request. Each request gets a view of its own, so building once per view is per request.
        self.get_queryset = functools.cache(self.get_queryset)
        super().initial(request, *args, **kwargs)

    def tombstone_key(self, instance):
        return str(getattr(instance, self.lookup_field))

    def lookup_value(self):
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if self.lookup_field in ("pk", "id"):
            number = whole_number(value)
            valid = number is not None and 0 < number <= BIGINT_MAX
        else:
            valid = re.fullmatch(SLUG_PATTERN, value) is not None
        if not valid:
            raise Http404("No record has this key.")
        return value

    def get_object(self):
        self.lookup_value()
        return super().get_object()

    def filter_queryset(self, queryset):
        # DRF filters a detail as it filters a list (a faction's `at` does apply to its detail),
        # but a request without query parameters has nothing to filter by, and building the
        # filter set and its form costs a tenth of a detail request.
        if self.lookup_field in self.kwargs and not self.request.query_params:
            return queryset
        return super().filter_queryset(queryset)

    def get_write_queryset(self):
        """Where a written row is read back from; events widen it past what the writer may list."""
        return self.get_queryset()

    def get_locked_object(self):
        """The row for a write, locked until the transaction ends (SQLite locks the whole database)."""
        model = self.get_queryset().model
        locked = model._default_manager.select_for_update().filter(**{self.lookup_field: self.lookup_value()})
        list(locked.values_list("pk", flat=True))
        return self.get_object()

    def check_precondition(self, request, instance):
        current = representation_etag(self.get_serializer(instance).data)
        if not if_match_satisfied(request.headers.get("If-Match"), current):
            raise PreconditionFailed()

    def respond(self, instance, status_code=status.HTTP_200_OK):
        fresh = self.get_write_queryset().get(pk=instance.pk)
        data = self.get_serializer(fresh).data
        return Response(data, status=status_code, headers={"ETag": representation_etag(data)})

    def retrieve(self, request, *args, **kwargs):
        data = self.get_serializer(self.get_object()).data
        return Response(data, headers={"ETag": representation_etag(data)})

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = serializer.save()
        return self.respond(instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            instance = self.get_locked_object()
            self.check_precondition(request, instance)
            serializer = self.get_serializer(instance, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            old_key = self.tombstone_key(instance)
            instance = serializer.save()
            self.after_update(instance, old_key)
        return self.respond(instance)

    def after_update(self, instance, old_key):
        tombstone_if_renamed(kind=self.tombstone_kind, old_key=old_key, new_key=self.tombstone_key(instance))

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            instance = self.get_locked_object()
            self.check_precondition(request, instance)
            self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_destroy(self, instance):
        resource_delete(
            instance=instance, user=self.request.user, kind=self.tombstone_kind, key=self.tombstone_key(instance)
        )
