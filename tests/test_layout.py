"""Imports run one way, downward: kzwatch (wiring) -> pages, bench -> exchange -> leads -> events -> actors -> core.

Each app may import only the apps below it, and no app imports the project package
`kzwatch`, which only Django loads. `pages` (the analyst's pages) and `bench` (the synthetic
record and the benchmark) share the top: each reads every layer below and neither imports
the other, so nothing but the wiring reaches the pages. Together these also rule out a
detour: `actors` cannot reach `events` through `core` or `kzwatch`, since neither imports upward.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["core", "actors", "events", "leads", "exchange"]
TOP = ["pages", "bench"]
PROJECT = "kzwatch"


def forbidden_for(app):
    """The top-level packages `app` must not import: every app above it or beside it at the top,
    and the project package."""
    if app in TOP:
        return (set(TOP) - {app}) | {PROJECT}
    return set(LAYERS[LAYERS.index(app) + 1 :]) | set(TOP) | {PROJECT}


def imported_packages(source):
    """Top-level package names a module's source imports (relative imports stay in the app)."""
    packages = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            packages.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
    return packages


def modules(app):
    return sorted((ROOT / app).rglob("*.py"))


@pytest.mark.parametrize("app", [app for app in LAYERS + TOP if (ROOT / app).is_dir()])
def test_each_app_imports_only_the_layers_below_it(app):
    offences = [
        f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}"
        for path in modules(app)
        if (bad := imported_packages(path.read_text(encoding="utf-8")) & forbidden_for(app))
    ]
    assert not offences, "\n".join(offences)


def test_the_layers_exist_where_the_readme_says():
    assert all((ROOT / app / "__init__.py").is_file() for app in LAYERS + TOP)


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("core", "from events.models import Event"),
        ("core", "import actors.names"),
        ("actors", "from events.services import actor_merge"),
        ("actors", "from kzwatch.settings import DEBUG"),
        ("events", "from kzwatch import api"),
        ("leads", "from pages.views import board"),
        ("events", "import pages.feeds"),
        ("events", "from exchange.imports import events_import"),
        ("actors", "import exchange.popolo"),
        ("bench", "from pages.views.board import GROUPS"),
        ("pages", "from bench.synthetic import generate"),
        ("pages", "from kzwatch.urls import urlpatterns"),
    ],
)
def test_an_upward_import_is_caught(app, source):
    assert imported_packages(source) & forbidden_for(app)


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("events", "from actors.models import Actor"),
        ("actors", "from core.dates import parse"),
        ("core", "from .x import y"),
        ("pages", "from events.filters import EventFilterSet"),
        ("pages", "from leads.models import Lead"),
        ("bench", "from exchange.imports import events_import"),
        ("exchange", "from events.admin import EventAdmin"),
        ("pages", "from exchange.tabular import COLUMNS"),
    ],
)
def test_a_downward_import_is_allowed(app, source):
    assert not imported_packages(source) & forbidden_for(app)


def test_djangos_system_check_finds_nothing_to_warn_of():
    """URL patterns, models and settings as Django's checks read them: not even a warning."""
    from django.core.management import call_command

    call_command("check", fail_level="WARNING")
