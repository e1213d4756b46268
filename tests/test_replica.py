"""A read replica (core/replica.py), for real: a PostgreSQL primary and a streaming replica of it
made here, and an app server (gunicorn, two workers) pointed at both.

Both PostgreSQL servers log every statement to a file, and the tests read those logs to see where
each request's queries went. Pausing the replica's replay makes it lag on purpose, so a read
that shows a fresh save proves it came from the primary. One test stops the replica outright,
then starts it again. One pair of servers serves the module, in a temporary folder removed at
the end.
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from tests.servers import free_port, start, stop

ROOT = Path(__file__).resolve().parent.parent
# Far longer than the module takes: a pin ends once the replica shows the write, not by the clock.
PIN_SECONDS = 120
RETRY_SECONDS = 1
PROGRAMS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
WRITES = re.compile(r"statement: (INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE)\b", re.IGNORECASE)

SEED = """
import json, django; django.setup()
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from events.models import Source
from tests.factories import SourceFactory
sources = [SourceFactory(title=f"Replicated source {number}") for number in range(3)]
user = User.objects.create_user("curator", password="curator-pass-1234", is_staff=True)
user.groups.add(Group.objects.get(name="Curator"))
other = User.objects.create_user("other-curator", is_staff=True)
other.groups.add(Group.objects.get(name="Curator"))
print(json.dumps({
    "token": Token.objects.create(user=user).key,
    "other_token": Token.objects.create(user=other).key,
    "source": sources[0].pk,
    "read_outside_a_request_from": Source.objects.all().db,
}))
"""


def postgres_programs():
    """The folder holding PostgreSQL's server programs (Debian keeps them off the PATH)."""
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda folder: [int(number) for number in re.findall(r"\d+", Path(folder).parent.name)],
        reverse=True,
    )
    if shutil.which("initdb"):
        folders.append(str(Path(shutil.which("initdb")).parent))
    for folder in folders:
        if all((Path(folder) / program).exists() for program in PROGRAMS):
            return Path(folder)
    return None


def as_postgres(command):
    """PostgreSQL refuses to run as root: as root, run it as the system's postgres user."""
    return ["runuser", "-u", "postgres", "--", *map(str, command)] if os.geteuid() == 0 else list(map(str, command))


def scratch_folder():
    """A new folder in memory (/dev/shm) where there is room, else in the temporary folder: the
    servers' files never reach the disk, and removing them is instant (8 to 18 s on this
    machine's disk)."""
    memory = Path("/dev/shm")
    inside = str(memory) if memory.is_dir() and shutil.disk_usage(memory).free > 2**30 else None
    return Path(tempfile.mkdtemp(prefix="kzwatch-replica-", dir=inside))


class Server:
    """One PostgreSQL server in `folder`, on a loopback port, logging every statement to `log`."""

    def __init__(self, programs, folder, name):
        self.programs, self.data, self.log = programs, folder / name, folder / f"{name}.log"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/kzwatch"

    def run(self, program, *arguments):
        subprocess.run(as_postgres([self.programs / program, *arguments]), check=True, capture_output=True, timeout=120)

    def start(self):
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data.parent} "
            "-c wal_level=replica -c hot_standby=on -c logging_collector=off -c log_statement=all "
            # Throwaway servers: no waits for the disk, and less WAL to write, ship and delete.
            "-c fsync=off -c full_page_writes=off -c max_wal_size=64MB -c min_wal_size=32MB"
        )
        self.run("pg_ctl", "start", "-w", "-D", self.data, "-l", self.log, "-o", options)

    def stop(self, mode="fast"):
        self.run("pg_ctl", "stop", "-w", "-D", self.data, "-m", mode)

    def query(self, sql, database="kzwatch"):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True) as db:
            cursor = db.execute(sql)
            return cursor.fetchone() if cursor.description else None

    def mark(self):
        return self.log.stat().st_size

    def since(self, mark):
        with self.log.open("rb") as log:
            log.seek(mark)
            return log.read().decode(errors="replace")


