"""Loaded with `-p tests.environment` (see pyproject.toml), before Django reads its settings.

Tests run with DEBUG off, as production does; they need a key and plain static files, and
the browser tests call the ORM from Playwright's event loop.
"""

import os

os.environ.setdefault("SECRET_KEY", "kzwatch-tests-only")
os.environ.setdefault("KZWATCH_PLAIN_STATIC", "1")
# One process's memory: tests that need the shared caches (database, Redis) switch to them.
os.environ.setdefault("CACHE_URL", "locmem://")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# The suite talks to one database, as CI does; tests/test_replica.py starts a primary and a
# replica of its own and points app servers at them.
os.environ.pop("DATABASE_REPLICA_URL", None)
