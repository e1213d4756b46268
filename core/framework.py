"""The private parts of Django and DRF that kzwatch relies on, behind one door.

Each function here reaches past a public API for a reason its caller gives (speed at size M, a
cache write in one statement, history rows attached as if prefetched). Nothing else in the
project touches an underscored attribute of the frameworks: a new need comes here, with a test
in tests/test_framework.py that fails when an upgrade of Django or DRF changes what it reaches.
"""


def use_iterable(queryset, iterable_class):
    """A copy of `queryset` whose rows are made by `iterable_class` (a ModelIterable), as
    `values()` and `values_list()` set theirs (`QuerySet._iterable_class`)."""
    queryset = queryset.all()
    queryset._iterable_class = iterable_class
    return queryset


def chunk_size(iterable):
    """How many rows a ModelIterable fetches at a time: its `iterator(chunk_size=)`, or None when
    the whole result is fetched at once (`chunked_fetch`)."""
    return iterable.chunk_size if iterable.chunked_fetch else None


def compiled(queryset):
    """`queryset` as its compiler, its SQL and parameters, to run again with other parameters."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    return compiler, sql, params


def converted(compiler, fetched):
    """Rows a cursor fetched for `compiler`'s SQL, through Django's converters (dates, decimals)
    as the queryset would give them, as tuples."""
    return list(compiler.results_iter([fetched], tuple_expected=True))


def readable_fields(serializer):
    """The fields a DRF serializer writes out (not the write-only ones), in order."""
    return list(serializer._readable_fields)


def cache_table(cache):
    """The table name of a database cache."""
    return cache._table


def cache_limit(cache):
    """How many entries a database cache holds before it culls (its MAX_ENTRIES)."""
    return cache._max_entries


def cull_frequency(cache):
    """The share of its entries a cache drops when over its limit, as 1/this (its CULL_FREQUENCY)."""
    return cache._cull_frequency


def raw_delete(queryset, database):
    """Delete `queryset`'s rows in one DELETE: no signals (so no history rows), no cascade."""
    return queryset._raw_delete(database)


def set_prefetched(instance, name, rows):
    """Make `instance`'s related manager `name` answer `.all()` with `rows`, no query, as
    `prefetch_related` leaves it."""
    related = getattr(instance, name).none()
    related._result_cache = list(rows)
    related._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = related
