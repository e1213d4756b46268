"""`manage.py backup` then `manage.py restore` from SQLite into PostgreSQL: the API answers the same.

Runs the commands in fresh interpreters with different DATABASE_URLs, as `make backup` and
`make restore FILE=...` do.
"""

import gzip
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("KZWATCH_RESTORE_SERVER", "postgres://postgres@127.0.0.1:5432")

POPULATE = """
import django; django.setup()
from django.contrib.auth.models import User
from rest_framework.test import APIClient
from tests.factories import ActorFactory, CitationFactory, EventFactory, MembershipFactory, ParticipationFactory
admin = User.objects.create_superuser("restorer", password="x")
client = APIClient(); client.force_authenticate(admin)
published = EventFactory(slug="published-one", title="Massimov detained", status="published")
CitationFactory(event=published)
ParticipationFactory(event=published)
EventFactory(slug="a-draft")
MembershipFactory()
ActorFactory(slug="soon-renamed")
assert client.patch("/api/v1/actors/soon-renamed/", {"slug": "renamed"}, format="json").status_code == 200
ActorFactory(slug="deleted-one")
assert client.delete("/api/v1/actors/deleted-one/").status_code == 204
edit = {"summary": "Edited through the API."}
assert client.patch("/api/v1/events/published-one/", edit, format="json").status_code == 200
"""

READ = """
import json, django; django.setup()
from django.contrib.auth.models import User
from django.apps import apps
from rest_framework.test import APIClient
anonymous, admin = APIClient(), APIClient()
admin.force_authenticate(User.objects.get(username="restorer"))
answers = {}
for name, client in (("anonymous", anonymous), ("admin", admin)):
    for url in ("/api/v1/events/?page_size=200", "/api/v1/actors/?page_size=200", "/api/v1/factions/",
                "/api/v1/sources/", "/api/v1/tombstones/", "/api/v1/events/published-one/"):
        response = client.get(url)
        answers[f"{name} {url}"] = [response.status_code, response.json(), response.get("ETag")]
histories = [model for model in apps.get_models() if model.__name__.startswith("Historical")]
answers["history"] = {model._meta.label: model.objects.count() for model in histories}
print(json.dumps(answers, sort_keys=True))
"""


def manage(database_url, *arguments, code=None):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "1", "CACHE_URL": "locmem://"}
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def kinds(lines):
    return Counter(json.loads(line)["model"] for line in lines)


@pytest.fixture
def postgres_database():
    psycopg = pytest.importorskip("psycopg")
    name = f"kzwatch_restore_test_{os.getpid()}"
    try:
        server = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL server at {POSTGRES}: {error}")
    server.execute(f'DROP DATABASE IF EXISTS "{name}"')
    server.execute(f'CREATE DATABASE "{name}"')
    yield f"{POSTGRES}/{name}"
    server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    server.close()


def test_a_backup_restored_from_sqlite_into_postgresql_answers_the_api_identically(tmp_path, postgres_database):
    sqlite = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    manage(sqlite, "migrate", "-v0")
    manage(sqlite, code=POPULATE)
    before = json.loads(manage(sqlite, code=READ))
    backup = tmp_path / "kzwatch-backup.jsonl.gz"
    manage(sqlite, "backup", "--output", str(backup))
    with gzip.open(backup, "rt", encoding="utf-8") as stream:
        assert json.loads(stream.readline())["model"]  # JSON Lines: a row a line

    manage(postgres_database, "migrate", "-v0")
    manage(postgres_database, "restore", str(backup))
    after = json.loads(manage(postgres_database, code=READ))

    assert after == before
    # Backed up again from PostgreSQL (one read-only snapshot there): the same rows, kind by kind.
    again = tmp_path / "from-postgresql.jsonl"
    manage(postgres_database, "backup", "--output", str(again))
    with gzip.open(backup, "rt", encoding="utf-8") as first, again.open(encoding="utf-8") as second:
        assert kinds(second) == kinds(first)
    assert before["history"]["events.HistoricalEvent"] >= 3
    assert {row["key"] for row in before["anonymous /api/v1/tombstones/"][1]["results"]} >= {"deleted-one"}
    assert any(row["slug"] == "a-draft" for row in before["admin /api/v1/events/?page_size=200"][1]["results"])
    # New rows continue after the restored ids (PostgreSQL's sequences were reset).
    manage(
        postgres_database,
        code="import django; django.setup(); from tests.factories import EventFactory; EventFactory()",
    )
    # A second restore over the records now there is refused, and changes nothing.
    env = {**os.environ, "DATABASE_URL": postgres_database, "DEBUG": "1", "CACHE_URL": "locmem://"}
    refused = subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "already holds records" in refused.stderr
