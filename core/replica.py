"""Reads from a streaming replica, writes to the primary: a database router and its middleware.

With DATABASE_REPLICA_URL set (kzwatch/settings.py) there is a "replica" database alias, and:

- Reads in a safe request (GET, HEAD, OPTIONS) go to the replica. Writes go to the primary
  ("default"), and so do all reads of an unsafe request (POST, PUT, PATCH, DELETE), which may
  read what they have just written.
- A read inside a transaction on the primary goes to the primary: what the transaction wrote
  or locked is only there.
- The client that wrote (or whose write was refused as stale, a 412) reads from the primary
  until the replica has replayed the primary's WAL to where it was after that write, so a
  curator's next page shows their save however far behind the replica is: a cookie pins a
  browser, and a mark in the shared cache under a hash of the Authorization header pins a token
  client (which often keeps no cookies); each holds that WAL position. Both are known before
  anything reads the database; a pin per user would need the session or the token read first,
  and from the replica, where a session made by a login a moment ago may not be yet. A pinned
  request asks the replica how far it has replayed (one short query); the pin is dropped after
  REPLICA_PIN_SECONDS, past which a replica this far behind is left to serve the client anyway.
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
import re
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
# A position in the primary's WAL, as PostgreSQL writes one ("16/B374D848"); a pin's cookie
# holds it with a dash for the slash, which a cookie value may not hold unquoted.
WAL_POSITION = re.compile(r"[0-9A-F]{1,8}/[0-9A-F]{1,8}")
# Where a pin holds no position this project wrote (a cookie or a mark from before positions,
# or made up): a position the replica never reaches, so the client reads from the primary until the
# pin ends.
NOWHERE = "FFFFFFFF/FFFFFFFF"


@dataclasses.dataclass
class Route:
    """Where the reads of the request in progress go."""

    primary: bool
    used_replica: bool = False
    # {WAL position: whether the replica had replayed it when first asked in this request}
    replayed: dict = dataclasses.field(default_factory=dict)


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


def written_position():
    """The primary's WAL position now: past every transaction committed so far."""
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replayed(position):
    """Whether the replica has replayed the primary's WAL up to `position`; False when it is
    down or cannot be asked. A server that is not in recovery (no replica at all) has."""
    if not Health.up():
        return False
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT COALESCE(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [position])
            return cursor.fetchone()[0]
    except DatabaseError:
        Health.fell_away()
        return False


def reads_replica():
    """Whether the request in progress reads from the replica (outside a request, nothing does)."""
    route = current_route.get()
    return route is not None and not route.primary


def shows(position):
    """Whether everything the request in progress reads shows the primary's WAL up to
    `position`: on the primary, always; on the replica, if it had replayed that far when this
    request first asked (replay only moves forward, so what is read after the answer shows it
    too)."""
    if not reads_replica():
        return True
    route = current_route.get()
    if position not in route.replayed:
        route.replayed[position] = replayed(position)
    return route.replayed[position]


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


def pinned_at(request):
    """The WAL position this client is waiting for the replica to show (its last write), or
    None if it is not pinned."""
    cookie = request.COOKIES.get(PIN_COOKIE)
    credentials = request.headers.get("Authorization")
    position = cookie.replace("-", "/") if cookie is not None else None
    if position is None and credentials:
        position = cache.get(pin_key(credentials))
    if position is None:
        return None
    return position if isinstance(position, str) and WAL_POSITION.fullmatch(position) else NOWHERE


def pin(request, response):
    """Keep this client's reads on the primary until the replica shows what the primary holds
    now, or for REPLICA_PIN_SECONDS at most."""
    seconds = settings.REPLICA_PIN_SECONDS
    try:
        position = written_position()
    except DatabaseError:  # the primary went after the write: wait for the pin to end
        position = NOWHERE
    response.set_cookie(
        PIN_COOKIE,
        position.replace("/", "-"),
        max_age=seconds,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    credentials = request.headers.get("Authorization")
    if credentials:
        cache.set(pin_key(credentials), position, timeout=seconds)


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
        # Left pinned until the pin ends, not unpinned once the replica has caught up: a
        # response that unpins could reach the client after one that pins again.
        waits_for = pinned_at(request) if safe else None
        route = Route(primary=not safe or (waits_for is not None and not replayed(waits_for)))
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
