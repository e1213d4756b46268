"""Production settings: `check --deploy` passes, pages never 500 on static files, a CSP on every
answer, and a cache (with the throttle in it) that every worker process shares."""

import re
import secrets
import sqlite3

import pytest
from django.db import connection

from tests.test_settings import run_python

PRODUCTION = {
    "DJANGO_ALLOW_ASYNC_UNSAFE": "",
    "CACHE_URL": "",
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "kzwatch.example.org",
}

FETCH_PAGES = """
import re, django
django.setup()
from django.test import Client
client = Client()
for url in ["/admin/login/", "/api/v1/docs/", "/"]:
    response = client.get(url)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', response.content.decode())
    print(url, response.status_code, len(assets), sorted({client.get(a).status_code for a in assets}))
"""


def test_check_deploy_passes_with_debug_off_a_real_key_and_a_host():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_https_is_on_for_a_real_host_and_off_for_loopback_and_behind_a_tls_proxy_trusts_the_header():
    show = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    assert run_python(show, **PRODUCTION).stdout.split() == ["True", "True", "31536000", "None"]
    assert run_python(show, **{**PRODUCTION, "ALLOWED_HOSTS": "127.0.0.1"}).stdout.split()[:3] == ["False"] * 2 + ["0"]
    proxied = run_python(show, **PRODUCTION, TLS_PROXY="1").stdout
    assert "HTTP_X_FORWARDED_PROTO" in proxied


@pytest.mark.parametrize("collected", [False, True], ids=["before-collectstatic", "after-collectstatic"])
def test_debug_off_serves_admin_docs_and_pages_with_their_static_files(tmp_path, collected):
    environment = {**PRODUCTION, "ALLOWED_HOSTS": "testserver", "STATIC_ROOT": str(tmp_path / "static")}
    environment = {**environment, "KZWATCH_PLAIN_STATIC": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    commands = ["migrate", "collectstatic"] if collected else ["migrate"]
    for command in commands:
        result = run_python(
            "from django.core.management import execute_from_command_line; "
            f"execute_from_command_line(['manage.py', '{command}', '--noinput', '-v0'])",
            **environment,
        )
        assert result.returncode == 0, result.stderr
    result = run_python(FETCH_PAGES, **environment)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    for url in ["/admin/login/", "/api/v1/docs/", "/"]:
        status, assets, asset_statuses = lines[url].split(" ", 2)
        assert status == "200", lines
        assert int(assets) > 0 and asset_statuses == "[200]", lines
    if collected:  # hashed names, cacheable for ever
        assert re.search(r"\.[0-9a-f]{12}\.css", (tmp_path / "static" / "staticfiles.json").read_text())


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/api/v1/events/", "/admin/login/", "/api/v1/docs/", "/feeds/events/"])
def test_every_answer_carries_a_content_security_policy_without_inline_script(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    if response["Content-Type"].startswith("text/html"):
        assert not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>", response.content), "an inline script"
        assert b"<style" not in response.content and b" style=" not in response.content


ANONYMOUS_READS = """
import django
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR="{address}")
print(" ".join(str(client.get("/api/v1/events/").status_code) for _ in range(3)))
"""


def database_url_for_other_processes(tmp_path):
    """The test database as another process can open it: PostgreSQL's test database by name;
    SQLite's, which lives in this process's memory, copied to a file first."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        path = tmp_path / "shared.sqlite3"
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        return f"sqlite:///{path}"
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgresql://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def reads_in_two_processes(database_url, cache_url):
    """Three anonymous reads from one address in each of two processes, one after the other."""
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    environment = {**PRODUCTION, "ALLOWED_HOSTS": "testserver", "DATABASE_URL": database_url}
    # A day-long window: a minute-long one could turn between the two processes and reset the count.
    environment.update(CACHE_URL=cache_url, API_ANON_RATE="4/day")
    answers = []
    for _ in range(2):
        result = run_python(ANONYMOUS_READS.format(address=address), **environment)
        assert result.returncode == 0, result.stderr
        answers.append(result.stdout.split())
    return answers


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_share_the_anonymous_throttle_through_the_database(tmp_path):
    database_url = database_url_for_other_processes(tmp_path)
    # Six reads against a rate of four: the second process sees the first one's count.
    assert reads_in_two_processes(database_url, "") == [["200"] * 3, ["200", "429", "429"]]
    # Each process counting alone (its own memory) would let all six through.
    assert reads_in_two_processes(database_url, "locmem://") == [["200"] * 3, ["200"] * 3]


def test_redis_cache_url_selects_the_redis_backend_and_it_round_trips():
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    code = (
        "import django; django.setup(); from django.core.cache import caches; "
        "cache = caches['default']; cache.set('kzwatch-test', 41); "
        "print(type(cache).__name__, cache.incr('kzwatch-test')); "
        "cache.delete('kzwatch-test')"
    )
    result = run_python(code, **{**PRODUCTION, "CACHE_URL": "redis://127.0.0.1:6379/15"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "42"]
