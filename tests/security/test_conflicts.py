"""Two writers at once lose nothing: on PostgreSQL, 100 random interleavings of an API client
(If-Match) and an admin form (the stale-edit check); on SQLite, concurrent writers wait."""

import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client, RequestFactory

from events.models import Source
from tests.api.clients import token_client
from tests.factories import SourceFactory

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 100


def jitter(rng):
    """A random pause of up to 3 ms, so each round interleaves the two writers differently."""
    time.sleep(rng.random() * 0.003)


def api_writer(client, source_id, mark, rng, errors):
    try:
        for _ in range(20):
            current = client.get(f"/api/v1/sources/{source_id}/")
            jitter(rng)
            response = client.patch(
                f"/api/v1/sources/{source_id}/",
                {"title": current.json()["title"] + mark},
                format="json",
                HTTP_IF_MATCH=current["ETag"],
            )
            if response.status_code == 200:
                return
            assert response.status_code == 412, response.content
        errors.append(f"API writer never got through for {mark}")
    except Exception as error:  # reported to the main thread
        errors.append(repr(error))
    finally:
        connection.close()


def admin_writer(client, superuser, source_id, mark, rng, errors):
    try:
        for _ in range(20):
            source = Source.objects.get(pk=source_id)
            request = RequestFactory().get("/")
            request.user = superuser
            form = admin.site._registry[Source].get_form(request, source)(instance=source)
            # What the change page holds: the record's fields and the version it was opened at.
            data = {name: value for name, value in form.initial.items() if value is not None}
            data["opened_version"] = form.fields["opened_version"].initial
            data["title"] = source.title + mark
            jitter(rng)
            response = client.post(f"/admin/events/source/{source_id}/change/", data)
            if response.status_code == 302:
                return
            assert b"Someone else saved this record" in response.content, response.content[:2000]
        errors.append(f"admin writer never got through for {mark}")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_an_api_writer_and_an_admin_writer_never_lose_an_update_in_100_interleavings(admin_user):
    if connection.vendor != "postgresql":
        pytest.skip("row locks race only on PostgreSQL; SQLite serialises writers (the test below)")
    api = token_client(admin_user)
    staff = Client()
    staff.force_login(admin_user)
    rng = random.Random(12)
    for number in range(ROUNDS):
        source = SourceFactory(title="Source", url="")
        errors = []
        marks = (f" a{number}", f" b{number}")
        threads = [
            threading.Thread(target=api_writer, args=(api, source.pk, marks[0], random.Random(rng.random()), errors)),
            threading.Thread(
                target=admin_writer, args=(staff, admin_user, source.pk, marks[1], random.Random(rng.random()), errors)
            ),
        ]
        if rng.random() < 0.5:
            threads.reverse()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        title = Source.objects.get(pk=source.pk).title
        assert marks[0] in title and marks[1] in title, (number, title)
        assert source.history.count() == 3  # created, then one row for each writer's save


SQLITE_WRITERS = """
import sys, threading, time, django
django.setup()
from django.conf import settings
from django.db import connection, transaction
from tests.factories import SourceFactory
from events.models import Source
options = settings.DATABASES["default"]["OPTIONS"]
assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5, options
source = SourceFactory(title="counter", publisher="0")
failures = []

def writer():
    try:
        for _ in range(10):
            with transaction.atomic():
                row = Source.objects.get(pk=source.pk)
                time.sleep(0.01)  # hold the write lock while the others try to take it
                row.publisher = str(int(row.publisher) + 1)
                row.save()
    except Exception as error:
        failures.append(repr(error))
    finally:
        connection.close()

threads = [threading.Thread(target=writer) for _ in range(4)]
[thread.start() for thread in threads]
[thread.join() for thread in threads]
print(failures, Source.objects.get(pk=source.pk).publisher)
"""


def test_concurrent_sqlite_writers_wait_for_each_other_instead_of_failing(tmp_path):
    from tests.test_settings import run_python

    database = {"DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'writers.sqlite3'}", "CACHE_URL": "locmem://"}
    migrate = "from django.core.management import execute_from_command_line as run; run(['m', 'migrate', '-v0'])"
    assert run_python(migrate, **database).returncode == 0
    result = run_python(SQLITE_WRITERS, **database)
    assert result.returncode == 0, result.stderr[-2000:]
    # No "database is locked", and no increment lost: 4 writers x 10 read-modify-writes.
    assert result.stdout.split() == ["[]", "40"]


del sys, subprocess
