"""Settings come from the environment; production refuses to start without a secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_ENGINE = (
    "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
)


def run_python(code, **environment):
    """Run `code` in a fresh interpreter whose environment has only the given kzwatch settings."""
    env = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")}
    env.update(environment, DJANGO_SETTINGS_MODULE="kzwatch.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_missing_secret_key_with_debug_off_stops_with_a_clear_message():
    result = run_python(PRINT_ENGINE, DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_runs_without_a_secret_key_and_defaults_to_sqlite():
    result = run_python(PRINT_ENGINE, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    result = run_python(PRINT_ENGINE, SECRET_KEY="x", DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_feeds_allowed_networks_that_are_not_networks_stop_with_a_clear_message():
    result = run_python(PRINT_ENGINE, DEBUG="1", FEEDS_ALLOWED_NETWORKS="10.20.0.0/16, intranet")
    assert result.returncode != 0
    assert "FEEDS_ALLOWED_NETWORKS: 'intranet' does not appear to be an IPv4 or IPv6 network" in result.stderr


def test_no_local_feed_files_and_no_private_networks_by_default():
    result = run_python(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.FEEDS_DIR, settings.FEEDS_ALLOWED_NETWORKS)",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None []"
