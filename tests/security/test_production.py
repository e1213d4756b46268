"""Production settings: `check --deploy` passes, pages never 500 on static files, a CSP on every
answer, and a cache (with the throttle in it) that every worker process shares."""

import re
import secrets

import pytest
from django.core.cache import caches
from core.cache import DatabaseCache
from django.test import override_settings

from tests.api.clients import anonymous_client
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


DATABASE_CACHE = {"default": {"BACKEND": "core.cache.DatabaseCache", "LOCATION": "kzwatch_cache"}}


@pytest.mark.django_db
def test_throttle_state_lives_in_the_database_cache_every_worker_reads():
    with override_settings(CACHES=DATABASE_CACHE):
        caches["default"].clear()
        client = anonymous_client()
        client.get("/api/v1/events/")
        # A second process would open its own cache object on the same table: it sees the count.
        other_worker = DatabaseCache("kzwatch_cache", {})
        address = client._credentials.get("REMOTE_ADDR") or client.defaults["REMOTE_ADDR"]
        history = other_worker.get(f"throttle_anon_{address}")
        assert history and len(history) == 1


@pytest.mark.django_db
def test_throttle_refuses_past_the_rate_through_the_database_cache(settings):
    from rest_framework.throttling import AnonRateThrottle

    settings.CACHES = DATABASE_CACHE
    caches["default"].clear()
    client = anonymous_client()
    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {"anon": "3/minute"}
    try:
        answers = [client.get("/api/v1/events/").status_code for _ in range(4)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
    assert answers == [200, 200, 200, 429]


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
