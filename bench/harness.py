"""The benchmark: each operation beside its baseline, interleaved, after a warm-up.

`measure(repetitions=30)` runs on whatever database Django is connected to (a synthetic
record from `generate_synthetic`) and returns `{operation: {median_ms, p95_ms,
baseline_median_ms, ratio, queries}}`. The operation goes through Django in-process (the
test client: URL routing, middleware, the view, the renderer); the baseline reads the same
rows with hand-written SQL (`baselines.py`). `run.py` prepares the database and prints.

An operation slower than its target (`TARGETS`, a ratio to its baseline) is run once more
with its queries captured, and the plan of the slowest of them, `EXPLAIN (ANALYZE,
BUFFERS)`, goes to `on_miss`: where the time went, printed beside the table.
"""

import json
import re
import statistics
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from actors.models import Actor, Alias
from actors.names import query_tokens
from events.models import Event, EventType

from . import baselines, bulk, page_baselines, synthetic

SEARCH = "nazarbaev"
WINDOW = ("2000", "2019")
BOARD_DAYS = ("2015-06-30", "2005-06-30")
IMPORT_EVENTS = 10_000
IMPORT_REPETITIONS = 5  # the import takes seconds: a median of five, not thirty
EXPORT_REPETITIONS = 5  # so do the whole-record exports
# The most an operation may take, as a multiple of its baseline (issues 11, 19 and 20). The
# admin's list has none (its baseline reads one page of ids), nor have the exports: theirs is
# a bound on memory, which tests hold (tests/exchange/test_graph.py, test_ftm.py).
TARGETS = {
    "api_events_list": 3,
    "api_events_deep_page": 3,
    "actor_search": 2,
    "actor_detail": 3,
    "timeline_page": 4,
    "as_of_board": 4,
    "as_of_board_known": 4,
    "network_page": 4,
    "reconcile_batch": 3,
    "bulk_import": 10,
}


@dataclass
class Operation:
    name: str
    run: object  # () -> bytes: what the operation answers
    baseline: object  # () -> bytes: the same, without the framework
    compare: object = None  # (answer, baseline answer) -> the parts that must agree, or None to skip
    repetitions: int | None = None  # fewer than the run's, for an operation that takes seconds


def api_results(body):
    return json.loads(body)["results"]


def get(client, *urls):
    """A request to each of `urls`, in turn; their bodies joined."""

    def request():
        bodies = []
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            # A streamed export is read to its end, as a client reads it.
            bodies.append(b"".join(response.streaming_content) if response.streaming else response.content)
        return b"".join(bodies)

    return request


def linked(pattern):
    """The addresses a page links to under `pattern` ("events", "actors"), in order (sorted if
    unordered), whatever query they keep (a board read `?known=` keeps it in its links)."""
    return lambda page: re.findall(rf'href="/{pattern}/([^/"]+)/(?:\?[^"]*)?"', page.decode())


def same_events(answer, base):
    """The timeline and its baseline list the same events in the same order."""
    events = re.compile(r'<h3 class="event-title"><a href="/events/([^/"]+)/"|<h3><a href="/events/([^/"]+)/"')
    return ([a or b for a, b in events.findall(text.decode())] for text in (answer, base))


def same_people(answer, base):
    """The board and its baseline name the same people as often (a person per line or change)."""
    return (sorted(linked("actors")(text)) for text in (answer, base))


def drawn_within_baseline(answer, base):
    """Every node the network page draws is one its baseline read (the page draws the most
    linked of them only)."""
    drawn, read = (set(re.findall(r'data-node="([^"]+)"', text.decode())) for text in (answer, base))
    assert drawn, "the network page drew nothing"
    return sorted(drawn - read), []