def environment(primary, replica):
    env = {key: value for key, value in os.environ.items() if key not in ("CACHE_URL", "DEBUG", "DATABASE_URL")}
    env.update(
        DATABASE_URL=primary.url,
        DATABASE_REPLICA_URL=replica.url,
        REPLICA_PIN_SECONDS=str(PIN_SECONDS),
        REPLICA_RETRY_SECONDS=str(RETRY_SECONDS),
        # Every read reaches the database, so the logs show where it went.
        PAGE_CACHE_SECONDS="0",
        KZWATCH_PLAIN_STATIC="1",
        DJANGO_SETTINGS_MODULE="kzwatch.settings",
    )
    return env


def run_python(env, *arguments):
    result = subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def start_app(env, folder, name="app"):
    """gunicorn with two workers on a free port; its address once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "kzwatch.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    return start(command, port, folder, name, cwd=ROOT, env=env), f"http://127.0.0.1:{port}"


def wait_for_replay(primary, replica):
    """Until the replica has replayed everything the primary has written so far."""
    (target,) = primary.query("SELECT pg_current_wal_lsn()::text", database="postgres")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        (done,) = replica.query(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn", database="postgres")
        if done:
            return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up within 30 s")


@pytest.fixture(scope="module")
def cluster():
    """A primary with the app's database migrated and a few records, its streaming replica, and
    an app server reading from one and writing to the other; all stopped and removed after."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("a read replica is a PostgreSQL feature; this run's database is SQLite")
    programs = postgres_programs()
    if programs is None:
        pytest.skip(f"PostgreSQL's server programs ({', '.join(PROGRAMS)}) are not installed")
    folder = scratch_folder()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    primary, replica = Server(programs, folder, "primary"), Server(programs, folder, "replica")
    app = None
    try:
        primary.run("initdb", "-D", primary.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        primary.start()
        primary.query("CREATE DATABASE kzwatch", database="postgres")
        primary.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres",
            "-D", replica.data, "-R", "-X", "stream", "-c", "fast", "--no-sync",
        )  # fmt: skip
        replica.start()
        env = environment(primary, replica)
        run_python(env, "manage.py", "migrate", "--noinput", "-v0")
        seeded = json.loads(run_python(env, "-c", SEED))
        wait_for_replay(primary, replica)
        app, base = start_app(env, folder)
        yield {"primary": primary, "replica": replica, "base": base, "folder": folder, **seeded}
    finally:
        if app is not None:
            stop(app)
        for server in (replica, primary):
            if (server.data / "postmaster.pid").exists():
                subprocess.run(
                    as_postgres([programs / "pg_ctl", "stop", "-D", server.data, "-m", "immediate"]),
                    capture_output=True,
                    check=False,
                )
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def replay_paused(replica):
    """The replica stops applying the primary's changes: it lags as far as we like."""
    replica.query("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        replica.query("SELECT pg_wal_replay_resume()")


def get(url, **kwargs):
    import requests

    return requests.get(url, timeout=30, **kwargs)


def source_title(cluster, **kwargs):
    response = get(f"{cluster['base']}/api/v1/sources/{cluster['source']}/", **kwargs)
    assert response.status_code == 200, response.text[:2000]
    return response.json()["title"]


def test_commands_and_migrations_use_the_primary(cluster):
    assert cluster["read_outside_a_request_from"] == "default"
    assert not WRITES.findall(cluster["replica"].since(0))


def test_anonymous_reads_reach_the_replica_and_not_the_primary(cluster):
    primary, replica = cluster["primary"], cluster["replica"]
    marks = primary.mark(), replica.mark()
    listed = get(f"{cluster['base']}/api/v1/sources/")
    timeline = get(f"{cluster['base']}/")
    assert listed.status_code == 200 and "Replicated source 1" in listed.text
    assert timeline.status_code == 200
    replica_log, primary_log = replica.since(marks[1]), primary.since(marks[0])
    assert '"events_source"' in replica_log and '"events_event"' in replica_log
    # The primary still counts readers' requests for the throttles (the cache table), nothing else.
    assert '"events_source"' not in primary_log and '"events_event"' not in primary_log


def test_a_token_client_reads_its_own_save_at_once_while_the_replica_lags(cluster):
    base, primary, replica = cluster["base"], cluster["primary"], cluster["replica"]
    token = {"Authorization": f"Token {cluster['token']}"}
    import requests

    with replay_paused(replica):
        saved = requests.patch(
            f"{base}/api/v1/sources/{cluster['source']}/", json={"title": "Saved by a token"}, headers=token, timeout=30
        )
        assert saved.status_code == 200, saved.text[:2000]
        assert source_title(cluster, headers=token) == "Saved by a token"  # no cookies: the cache's pin
        assert source_title(cluster) != "Saved by a token"  # readers: the replica, paused behind
    wait_for_replay(primary, replica)
    assert source_title(cluster) == "Saved by a token"
    # The replica shows the save now: the token client reads from it again, long before its pin ends.
    assert_read_from_the_replica(cluster, lambda: source_title(cluster, headers=token) == "Saved by a token")


def assert_read_from_the_replica(cluster, read):
    primary, replica = cluster["primary"], cluster["replica"]
    marks = primary.mark(), replica.mark()
    assert read()
    assert '"events_source"' in replica.since(marks[1])
    assert '"events_source"' not in primary.since(marks[0])


def test_a_signed_in_browser_reads_its_own_save_at_once_while_the_replica_lags(cluster):
    import requests

    base, primary, replica = cluster["base"], cluster["primary"], cluster["replica"]
    browser = requests.Session()
    with replay_paused(replica):
        form = browser.get(f"{base}/admin/login/", timeout=30)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        signed_in = browser.post(
            f"{base}/admin/login/",
            data={"username": "curator", "password": "curator-pass-1234", "csrfmiddlewaretoken": csrf},
            allow_redirects=False,
            timeout=30,
        )
        assert signed_in.status_code == 302, signed_in.text[:2000]
        saved = browser.patch(
            f"{base}/api/v1/sources/{cluster['source']}/",
            json={"title": "Saved in a browser"},
            headers={"X-CSRFToken": browser.cookies["csrftoken"]},
            timeout=30,
        )
        assert saved.status_code == 200, saved.text[:2000]
        # The session made at sign-in is only on the primary: read anywhere else, the browser
        # would be a reader again, and see the old title.
        assert source_title(cluster, cookies=browser.cookies) == "Saved in a browser"
        # However long the replica lags: the pin waits for it, not for a time.
        time.sleep(2)
        assert source_title(cluster, cookies=browser.cookies) == "Saved in a browser"
        assert source_title(cluster) != "Saved in a browser"
    wait_for_replay(primary, replica)
    assert_read_from_the_replica(
        cluster, lambda: source_title(cluster, cookies=browser.cookies) == "Saved in a browser"
    )


def test_a_client_whose_write_was_stale_reads_the_current_record_at_once(cluster):
    import requests

    base, primary, replica = cluster["base"], cluster["primary"], cluster["replica"]
    address = f"{base}/api/v1/sources/{cluster['source']}/"
    one, other = ({"Authorization": f"Token {cluster[name]}"} for name in ("token", "other_token"))
    with replay_paused(replica):
        assert requests.patch(address, json={"title": "Saved first"}, headers=one, timeout=30).status_code == 200
        stale = get(address, headers=other)  # from the replica, paused before that save
        assert stale.json()["title"] != "Saved first"
        refused = requests.patch(
            address, json={"title": "Saved second"}, headers={**other, "If-Match": stale.headers["ETag"]}, timeout=30
        )
        assert refused.status_code == 412, refused.text[:2000]
        current = get(address, headers=other)  # "fetch it again": from the primary now
        assert current.json()["title"] == "Saved first"
        saved = requests.patch(
            address, json={"title": "Saved second"}, headers={**other, "If-Match": current.headers["ETag"]}, timeout=30
        )
        assert saved.status_code == 200, saved.text[:2000]
    wait_for_replay(primary, replica)


def test_writes_never_reach_the_replica(cluster):
    replica_log = cluster["replica"].since(0)
    assert not WRITES.findall(replica_log)
    assert "read-only transaction" not in replica_log
    assert re.search(r'statement: UPDATE "events_source"', cluster["primary"].since(0))


def test_reads_go_back_to_the_primary_without_an_error_when_the_replica_stops(cluster):
    primary, replica = cluster["primary"], cluster["replica"]
    replica.stop("immediate")
    mark = primary.mark()
    statuses = []
    deadline = time.monotonic() + RETRY_SECONDS * 3  # past the retry interval: the replica is tried again
    while time.monotonic() < deadline:
        for path in ("/api/v1/sources/", "/", f"/api/v1/sources/{cluster['source']}/"):
            statuses.append(get(f"{cluster['base']}{path}").status_code)
    assert set(statuses) == {200}, statuses
    assert '"events_source"' in primary.since(mark)
    assert "The replica is unreachable" in (cluster["folder"] / "app.log").read_text()

    replica.start()  # back, and after REPLICA_RETRY_SECONDS the workers read from it again
    time.sleep(RETRY_SECONDS * 1.5)
    mark = replica.mark()
    for _ in range(4):  # both workers
        assert get(f"{cluster['base']}/api/v1/sources/").status_code == 200
    assert '"events_source"' in replica.since(mark)


def test_readers_answers_are_kept_only_once_the_replica_shows_the_change(cluster):
    """A server that keeps readers' answers: one made from a replica behind the last change is
    not kept, however long ago that change was, and is kept once the replica shows it."""
    import requests

    primary, replica = cluster["primary"], cluster["replica"]
    env = {**environment(primary, replica), "PAGE_CACHE_SECONDS": "300", "REPLICA_PIN_SECONDS": "1"}
    app, base = start_app(env, cluster["folder"], name="keeping-app")
    address = f"{base}/api/v1/sources/{cluster['source']}/"
    token = {"Authorization": f"Token {cluster['token']}"}
    title = "Changed while the replica lags"
    try:
        with replay_paused(replica):
            saved = requests.patch(address, json={"title": title}, headers=token, timeout=30)
            assert saved.status_code == 200, saved.text[:2000]
            time.sleep(1.5)  # longer than any pin: no time makes the replica's answer safe to keep
            for _ in range(2):
                mark = replica.mark()
                assert get(address).json()["title"] != title
                assert '"events_source"' in replica.since(mark), "an answer older than the change was kept"
        wait_for_replay(primary, replica)
        assert get(address).json()["title"] == title
        mark = replica.mark()
        assert get(address).json()["title"] == title
        assert '"events_source"' not in replica.since(mark), "the replica shows the change, yet nothing was kept"
    finally:
        stop(app)


@pytest.mark.django_db
def test_an_answer_is_kept_only_if_the_replica_showed_its_generation_before_it_was_made(client, settings, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import page_cache, replica

    settings.PAGE_CACHE_SECONDS = 300
    # As if DATABASE_REPLICA_URL were set and this request read from it; the suite has one database.
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "reads_replica", lambda: True)
    primary_at = ["0/A0"]
    monkeypatch.setattr(replica, "written_position", lambda: primary_at[0])
    asked, replica_shows = [], [False]
    monkeypatch.setattr(replica, "shows", lambda position: asked.append(position) or replica_shows[0])

    def queries_for_the_timeline():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    page_cache._new_generation(public=True)  # a change, when the primary's WAL was at 0/A0
    queries_for_the_timeline()
    assert queries_for_the_timeline() > 0  # made afresh: the replica did not show the change
    assert set(asked) == {"0/A0"}  # asked of the position noted at the change
    replica_shows[0] = True
    queries_for_the_timeline()
    assert queries_for_the_timeline() == 0  # kept, and served from the cache

    # A generation whose position is no longer noted is asked of the primary's position now.
    asked.clear()
    primary_at[0] = "0/B0"
    page_cache.cache.delete(page_cache._position_key(page_cache.generation()))
    page_cache.cache.set(page_cache.GENERATION_KEY, page_cache.generation() + 1, timeout=None)
    queries_for_the_timeline()
    assert asked and set(asked) == {"0/B0"}


def test_a_request_asks_the_replica_once_per_position_and_keeps_its_first_answer(monkeypatch):
    from core import replica

    answers, asked = iter([False, True]), []
    monkeypatch.setattr(replica, "replayed", lambda position: asked.append(position) or next(answers))
    route = replica.current_route.set(replica.Route(primary=False))
    try:
        assert not replica.shows("0/10")
        # Caught up meanwhile, perhaps: what this request read before may not show it, so the answer holds.
        assert not replica.shows("0/10")
        assert replica.shows("0/8")
        assert asked == ["0/10", "0/8"]
    finally:
        replica.current_route.reset(route)
    assert replica.shows("FFFFFFFF/FFFFFFFF")  # outside a request, everything is read from the primary


def test_a_pin_holds_the_wal_position_of_the_write_and_a_made_up_one_waits_for_nothing_it_can_reach():
    from django.core.cache import cache
    from django.test import RequestFactory

    from core import replica

    requests = RequestFactory()
    assert replica.pinned_at(requests.get("/")) is None
    browser = requests.get("/", HTTP_COOKIE=f"{replica.PIN_COOKIE}=16-B374D848")
    assert replica.pinned_at(browser) == "16/B374D848"
    for made_up in ("1", "0-0-DROP", "16-b374d848"):
        assert replica.pinned_at(requests.get("/", HTTP_COOKIE=f"{replica.PIN_COOKIE}={made_up}")) == replica.NOWHERE
    credentials = "Token 0123456789abcdef"
    cache.set(replica.pin_key(credentials), "0/3000148")
    assert replica.pinned_at(requests.get("/", HTTP_AUTHORIZATION=credentials)) == "0/3000148"
    assert replica.pinned_at(requests.get("/", HTTP_AUTHORIZATION="Token another")) is None
    cache.set(replica.pin_key("Token from-before"), 1)  # a mark as the release before wrote it
    assert replica.pinned_at(requests.get("/", HTTP_AUTHORIZATION="Token from-before")) == replica.NOWHERE


def test_a_replica_address_adds_the_alias_the_router_and_the_middleware_and_nothing_without_one():
    from tests.test_settings import run_python as run_settings

    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.DATABASE_ROUTERS, 'core.replica.ReplicaMiddleware' in s.MIDDLEWARE, "
        "s.DATABASES.get('replica', {}).get('OPTIONS'))"
    )
    alone = run_settings(show, DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/kzwatch")
    assert alone.stdout.strip() == "['default'] [] False None", alone.stderr
    paired = run_settings(
        show,
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/kzwatch",
        DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:5433/kzwatch",
    )
    assert paired.stdout.strip() == "['default', 'replica'] ['core.replica.ReplicaRouter'] True {'connect_timeout': 3}"


def test_a_write_whose_wal_position_cannot_be_read_pins_its_client_until_the_pin_ends(monkeypatch):
    from django.db import OperationalError
    from django.http import HttpResponse
    from django.test import RequestFactory

    from core import replica

    def primary_gone():
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(replica, "written_position", primary_gone)
    response = HttpResponse()
    replica.pin(RequestFactory().post("/api/v1/sources/"), response)
    assert response.cookies[replica.PIN_COOKIE].value == "FFFFFFFF-FFFFFFFF"
    pinned = RequestFactory().get("/", HTTP_COOKIE=f"{replica.PIN_COOKIE}=FFFFFFFF-FFFFFFFF")
    assert replica.pinned_at(pinned) == replica.NOWHERE
