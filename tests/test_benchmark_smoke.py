"""`make bench` works: a tiny synthetic record, every operation measured against its baseline.

No times are asserted (these machines are noisy); the harness itself checks that each
baseline answers what its operation answers, so a drift in the API's JSON fails here.
"""

import pytest
from django.core.management import call_command
from django.db import connection

from actors.models import Actor, Alias, Membership, Tenure
from bench import page_baselines
from bench.harness import measure, table
from events.models import Citation, Event, Participation
from pages import network
from pages.views import board

pytestmark = pytest.mark.django_db

# What issue #11 asks `make bench` to measure.
EVERY_OPERATION = (
    "api_events_list",
    "api_events_deep_page",
    "actor_search",
    "actor_detail",
    "timeline_page",
    "as_of_board",
    "as_of_board_known",
    "network_page",
    "admin_event_changelist",
    "bulk_import",
    "reconcile_batch",
    "graph_export",
    "ftm_export",
)


@pytest.fixture
def synthetic(settings):
    settings.PAGE_CACHE_SECONDS = settings.PART_CACHE_SECONDS = 0  # as `make bench` runs: the views' own work
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    settings.PAGE_ANON_RATE = None
    call_command("generate_synthetic", actors=40, events=300, seed=7, quiet=True)


def test_generator_writes_a_realistic_record(synthetic):
    assert Actor.objects.count() == 40
    assert Event.objects.count() == 300
    assert Alias.objects.filter(lang="ru").count() > 0
    assert Membership.objects.exists()
    assert Tenure.objects.filter(predecessor__isnull=False).exists()
    assert Participation.objects.count() > 300
    dates = list(Event.objects.values_list("date", flat=True))
    assert any(date.startswith("../") for date in dates)
    assert any("/" in date and not date.startswith("..") for date in dates)
    assert any(date.endswith("~") for date in dates)
    assert Event.objects.filter(status=Event.Status.DRAFT).exists()
    assert not Event.objects.filter(sort_date__isnull=True).exists()
    # Every published event cites a source, as the project's rule requires.
    assert not Event.objects.published().exclude(pk__in=Citation.objects.values("event_id")).exists()
    # Zipf: the busiest actor takes part in far more events than the median one.
    assert Actor.objects.matching("nazarbaev").filter(participations__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_generator_is_reproducible(synthetic):
    # Outside a test transaction: flush cannot truncate tables with pending deferred checks.
    first = list(Event.objects.order_by("slug").values_list("slug", "date", "title")[:50])
    call_command("flush", interactive=False, verbosity=0)
    call_command("generate_synthetic", actors=40, events=300, seed=7, quiet=True)
    assert list(Event.objects.order_by("slug").values_list("slug", "date", "title")[:50]) == first


def test_generator_refuses_a_database_that_holds_data(synthetic):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="empty"):
        call_command("generate_synthetic", actors=10, events=10, seed=1, quiet=True)


def test_benchmark_measures_every_operation_against_its_baseline(synthetic):
    results = measure(repetitions=2, warmup=1, import_events=20)

    assert set(results) == set(EVERY_OPERATION)
    for row in results.values():
        assert set(row) == {"median_ms", "p95_ms", "baseline_median_ms", "ratio", "queries"}
        assert row["queries"] > 0 and row["ratio"] > 0
    assert "| api_events_list |" in table(results)
    # The import rolled back: the record is as the generator left it.
    assert Event.objects.count() == 300


def test_an_operation_over_its_target_is_told_where_its_time_went(synthetic):
    printed = []

    results = measure(
        repetitions=1,
        warmup=0,
        only=["actor_detail"],
        import_events=20,
        targets={"actor_detail": 0},
        on_miss=printed.append,
    )

    assert set(results) == {"actor_detail"}
    [text] = printed
    assert text.startswith(f"actor_detail: {results['actor_detail']['ratio']}x, target 0x;")
    assert "| actor_detail |" in table(results, {"actor_detail": 0}) and "| ≤0x | no |" in table(
        results, {"actor_detail": 0}
    )
    if connection.vendor == "postgresql":
        # The plan was measured: EXPLAIN ANALYZE ran the slowest query.
        assert "actual time=" in text and "Execution Time" in text
    else:
        assert "EXPLAIN ANALYZE needs PostgreSQL" in text


def test_an_operation_within_its_target_prints_nothing_more(synthetic):
    printed = []

    measure(
        repetitions=1,
        warmup=0,
        only=["actor_detail"],
        import_events=20,
        targets={"actor_detail": 10**6},
        on_miss=printed.append,
    )

    assert printed == []


def test_the_board_baseline_pages_as_the_board_does():
    # bench mirrors the board's page sizes rather than import the pages.
    assert (page_baselines.GROUPS, page_baselines.SHOWN) == (board.GROUPS, board.SHOWN)


def test_the_network_baseline_reads_the_window_of_shared_events_the_page_reads():
    assert network.TOGETHER_WINDOW.days == page_baselines.TOGETHER_DAYS
