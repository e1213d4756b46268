"""Answers every response shares, whatever view made it: a content security policy, a 413 for
an oversized body, a 503 while the database is unreachable, a log line for a refused request,
a 429 for a reader past the pages' rate, and readers' pages from the shared cache.

Errors under /api/ are JSON, as the API's own are; elsewhere they are a plain sentence.
"""

import logging
import math

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse

from core import page_cache
from core.rest.throttling import PageWindowRateThrottle

security_log = logging.getLogger("kzwatch.security")

API_PREFIX = "/api/"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
TOO_LARGE = "The request body is larger than this server accepts ({limit} bytes)."
UNAVAILABLE = "The database is unreachable just now; nothing was changed. Try again in a minute."
TOO_MANY = "Too many requests from your address. Try again in {seconds} seconds."


def plain_error(request, message, status):
    """An error in the form the client reads: JSON where the answers are JSON (the API, the
    reconciliation service: `settings.JSON_PATH_PREFIXES`), a plain sentence elsewhere."""
    if request.path.startswith(tuple(settings.JSON_PATH_PREFIXES)):
        return JsonResponse({"detail": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class ContentSecurityPolicyMiddleware:
    """Every response carries `settings.CONTENT_SECURITY_POLICY`: no inline script runs, even injected."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class RequestTooLargeMiddleware:
    """A body above DATA_UPLOAD_MAX_MEMORY_SIZE gets a 413 before any view reads it.

    Django checks the limit only when `request.body` or `request.POST` is read, and DRF's
    parsers read the stream directly; the declared length is checked here, and a body read
    elsewhere that still proves too large (RequestDataTooBig) gets the same answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return plain_error(request, "The Content-Length header is not a number.", 400)
        if limit is not None and length > limit:
            return self.too_large(request)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return self.too_large(request)
        return None

    def too_large(self, request):
        security_log.info("Refused an oversized body: %s %s", request.method, request.path)
        return plain_error(request, TOO_LARGE.format(limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE), 413)


DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request, exception):
    """The 503 for a request that found the database unreachable, logged."""
    security_log.error("Database unreachable: %s %s: %s", request.method, request.path, exception)
    response = plain_error(request, UNAVAILABLE, 503)
    response["Retry-After"] = "30"
    return response


class DatabaseUnavailableMiddleware:
    """While the database cannot be reached: a 503 with a plain message, never a traceback.

    Django opens a new connection for the next request, so service resumes by itself when the
    database is back. This sees what views raise; a middleware that reads the database itself
    (the session, the page count, the cache table) answers with `database_unavailable` too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


class RefusedRequestLogMiddleware:
    """Every refused request (401 or 403), in the API, the admin or a page, is logged: who, from
    where, what and why. Writes are the point; refused reads show a bad token or someone probing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (401, 403):
            user = getattr(request, "user", None)
            security_log.warning(
                "Refused %s: %s %s by %s from %s (%s: %s)",
                "write" if request.method in UNSAFE_METHODS else "read",
                request.method,
                request.path,
                user.get_username() if user is not None and user.is_authenticated else "anonymous",
                request.META.get("REMOTE_ADDR"),
                response.status_code,
                refusal_reason(request, response),
            )
        return response


def refusal_reason(request, response):
    """The API's own message ("Invalid token."), the CSRF check's, or what the status means."""
    detail = getattr(response, "data", None)
    if isinstance(detail, dict) and "detail" in detail:
        return str(detail["detail"])
    if hasattr(request, "csrf_failure_reason"):
        return f"CSRF check failed: {request.csrf_failure_reason}"
    return "not authenticated" if response.status_code == 401 else "permission denied"


class AnonymousPageThrottleMiddleware:
    """Readers not signed in may ask for up to PAGE_ANON_RATE pages (the admin's login among them),
    counted as the API counts its own (`core.rest.throttling`), whether or not the answer comes
    from the cache; past it, a 429 with Retry-After. The API throttles itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            throttle = PageWindowRateThrottle()
            try:
                allowed = throttle.allow_request(request, None)  # reads the session, if any, and the count
            except DATABASE_ERRORS as exception:
                return database_unavailable(request, exception)
            if not allowed:
                seconds = math.ceil(throttle.wait())
                response = plain_error(request, TOO_MANY.format(seconds=seconds), 429)
                response["Retry-After"] = str(seconds)
                return response
        return self.get_response(request)


class AnonymousPageCacheMiddleware:
    """Pages and feeds for readers not signed in, from the cache (the API keeps its own: its
    throttle and ETags run first; see `core.rest.viewsets`). The admin is never cached.

    It runs once the view is known (`process_view`), for the query parameters the view reads,
    and after authentication, so that only who is really signed in gets a fresh page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "page_cache_key", None)
        if key is None:
            return response
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response.add_post_render_callback(lambda rendered: page_cache.keep(request, rendered, key))
        else:
            page_cache.keep(request, response, key)
        return response

    def process_view(self, request, view, args, kwargs):
        if request.path.startswith(settings.PAGE_CACHE_SKIP):
            return None
        try:
            if not page_cache.may_serve(request):
                return None
            key = page_cache.cache_key(request, getattr(view, "query_parameters", frozenset()))
            stored = page_cache.cached(key) if key else None
            if stored is None:
                request.page_cache_key = page_cache.to_keep(key)  # the view's answer is kept on the way out
        except DATABASE_ERRORS as exception:
            return database_unavailable(request, exception)
        return stored