def reconciliation_batch():
    """Ten names as a journalist's spreadsheet holds them: whole names in Latin and in Cyrillic,
    and surnames alone, of the first ten people of the record."""
    people = list(Actor.objects.filter(kind=Actor.Kind.PERSON).order_by("pk")[:10])
    cyrillic = dict(Alias.objects.filter(actor__in=people, lang="ru").values_list("actor_id", "name"))
    names = [
        cyrillic.get(person.pk, person.name) if n % 3 == 0 else person.name if n % 3 == 1 else person.name.split()[-1]
        for n, person in enumerate(people)
    ]
    return {f"q{n}": {"query": name} for n, name in enumerate(names)}


def reconciled_within_candidates(answer, base):
    """Every candidate the service answers is one the name search finds for that name."""
    found, candidates = json.loads(answer), json.loads(base)
    strays = [
        (key, c["id"])
        for key, result in found.items()
        for c in result["result"]
        if c["id"] not in {row["id"] for row in candidates[key]}
    ]
    return strays, []


def same_graph(answer, base):
    """The graph export and its baseline hold as many nodes and edges."""
    return ((text.count(b"<node "), text.count(b"<edge ")) for text in (answer, base))


def post(client, url, data):
    def request():
        response = client.post(url, data)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        return response.content

    return request


def subjects():
    """What the operations look at: the busiest actor, its commonest type, a keyset position 90% in."""
    busiest = Actor.objects.annotate(n=Count("participations")).order_by("-n", "pk").values_list("slug", flat=True)[0]
    event_type = (
        EventType.objects.filter(events__participations__actor__slug=busiest)
        .annotate(n=Count("events"))
        .order_by("-n", "pk")
        .values_list("slug", flat=True)[0]
    )
    published = Event.objects.published().chronological()
    deep = published.values_list("sort_date", "pk")[int(published.count() * 0.9)]
    return busiest, event_type, deep


def operations(*, import_events=IMPORT_EVENTS, export_repetitions=EXPORT_REPETITIONS):
    busiest, event_type, (deep_date, deep_pk) = subjects()
    anonymous, staff = Client(), Client()
    admin = get_user_model().objects.filter(
        username="bench-admin"
    ).first() or get_user_model().objects.create_superuser("bench-admin", "bench@kzwatch.invalid", None)
    staff.force_login(admin)
    first_day, last_day = f"{WINDOW[0]}-01-01", f"{WINDOW[1]}-12-31"
    cursor = baselines.cursor_for(deep_date, deep_pk)
    listed = [
        Operation(
            "api_events_list",
            get(
                anonymous,
                f"/api/v1/events/?actor={busiest}&type={event_type}"
                f"&date_after={WINDOW[0]}&date_before={WINDOW[1]}&page_size=50",
            ),
            lambda: baselines.events_filtered(
                actor=busiest, event_type=event_type, first_day=first_day, last_day=last_day
            ),
            lambda answer, base: (api_results(answer), api_results(base)),
        ),
        Operation(
            "api_events_deep_page",
            get(anonymous, f"/api/v1/events/?cursor={cursor}"),
            lambda: baselines.events_after(sort_date=deep_date, pk=deep_pk),
            lambda answer, base: (api_results(answer), api_results(base)),
        ),
        Operation(
            "actor_search",
            get(anonymous, f"/api/v1/actors/?q={SEARCH}"),
            lambda: baselines.actor_search(query_tokens(SEARCH)),
            lambda answer, base: (api_results(answer), api_results(base)),
        ),
        Operation(
            "actor_detail",
            get(anonymous, f"/api/v1/actors/{busiest}/"),
            lambda: baselines.actor_detail(busiest),
            lambda answer, base: (json.loads(answer), json.loads(base)),
        ),
        Operation(
            "admin_event_changelist",
            get(staff, "/admin/events/event/"),
            baselines.admin_event_changelist,
        ),
        Operation(
            "timeline_page",
            get(
                anonymous,
                f"/?actor={busiest}&type={event_type}&date_after={WINDOW[0]}&date_before={WINDOW[1]}",
            ),
            lambda: page_baselines.timeline_page(
                actor=busiest, event_type=event_type, first_day=first_day, last_day=last_day
            ),
            same_events,
        ),
        Operation(
            "as_of_board",
            get(anonymous, f"/as-of/{BOARD_DAYS[0]}/", f"/as-of/{BOARD_DAYS[0]}/?compare={BOARD_DAYS[1]}"),
            lambda: page_baselines.as_of_board(BOARD_DAYS[0]) + page_baselines.as_of_board(*BOARD_DAYS),
            same_people,
        ),
    ]
    listed += pages_of_the_past_and_the_network(anonymous)
    listed += exchanges(anonymous, export_repetitions)
    rows = bulk.import_rows(import_events)
    listed.append(
        Operation(
            "bulk_import",
            bulk.through_import(rows, admin),
            bulk.through_copy(rows),
            repetitions=IMPORT_REPETITIONS,
        )
    )
    return listed


