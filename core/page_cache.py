"""What anonymous readers get, kept in the shared cache until a record they can see changes.

Anonymous readers all see the same published record, so a page or an API answer made for one
of them serves the next until something public changes. Every key carries a *generation*; a
write to a watched model that a reader could see starts a new generation, so the next request
makes its answer afresh: readers never see a page older than the last public change, and a
curator's drafts (which readers cannot see) leave the cache alone.

Who may be served is asked once authentication has run: anyone signed in always gets a freshly
made answer, and a made-up session cookie or Authorization header is just a reader without
credentials. Only complete 200 answers that set no cookie, up to MAX_KEPT_BYTES, are kept. The
generation lives in the same shared cache (the database table, or Redis), so every worker sees a
change at once.

Every query parameter a request names could make a new key, so a view says which ones it reads
(`query_parameters()` on a page view; the API's from its filters and paging): an answer to a
query naming any other is made afresh and not kept, and the parameters a view reads are sorted
into the key, so their order makes no second copy.

With a read replica (core/replica.py), answers are made from the replica, which may be behind
the primary: each generation notes the primary's WAL position when it began, and an answer
made from the replica is kept only if the replica had replayed that far before it was made.

Apps say which of their models readers see with `watch()`, in their AppConfig.ready(). Writes
that bypass signals (`bulk_create`, `QuerySet.update`) call `changed()` themselves.

The costly parts of some pages (the timeline's axis, the events' list items, an actor's
neighbourhood, the board) are kept for everyone, signed in or not, by `part()` and `each_part()`:
under the readers' generation for those who see the published record, and under the *record's*
generation, which drafts move too, for those who see drafts. A curator's draft thus makes the
curators' parts afresh and leaves the readers' alone.
"""

import hashlib
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse
from django_htmx.middleware import HtmxDetails

from core import replica
from core.visibility import sees_unpublished

GENERATION_KEY = "public-generation"
# Moved by every change, drafts included: the generation of what curators see.
RECORD_GENERATION_KEY = "record-generation"
# With a replica, how long the WAL position a generation began at is noted; a generation
# current for longer is checked against the primary's position at the time of asking.
GENERATION_POSITION_SECONDS = 3600
SAFE_METHODS = ("GET", "HEAD")
# Headers that belong to one delivery, not to the answer; every other one (HX-Push-Url,
# X-Frame-Options, ETag, ...) is kept with it.
DELIVERY_HEADERS = {"date", "server", "content-length", "set-cookie"}
# The timeline's page is about 100 KB; an answer ten times that (a large export) is rare enough
# to make afresh, and keeping it would let a few requests take a large share of the table.
MAX_KEPT_BYTES = 1_000_000


def generation(*, drafts=False):
    """The current generation of the published record (of the whole record, drafts included,
    with `drafts`); a fresh one (the clock) when the cache has none, so old keys never match."""
    key = RECORD_GENERATION_KEY if drafts else GENERATION_KEY
    value = cache.get(key)
    if value is None:
        value = time.time_ns()
        cache.add(key, value, timeout=None)
        value = cache.get(key, value)
    return value


def changed(*, public=True):
    """Something changed: start a new generation now, and inside a transaction again when it commits.
    A change readers cannot see (`public=False`: a draft) starts one of the record's only.

    The second start matters: a reader who fetched the new generation before the commit may
    have stored the old record under it.
    """
    _new_generation(public)
    if transaction.get_connection().in_atomic_block:  # outside one, the change is already committed
        transaction.on_commit(lambda: _new_generation(public))


def _new_generation(public):
    now = time.time_ns()
    if replica.configured():
        cache.set(_position_key(now), replica.written_position(), timeout=GENERATION_POSITION_SECONDS)
    cache.set_many({RECORD_GENERATION_KEY: now, **({GENERATION_KEY: now} if public else {})}, timeout=None)


def _position_key(began):
    return f"generation-position:{began}"


