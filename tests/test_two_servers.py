"""Two app servers behind one address, sharing PostgreSQL and Redis, act as one site.

Real processes: Debian's redis-server on a free loopback port and two gunicorns on two more,
all started once for the module, serving the test database; the rows a test makes are
committed (`transactional_db`) so that the servers see them. Every request plays the front
(nginx, haproxy) that would stand before them: the site's one name as Host, and the reader's
address in X-Forwarded-For (API_NUM_PROXIES=1).
"""

import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import namedtuple
from http.cookies import SimpleCookie
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings

from tests.servers import free_port, start, stop

REDIS_SERVER = shutil.which("redis-server")
ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
pytestmark = [
    pytest.mark.skipif(
        REDIS_SERVER is None, reason="redis-server is not on PATH (Debian: apt-get install redis-server)"
    ),
    pytest.mark.skipif(
        not ON_POSTGRESQL,
        reason="two app servers need a database server; the SQLite test database is one process's memory",
    ),
]

FRONT = "kzwatch.test"
READER = "203.0.113.7"
API_RATE = 5
PASSWORD = "two-servers-pass-1234"
Answer = namedtuple("Answer", "status headers text")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to look at (the admin's 302 to its login), not to follow."""

    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects)


def call(server, path, *, method="GET", headers=None, body=None, reader=READER):
    """One request to `server` as the front would pass it on."""
    headers = {"Host": FRONT, "X-Forwarded-For": reader, **(headers or {})}
    request = urllib.request.Request(server + path, data=body, method=method, headers=headers)
    try:
        with OPENER.open(request, timeout=30) as response:
            return Answer(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read().decode())


def cookies(answer):
    jar = SimpleCookie()
    for line in answer.headers.get_all("Set-Cookie") or []:
        jar.load(line)
    return {name: morsel.value for name, morsel in jar.items()}


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="kzwatch-two-servers-") as path:
        yield path


@pytest.fixture(scope="module")
def redis_url(folder):
    port = free_port()
    command = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = start([*command, "--dir", folder], port, folder, "redis")
    yield f"redis://127.0.0.1:{port}/0"
    stop(process)


def database_url():
    """The test database pytest-django made (test_<name>), as DATABASE_URL names it."""
    database = settings.DATABASES["default"]
    credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    where = f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
    return f"postgres://{credentials}@{where}/{database['NAME']}"


@pytest.fixture(scope="module")
def servers(django_db_setup, redis_url, folder):
    """Two gunicorns of one worker each, as `make serve SERVE_PORTS=...` starts them; stopped
    before pytest-django drops the test database."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CACHE_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "HTTPS": "0",
        "ALLOWED_HOSTS": FRONT,
        "KZWATCH_PLAIN_STATIC": "1",
        "API_ANON_RATE": f"{API_RATE}/hour",
        "API_NUM_PROXIES": "1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    }
    processes, addresses = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            command = [sys.executable, "-m", "gunicorn", "kzwatch.wsgi", "--bind", f"127.0.0.1:{port}"]
            command += ["--workers", "1", "--forwarded-allow-ips", "127.0.0.1"]
            processes.append(start(command, port, folder, name, cwd=settings.BASE_DIR, env=environment))
            addresses.append(f"http://127.0.0.1:{port}")
        yield addresses
    finally:
        for process in processes:
            stop(process)


def empty(redis_url):
    import redis

    with redis.Redis.from_url(redis_url) as client:
        client.flushdb()


def redis_keys(redis_url):
    import redis

    with redis.Redis.from_url(redis_url) as client:
        return client.keys()


@pytest.fixture
def two_servers(servers, redis_url, transactional_db):
    """Both servers, with Redis emptied: no count or page left by an earlier test."""
    empty(redis_url)
    return servers


def clear_of_the_window_end(seconds):
    """The throttle counts per fixed window of `seconds`; start well inside one."""
    left = seconds - time.time() % seconds
    if left < 15:
        time.sleep(left + 0.5)


def test_the_throttle_counts_one_clients_requests_on_both_servers(two_servers):
    a, b = two_servers
    clear_of_the_window_end(3600)

    statuses = [call(server, "/api/v1/events/").status for server in (a, b, a, b, a, b)]

    assert statuses == [200] * API_RATE + [429]
    assert call(a, "/api/v1/events/").status == 429
    assert call(a, "/api/v1/events/", reader="203.0.113.8").status == 200


def test_a_write_on_one_server_renews_the_readers_pages_on_the_other_at_once(two_servers, curator):
    from rest_framework.authtoken.models import Token

    from actors.models import Actor
    from tests.factories import ActorFactory

    a, b = two_servers
    actor = ActorFactory(name="Old Name")
    page = f"/actors/{actor.slug}/"
    assert "Old Name" in call(b, page).text
    # A change that starts no new generation (no signal): a server that shows the old name
    # answers from the kept page. A does, though B made it: one cache for both.
    Actor.objects.filter(pk=actor.pk).update(name="Unannounced Name")
    assert "Old Name" in call(a, page).text
    assert "Old Name" in call(b, page).text

    token = Token.objects.create(user=curator)
    headers = {"Authorization": f"Token {token.key}", "Content-Type": "application/json"}
    body = json.dumps({"name": "New Name"}).encode()
    written = call(a, f"/api/v1/actors/{actor.slug}/", method="PATCH", headers=headers, body=body)
    assert written.status == 200, written.text

    assert "New Name" in call(b, page).text


def server_password_hash():
    """PASSWORD's hash as the servers can check it: they know the default hashers only, not the
    tests' fast one."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(PASSWORD, hasher.salt())