def pages_of_the_past_and_the_network(anonymous):
    """The board read `?known=` (over the history the bench writes) and the network on a day."""
    listed = []
    synthetic.ensure_span_history()
    known = synthetic.HISTORY_KNOWN.isoformat()
    listed.append(
        Operation(
            "as_of_board_known",
            get(anonymous, f"/as-of/{BOARD_DAYS[0]}/?{urlencode({'known': known})}"),
            lambda: page_baselines.as_of_board(BOARD_DAYS[0], known=synthetic.HISTORY_KNOWN),
            same_people,
        )
    )
    listed.append(
        Operation(
            "network_page",
            get(anonymous, f"/network/{BOARD_DAYS[0]}/", f"/network/{BOARD_DAYS[0]}/?together=1"),
            lambda: (
                page_baselines.network_page(BOARD_DAYS[0]) + page_baselines.network_page(BOARD_DAYS[0], together=True)
            ),
            drawn_within_baseline,
        )
    )
    return listed


def exchanges(anonymous, export_repetitions=EXPORT_REPETITIONS):
    """The reconciliation batch and the whole-record exports."""
    listed = []
    batch = reconciliation_batch()
    listed.append(
        Operation(
            "reconcile_batch",
            post(anonymous, "/reconcile", {"queries": json.dumps(batch)}),
            lambda: baselines.name_search_batch({key: query_tokens(q["query"]) for key, q in batch.items()}),
            reconciled_within_candidates,
        )
    )
    listed.append(
        Operation(
            "graph_export",
            get(anonymous, "/api/v1/export/graph.graphml"),
            baselines.graph_graphml,
            same_graph,
            repetitions=export_repetitions,
        )
    )
    listed.append(
        Operation(
            "ftm_export",
            get(anonymous, "/api/v1/export/ftm.jsonl"),
            baselines.ftm_lines,
            repetitions=export_repetitions,
        )
    )
    return listed


def check(operation):
    """The operation and its baseline answer the same (where comparable), else AssertionError."""
    answer, base = operation.run(), operation.baseline()
    assert answer and base, operation.name
    if operation.compare is not None:
        mine, theirs = operation.compare(answer, base)
        assert mine == theirs, f"{operation.name}: the baseline does not answer what the operation answers"


def count_queries(function):
    """How many queries `function` sends (Django resets its own query log at each request)."""
    sent = []

    def counter(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return len(sent)


def timed(function):
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


PLANNABLE = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "VALUES", "TABLE")


def slowest_query(operation):
    """The operation run once more, its queries captured: (the slowest, their count, their ms)."""
    with CaptureQueriesContext(connection) as captured:
        operation.run()
    queries = [query for query in captured.captured_queries if query["sql"]]
    # Of the statements a plan can be asked for: not a SAVEPOINT, say.
    plannable = [query for query in queries if query["sql"].lstrip().upper().startswith(PLANNABLE)]
    slowest = max(plannable or queries, key=lambda query: float(query["time"]))
    return slowest, len(queries), sum(float(query["time"]) for query in queries) * 1000


