"""What anonymous readers get, kept in the shared cache until a record they can see changes.

Anonymous readers all see the same published record, so a page or an API answer made for one
of them serves the next until something public changes. Every key carries a *generation*; a
write to a watched model that a reader could see starts a new generation, so the next request
makes its answer afresh: readers never see a page older than the last public change, and a
curator's drafts (which readers cannot see) leave the cache alone.

Only requests that carry no credentials are served from the cache (no session cookie, no
Authorization header): anyone signed in always gets a freshly made answer. Only complete 200
answers that set no cookie are kept. The generation lives in the same shared cache (the
database table, or Redis), so every worker sees a change at once.

Apps say which of their models readers see with `watch()`, in their AppConfig.ready(). Writes
that bypass signals (`bulk_create`, `QuerySet.update`) call `changed()` themselves.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse

GENERATION_KEY = "public-generation"
SAFE_METHODS = ("GET", "HEAD")
# Headers that describe the stored answer; the rest (Date, Server) belong to each response.
KEPT_HEADERS = ("Content-Type", "ETag", "Vary", "Content-Language", "Link", "Content-Disposition", "Cache-Control")


def generation():
    """The current generation; a fresh one (the clock) when the cache has none, so old keys never match."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns()
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return value


def changed():
    """Something public changed: start a new generation now, and again when the transaction commits.

    The second start matters: a reader who fetched the new generation before the commit may
    have stored the old record under it.
    """
    _new_generation()
    transaction.on_commit(_new_generation)


def _new_generation():
    cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def watch(*models, public=None):
    """A save or delete of these models changes what readers see when `public(instance)` holds.

    `public` (default: always) is asked of the row before and after a save, so a draft that
    stays a draft changes nothing, and a row that stops being public still counts.
    """

    def before_save(sender, instance, raw=False, **kwargs):
        if public is None or raw or instance.pk is None:
            return
        stored = sender._default_manager.filter(pk=instance.pk).first()
        instance._was_public = stored is not None and public(stored)

    def after_write(sender, instance, **kwargs):
        if public is None or getattr(instance, "_was_public", False) or public(instance):
            changed()

    for model in models:
        pre_save.connect(before_save, sender=model, weak=False)
        post_save.connect(after_write, sender=model, weak=False)
        post_delete.connect(after_write, sender=model, weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(after_write, sender=field.remote_field.through, weak=False)


def may_serve(request):
    """Whether this request may be answered from the cache, and its answer kept there."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def cache_key(request):
    """The answer's key: generation, address with its query, and the headers the answer depends on."""
    headers = request.headers
    parts = (request.get_full_path(), headers.get("Accept", ""), headers.get("HX-Request", ""))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{generation()}:{digest}"


def cached(key):
    """The answer kept under `key`, or None."""
    stored = cache.get(key)
    if stored is None:
        return None
    content, headers = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    return response


def keep(request, response, key):
    """Keep a complete, cookie-free 200 under `key` (taken before the view ran)."""
    user = getattr(request, "user", None)
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        # A page with a CSRF token is its requester's own.
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (user is not None and user.is_authenticated)
        or "private" in response.get("Cache-Control", "")
        or "no-store" in response.get("Cache-Control", "")
    ):
        return
    headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
    cache.set(key, (response.content, headers), timeout=settings.PAGE_CACHE_SECONDS)