def shown(began):
    """Whether what the request in progress reads shows the change that began the generation
    `began`, so that what it makes may be kept under that generation: always without a replica
    or on the primary; from the replica, once it had replayed the primary's WAL as far as it
    was when the generation began (or, where that is no longer noted, as far as it is now)."""
    if not (replica.configured() and replica.reads_replica()):
        return True
    return replica.shows(cache.get(_position_key(began)) or replica.written_position())


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
        changed(public=public is None or getattr(instance, "_was_public", False) or public(instance))

    for model in models:
        pre_save.connect(before_save, sender=model, weak=False)
        post_save.connect(after_write, sender=model, weak=False)
        post_delete.connect(after_write, sender=model, weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(after_write, sender=field.remote_field.through, weak=False)


def query_parameters(*names):
    """Declare the query parameters a page view reads (decorator): a query naming only these is
    answered from the cache. A view that declares none is kept only for its bare address."""

    def declare(view):
        view.query_parameters = frozenset(names)
        return view

    return declare


def may_serve(request):
    """Whether this request may be answered from the cache, and its answer kept there: a read by
    someone not signed in (`request.user` once authentication has run)."""
    return settings.PAGE_CACHE_SECONDS > 0 and request.method in SAFE_METHODS and not request.user.is_authenticated


def cache_key(request, parameters, *, variant=""):
    """The answer's key, or None when the query names a parameter outside `parameters` (those
    the view reads): such an answer is neither served from the cache nor kept.

    The key holds the generation, the scheme and host (a feed's and the API's links name them;
    `get_host()` refuses a host outside ALLOWED_HOSTS with a 400, as every fresh answer does),
    the path, the query sorted by parameter name, `variant` (what else the view chose by, such
    as the API's format) and whether htmx asks for part of a page or, restoring history, a whole.
    """
    if not parameters.issuperset(request.GET):
        return None
    htmx = HtmxDetails(request)
    # Sorted by name only: a repeated parameter keeps its values' order, which a page may show.
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    parts = (request.scheme, request.get_host(), request.path, query, variant)
    parts += (str(bool(htmx)), str(htmx.history_restore_request))
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{generation()}:{digest}"


def key_generation(key):
    """The generation `cache_key` put in `key`: the clock (time.time_ns()) when it began."""
    return int(key.split(":")[1])


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


def to_keep(key):
    """After a miss on `key` (None: not to be kept), the key to keep the answer about to be made
    under, or None: where it would be made from a replica that does not show the change that
    began the key's generation yet, it is made (from the replica) but not kept. Asked before the
    view reads anything."""
    return key if key is not None and shown(key_generation(key)) else None


def keep(request, response, key):
    """Keep a complete, cookie-free 200 of at most MAX_KEPT_BYTES under `key` (from `to_keep()`)."""
    user = getattr(request, "user", None)
    if (
        response.status_code != 200
        or response.streaming
        or len(response.content) > MAX_KEPT_BYTES
        or response.cookies
        # A page with a CSRF token is its requester's own.
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (user is not None and user.is_authenticated)
        or "private" in response.get("Cache-Control", "")
        or "no-store" in response.get("Cache-Control", "")
    ):
        return
    headers = [(name, value) for name, value in response.items() if name.lower() not in DELIVERY_HEADERS]
    cache.set(key, (response.content, headers), timeout=settings.PAGE_CACHE_SECONDS)


def part(name, parts, user, make):
    """What `make()` returns, kept per generation of what `user` may see: the costly part `name`
    of a page, made of `parts` (what it depends on beyond the record, such as the filter; any
    values whose repr() is stable).

    Kept for PART_CACHE_SECONDS at most (0 makes it afresh each time), and not when made from a
    replica that does not show the change that began the generation yet.
    """
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return each_part(name, [digest], user, lambda digests: {digest: make()})[digest]


def each_part(name, keys, user, make):
    """`part()` for many of a kind at once, such as each event of a list, in one read of the
    cache: {key: value} for each of `keys` (numbers or short strings), where `make(missing)`
    returns {key: value} for those not kept."""
    if settings.PART_CACHE_SECONDS <= 0:
        return make(list(keys))
    drafts = sees_unpublished(user)
    began = generation(drafts=drafts)
    cache_keys = {key: f"part:{name}:{'drafts' if drafts else 'published'}:{began}:{key}" for key in keys}
    stored = cache.get_many(list(cache_keys.values()))
    found = {key: stored[cache_key] for key, cache_key in cache_keys.items() if cache_key in stored}
    missing = [key for key in keys if key not in found]
    if missing:
        keeping = shown(began)  # before `make` reads anything
        made = make(missing)
        if keeping:
            cache.set_many({cache_keys[key]: value for key, value in made.items()}, settings.PART_CACHE_SECONDS)
        found.update(made)
    return found
