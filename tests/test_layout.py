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


# The references that run upward, stated once, each with its reason.
UPWARD_REFERENCES = {
    # A membership or a tenure names the event that began or ended it (`Span.started_by`,
    # `ended_by`, and the migration that made those columns). The actors code reaches that model
    # only through the foreign key (`Span.cause_model()`), never by an import; moving the causes
    # up to `events` would split each span's one row across two tables, and every query of a
    # span with its causes would gain a join.
    ("actors", "events"),
    # A migration only: the tombstone log began in `events` and moved down to `core`, which took
    # over its table (core.0001) after `events` had made it. Databases made before the move
    # hold that order in their migration history; new ones run it in the same order.
    ("core", "events"),
}


def forbidden_targets(app):
    return {target for target in forbidden_for(app) if (app, target) not in UPWARD_REFERENCES}


def model_references():
    """`(app, field, target app)` of every foreign key and many-to-many field of the project's
    models, history tables included, as Django reads them."""
    from django.apps import apps

    return [
        (model._meta.app_label, f"{model.__name__}.{field.name}", field.related_model._meta.app_label)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in LAYERS + TOP
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is not None
    ]


def migration_references():
    """`(app, migration, app it depends on)` of every migration on disk."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [
        (app, name, dependency)
        for (app, name), migration in loader.disk_migrations.items()
        if app in LAYERS + TOP
        for dependency, _ in migration.dependencies
    ]


def test_each_apps_models_point_only_at_the_layers_below_it():
    offences = [
        f"{field} points at {target}" for app, field, target in model_references() if target in forbidden_targets(app)
    ]
    assert not offences, "\n".join(offences)


def test_each_apps_migrations_depend_only_on_the_layers_below_it():
    offences = [
        f"{app}.{name} depends on {target}"
        for app, name, target in migration_references()
        if target in forbidden_targets(app)
    ]
    assert not offences, "\n".join(offences)


def test_the_stated_upward_reference_is_still_there():
    """An exception nothing needs any more goes, so that it cannot cover a new one."""
    found = {(app, target) for app, _, target in model_references() + migration_references()}
    assert found >= UPWARD_REFERENCES


def test_only_the_stated_upward_references_are_let_through():
    assert "leads" in forbidden_targets("actors") and "exchange" in forbidden_targets("events")
    assert "actors" in forbidden_targets("core") and "pages" in forbidden_targets("actors")
    assert "events" not in forbidden_targets("actors") and "actors" not in forbidden_targets("events")


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
