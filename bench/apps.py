from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The synthetic record and the benchmark that measures the project against raw SQL."""

    name = "bench"
    verbose_name = "Benchmarks"