def sign_in(server, username):
    """Sign `username` (with PASSWORD) in through the admin's login form on `server`; their
    session key."""
    form = call(server, "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    fields = {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": "/admin/"}
    csrf_cookie = f"{settings.CSRF_COOKIE_NAME}={cookies(form)[settings.CSRF_COOKIE_NAME]}"
    headers = {"Cookie": csrf_cookie, "Content-Type": "application/x-www-form-urlencoded"}
    login = call(server, "/admin/login/", method="POST", headers=headers, body=urlencode(fields).encode())
    assert login.status == 302, login.text
    return cookies(login)[settings.SESSION_COOKIE_NAME]


def test_a_session_made_on_one_server_is_valid_on_the_other(two_servers, redis_url, django_user_model):
    from django.contrib.sessions.models import Session

    a, b = two_servers
    django_user_model.objects.create(
        username="two-servers-admin", password=server_password_hash(), is_staff=True, is_superuser=True
    )
    session = sign_in(a, "two-servers-admin")
    signed_in = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}

    assert call(b, "/admin/").status == 302
    admin_index = call(b, "/admin/", headers=signed_in)
    assert admin_index.status == 200
    assert "two-servers-admin" in admin_index.text

    # cached_db: the session is read from Redis and kept in the database too, so an emptied
    # Redis signs no one out.
    assert any(session.encode() in key for key in redis_keys(redis_url))
    assert Session.objects.filter(session_key=session).exists()
    empty(redis_url)
    assert call(b, "/admin/", headers=signed_in).status == 200


def test_a_draft_written_on_one_server_renews_a_curators_timeline_on_the_other(two_servers, curator):
    """The kept parts of pages follow the record's generation, shared in Redis: the curator's
    timeline on B shows a draft the moment A has written it; readers never see it."""
    from rest_framework.authtoken.models import Token

    from tests.factories import EventFactory, EventTypeFactory

    a, b = two_servers
    EventFactory(title="Published earlier", published=True)
    EventTypeFactory(slug="arrest", name="Arrest")
    curator.password = server_password_hash()
    curator.save()
    signed_in = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={sign_in(b, curator.username)}"}
    assert "<strong>1</strong> dated event matches" in call(b, "/", headers=signed_in).text
    assert "<strong>1</strong> dated event matches" in call(b, "/").text

    token = Token.objects.create(user=curator)
    headers = {"Authorization": f"Token {token.key}", "Content-Type": "application/json"}
    body = json.dumps({"title": "Drafted on A", "type": "arrest", "date": "2024-05", "status": "draft"}).encode()
    written = call(a, "/api/v1/events/", method="POST", headers=headers, body=body)
    assert written.status == 201, written.text

    # The axis counts it: kept on B for the generation before, it was made again.
    curators = call(b, "/", headers=signed_in).text
    assert "Drafted on A" in curators and "<strong>2</strong> dated events match" in curators
    readers = call(b, "/").text
    assert "Drafted on A" not in readers and "<strong>1</strong> dated event matches" in readers