def explain(sql):
    """`EXPLAIN (ANALYZE, BUFFERS)` of `sql` (as sent, its parameters inlined), rolled back: a
    plan is measured by running the statement, which must not write."""
    if connection.vendor != "postgresql":
        return "(EXPLAIN ANALYZE needs PostgreSQL)"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
    except Exception as error:  # a statement of a named cursor, say: say so rather than stop the run
        return f"(no plan: {error})"
    return plan


def where_time_goes(operation, result):
    """What to print for an operation that missed its target: its queries' share of the time,
    and the plan of the slowest."""
    slowest, count, sql_ms = slowest_query(operation)
    return (
        f"{operation.name}: {result['ratio']}x, target {result['target']}x; "
        f"{count} queries took {sql_ms:.1f} ms of a {result['median_ms']:.1f} ms median; "
        f"the slowest, {float(slowest['time']) * 1000:.1f} ms:\n{slowest['sql']}\n\n{explain(slowest['sql'])}\n"
    )


def missed(name, result, targets):
    target = targets.get(name)
    return target is not None and result["ratio"] is not None and result["ratio"] > target


def measure(
    *,
    repetitions=30,
    warmup=3,
    only=None,
    import_events=IMPORT_EVENTS,
    export_repetitions=EXPORT_REPETITIONS,
    targets=None,
    on_miss=None,
):
    """Every operation `repetitions` times (or its own fewer), each time followed by its baseline.

    `on_miss(text)` receives where the time went for each operation over its target
    (`targets`, by default `TARGETS`); by default it is printed to stderr.
    """
    targets = TARGETS if targets is None else targets
    on_miss = on_miss or (lambda text: print(text, file=sys.stderr))
    results = {}
    for operation in operations(import_events=import_events, export_repetitions=export_repetitions):
        if only and operation.name not in only:
            continue
        mine, theirs = [], []
        if operation.repetitions is None:
            check(operation)
            for _ in range(warmup):
                operation.run(), operation.baseline()
            queries = count_queries(operation.run)
        else:
            # An operation that takes seconds is neither warmed up nor run twice to count its
            # queries: the first timed run counts them (the counter costs microseconds a query).
            queries = count_queries(lambda run=operation.run, into=mine: into.append(timed(run)))
            theirs.append(timed(operation.baseline))
        while len(mine) < min(repetitions, operation.repetitions or repetitions):
            mine.append(timed(operation.run))
            theirs.append(timed(operation.baseline))
        median, base = statistics.median(mine), statistics.median(theirs)
        results[operation.name] = {
            "median_ms": round(median, 2),
            "p95_ms": round(percentile(mine, 0.95), 2),
            "baseline_median_ms": round(base, 2),
            "ratio": round(median / base, 2) if base else None,
            "queries": queries,
        }
        # At size L the run takes many minutes: say how far it is.
        print(f"{operation.name}: {median:,.1f} ms, {results[operation.name]['ratio']}x", file=sys.stderr)
        if missed(operation.name, results[operation.name], targets):
            on_miss(where_time_goes(operation, results[operation.name] | {"target": targets[operation.name]}))
    return results


def table(results, targets=None):
    """The results as a Markdown table, each ratio beside its target."""
    targets = TARGETS if targets is None else targets
    lines = [
        "| operation | median ms | p95 ms | baseline median ms | ratio | target | met | queries |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for name, row in results.items():
        target = targets.get(name)
        met = "" if target is None else "no" if missed(name, row, targets) else "yes"
        lines.append(
            f"| {name} | {row['median_ms']:.1f} | {row['p95_ms']:.1f} | {row['baseline_median_ms']:.1f} "
            f"| {row['ratio']:.1f}x | {'none' if target is None else f'≤{target}x'} | {met} | {row['queries']} |"
        )
    return "\n".join(lines)
