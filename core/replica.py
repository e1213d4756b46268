"""Reads from a streaming replica, writes to the primary: a database router and its middleware.

With DATABASE_REPLICA_URL set (kzwatch/settings.py) there is a "replica" database alias, and:

- Reads in a safe request (GET, HEAD, OPTIONS) go to the replica. Writes go to the primary
  ("default"), and so do all reads of an unsafe request (POST, PUT, PATCH, DELETE), which may
  read what they have just written.
- A read inside a transaction on the primary goes to the primary: what the transaction wrote
  or locked is only there.
- The client that wrote (or whose write was refused as stale, a 412) stays on the primary for
  REPLICA_PIN_SECONDS, so a curator's next page
  shows their save although the replica may be a moment behind: a cookie pins a browser, and a
  mark in the shared cache under a hash of the Authorization header pins a token client (which
  often keeps no cookies). Both are known before anything reads the database; a pin per user
  would need the session or the token read first, and from the replica, where a session made
  by a login a moment ago may not be yet.
- Outside a request (management commands, migrations, the shell) everything uses the primary,
  and migrations run only there. The cache table is always the primary's: the readers' cache
  generation and the throttle counts must be current.
- A safe request that failed (5xx) after reading from the replica is made again on the
  primary; when the replica cannot be reached, this process leaves it alone for
  REPLICA_RETRY_SECONDS and then tries it again. Readers see no error when it falls away.

Without DATABASE_REPLICA_URL neither the router nor the middleware is installed.
"""

import dataclasses
import hashlib
import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger("kzwatch.replica")

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PIN_COOKIE = "kzwatch_primary"
# Django's database cache names its stand-in model's app so (django.core.cache.backends.db).
CACHE_APP_LABEL = "django_cache"
# A write refused because the record changed since the client read it (If-Match, core.rest): the
# client is told to read it again, and must then get the primary's copy, not the replica's.
PRECONDITION_FAILED = 412


@dataclasses.dataclass
class Route:
    """Where the reads of the request in progress go."""

    primary: bool
    used_replica: bool = False


# Per thread (each serves one request at a time); None outside a request: the primary.
current_route = ContextVar("kzwatch_replica_route", default=None)


class Health:
    """When this process may next read from the replica (time.monotonic())."""

    down_until = 0.0

    @classmethod
    def up(cls):
        return time.monotonic() >= cls.down_until

    @classmethod
    def fell_away(cls):
        cls.down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS


def configured():
    return REPLICA in settings.DATABASES


def may_lag_behind(change_ns):
    """Whether the replica (where one is configured) may not yet show a change made at
    `change_ns` (time.time_ns()): within REPLICA_PIN_SECONDS of it, the longest this project
    assumes a replica lags."""
    return time.time_ns() - change_ns < settings.REPLICA_PIN_SECONDS * 1_000_000_000


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        route = current_route.get()
        if (
            route is None
            or route.primary
            or model._meta.app_label == CACHE_APP_LABEL
            or connections[PRIMARY].in_atomic_block
            or not Health.up()
        ):
            return PRIMARY
        route.used_replica = True
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, first, second, **hints):
        # The replica holds the primary's rows: a row read from one may refer to one from the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def pin_key(credentials):
    """The cache key of a token client's pin: a hash, so the cache never holds a credential."""
    return "replica-pin:" + hashlib.sha256(credentials.encode()).hexdigest()


def pinned(request):
    """Whether this client wrote within the last REPLICA_PIN_SECONDS."""
    if PIN_COOKIE in request.COOKIES:
        return True
    credentials = request.headers.get("Authorization")
    return bool(credentials) and cache.get(pin_key(credentials)) is not None


def pin(request, response):
    """Keep this client's reads on the primary for REPLICA_PIN_SECONDS."""
    seconds = settings.REPLICA_PIN_SECONDS
    response.set_cookie(
        PIN_COOKIE, "1", max_age=seconds, secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax"
    )
    credentials = request.headers.get("Authorization")
    if credentials:
        cache.set(pin_key(credentials), 1, timeout=seconds)


def replica_reachable():
    """A fresh connection to the replica, within its connect_timeout: does it answer?"""
    connection = connections[REPLICA]
    try:
        connection.close()  # the one in hand may be broken
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True


def end_route(**kwargs):
    """The request is over (its response closed, a streamed one after its last byte)."""
    current_route.set(None)


class ReplicaMiddleware:
    """Decides where a request's reads go, pins a client that wrote, and makes a safe request
    that failed on the replica again on the primary.

    It comes before everything that reads the database (the session, the throttle, the readers'
    cache, the view) and before DatabaseUnavailableMiddleware, whose 503 is what a failed read
    looks like from here. The route holds until the response is closed, so a streamed export
    reads where it began.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        request_finished.connect(end_route, dispatch_uid="kzwatch-replica-route")

    def __call__(self, request):
        safe = request.method in SAFE_METHODS
        route = Route(primary=not safe or pinned(request))
        current_route.set(route)
        response = self.get_response(request)
        if safe and route.used_replica and response.status_code >= 500:
            # A GET changes nothing, so making it again is safe; a server error that is not the
            # replica's comes back the same from the primary.
            if not replica_reachable():
                Health.fell_away()
                log.warning(
                    "The replica is unreachable; reads go to the primary for %s s.", settings.REPLICA_RETRY_SECONDS
                )
            route.primary = True
            response = self.get_response(request)
        elif not safe and (response.status_code < 400 or response.status_code == PRECONDITION_FAILED):
            pin(request, response)
        return response
