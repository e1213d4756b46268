"""The one conftest: settings for tests, shared fixtures."""

import json
import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def shared_path():
    """The path a setting names outside the repository (the article, the Popolo schemas).

    Absent on a fresh clone: the test is skipped with the path in its reason. CI sets
    KZWATCH_REQUIRE_SHARED=1, and there an absent path fails the test instead.
    """

    from django.conf import settings

    def resolve(setting_name):
        path = Path(getattr(settings, setting_name))
        if not path.exists():
            message = f"{setting_name} is missing: {path}"
            if os.environ.get("KZWATCH_REQUIRE_SHARED") == "1":
                pytest.fail(message)
            pytest.skip(message)
        return path

    return resolve


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache (one process's memory in tests): no page kept by an
    earlier test, whose rows are gone, and a fresh throttle count."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def stopped_throttle_clock(monkeypatch):
    """The throttles count requests in fixed windows (a minute, say) on their own clock; stopped
    30 seconds into a minute, a test's requests all fall in one window, where on the real clock
    two of them a second apart could straddle a minute and reset the count. A test of the windows
    themselves moves the clock (`moment[0] += ...`) or patches it again."""
    from core.rest.throttling import AnonWindowRateThrottle

    moment = [6000.0 * 60 + 30]
    monkeypatch.setattr(AnonWindowRateThrottle, "timer", lambda self: moment[0])
    return moment


@pytest.fixture
def no_page_cache(settings):
    """For tests that count what a view itself asks the database: no answer from the readers'
    cache, and no part of a page kept for anyone (`page_cache.part`)."""
    settings.PAGE_CACHE_SECONDS = settings.PART_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing real passwords costs a third of a second each; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def curator(django_user_model):
    """A staff user with the add/change/delete permissions curators get, but not publish."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("curator", password="curator-pass-1234", is_staff=True)
    codenames = [
        f"{action}_{model}"
        for action in ("add", "change", "delete", "view")
        for model in (
            "event",
            "participation",
            "citation",
            "source",
            "eventtype",
            "participantrole",
            "actor",
            "alias",
            "identifier",
            "faction",
            "membership",
            "office",
            "tenure",
        )
    ]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def staff_in_groups(django_user_model):
    """Makes a staff user in the groups the migrations make ("Curator", "Editor"), by name."""
    from django.contrib.auth.models import Group

    def make(username, *groups):
        user = django_user_model.objects.create_user(username, password="pass-1234-word", is_staff=True)
        user.groups.set(Group.objects.filter(name__in=groups))
        return user

    return make


@pytest.fixture
def editor(curator):
    """A curator who may also publish and retract events."""
    from django.contrib.auth.models import Permission

    curator.user_permissions.add(Permission.objects.get(codename="publish_event"))
    return type(curator).objects.get(pk=curator.pk)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, headless, with nothing that reaches for the network at start."""
    import shutil

    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="module")
def record(django_db_setup, django_db_blocker):
    """Every fixture, loaded once for the module inside a transaction rolled back after its last test."""
    from django.core.management import call_command
    from django.db import transaction

    paths = sorted(str(path) for path in (Path(__file__).resolve().parents[1] / "fixtures").glob("*.json"))
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *paths, verbosity=0)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def reconciliation_schema(shared_path):
    """`check(schema_file, answer)`: `answer` checked against one of the W3C reconciliation
    group's schemas (settings.RECONCILIATION_SCHEMAS_DIR), each file registered under its id so
    that their references resolve offline; returns `answer`."""
    from jsonschema import Draft7Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT7

    folder = shared_path("RECONCILIATION_SCHEMAS_DIR")
    documents = {path.name: json.loads(path.read_text()) for path in folder.glob("*.json")}
    resources = []
    for name, document in documents.items():
        resource = DRAFT7.create_resource(document)
        # manifest.json names the OpenAPI schema by Swagger's address; a file may be named by
        # its sibling's address, which can differ from its own $id.
        uri = "http://swagger.io/v2/schema.json" if name == "openapi.json" else document.get("$id", name)
        resources += [(uri, resource), (f"https://reconciliation-api.github.io/specs/0.2/schemas/{name}", resource)]
    registry = Registry().with_resources(resources)

    def check(schema_file, answer):
        validator = Draft7Validator(documents[schema_file], registry=registry)
        errors = [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(answer)]
        assert not errors, errors
        return answer

    return check
