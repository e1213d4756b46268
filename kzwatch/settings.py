"""kzwatch settings: one file, every deployment difference read from the environment.

DATABASE_URL  defaults to an SQLite file beside manage.py (the quickstart database)
DATABASE_REPLICA_URL a streaming replica of DATABASE_URL's PostgreSQL (postgres://...): readers'
              requests read from it, everything else uses the primary (core/replica.py); unset
              by default: one database
REPLICA_PIN_SECONDS the longest a client that wrote keeps reading from the primary while the
              replica has not replayed its write yet (300 by default)
REPLICA_RETRY_SECONDS how long a process reads only the primary after the replica could not be
              reached, before it tries the replica again (5 by default)
SECRET_KEY    required when DEBUG is off
DEBUG         "1"/"true" to turn on; off by default
ALLOWED_HOSTS comma-separated; defaults to localhost names
API_ANON_RATE anonymous API requests allowed per client address, e.g. "600/minute" (the default)
API_NUM_PROXIES how many trusted proxies add X-Forwarded-For in front of the app; 0 by default
PAGE_ANON_RATE pages (and the feed) allowed per client address to readers not signed in, told apart
              as the API throttle does, e.g. "300/minute" (the default); empty turns it off
HTTPS         "1": redirect to HTTPS, send HSTS, mark cookies secure; on by default with DEBUG off
              unless ALLOWED_HOSTS names only this machine (127.0.0.1, localhost)
HSTS_SECONDS  how long browsers must keep to HTTPS; one year by default when HTTPS is on
TLS_PROXY     "1" behind a proxy that terminates TLS and sets X-Forwarded-Proto: https
CACHE_URL     redis://host:port/db for a Redis cache; the default is a table in the database,
              so the throttle and the cache are shared by every worker either way (the tests
              use locmem://, one process's memory); with Redis, sessions are read from it too
              and written through to the database
PAGE_CACHE_SECONDS how long a page or API answer made for readers without credentials is kept
              at most (300 by default; 0 turns it off); any public change ends it at once
PART_CACHE_SECONDS how long the costly part of a page (the timeline's axis, an event's list
              item, an actor's neighbourhood, the board) is kept for anyone, signed in or not
              (3600 by default; 0 turns it off); any change its reader could see ends it at once
CONN_MAX_AGE  seconds a worker keeps its database connection (60 by default; 0 closes it after
              each request)
STATIC_ROOT   where collectstatic writes; `staticfiles/` beside manage.py by default
FEEDS_DIR     the folder whose files may be registered as local news feeds (leads); unset by
              default, and then every feed must be an http(s) address
FEEDS_ALLOWED_NETWORKS comma-separated networks (CIDR, e.g. "10.20.0.0/16") that feeds may be
              fetched from although they are not public, such as a newsroom's own feed server;
              empty by default, so loopback, private and link-local addresses are refused
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(any long random string), or set DEBUG=1 for local development."
        )
    SECRET_KEY = "kzwatch-insecure-development-key"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if host.strip()
]
# HTTPS everywhere once the site answers to a name beyond this machine; the quickstart and the
# tests (loopback names only) stay on plain HTTP, where a redirect to HTTPS could not be followed.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]", "testserver"}
HTTPS = env_flag("HTTPS", default=not DEBUG and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_flag("HSTS_PRELOAD", default=True)
if env_flag("TLS_PROXY"):
    # Only behind a proxy that overwrites this header: a client could send it itself otherwise.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]

INSTALLED_APPS = [
    "core.apps.AdminConfig",  # django.contrib.admin on our site: dated autocomplete choices
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.syndication",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "axes",
    "core",
    "actors",
    "events",
    "leads",
    "exchange",
    "pages",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.middleware.RequestTooLargeMiddleware",
    "core.middleware.RefusedRequestLogMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication: who is signed in is known, not guessed from a cookie's presence, and
    # CommonMiddleware has refused a foreign Host. Readers not signed in are counted (the page
    # rate), then served from the shared cache (core/page_cache.py).
    "core.middleware.AnonymousPageThrottleMiddleware",
    "core.middleware.AnonymousPageCacheMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its own answer.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Who may see drafts and retractions (core.visibility): those who may change events.
UNPUBLISHED_READERS_PERMISSION = "events.change_event"

# Who may restore an earlier version of a record in the admin's history pages (core.admin):
# editors, who may publish and retract events.
REVERT_PERMISSION = "events.publish_event"

# Repeated failed logins: after AXES_FAILURE_LIMIT failures for one user name from one address,
# that pair is locked out for AXES_COOLOFF_HOURS; every failure is logged (kzwatch.security too).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # kzwatch.security logs the failures and lockouts itself (core/security.py)
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("API_NUM_PROXIES", "0")) or None

ROOT_URLCONF = "kzwatch.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "kzwatch.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # A worker keeps its connection between requests (a new PostgreSQL connection costs
        # more than most of our queries); it is checked before reuse, so a restarted database
        # is reconnected to without a restart of ours.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# A read replica (core/replica.py): reads of safe requests go there, the rest to the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "300"))
REPLICA_RETRY_SECONDS = int(os.environ.get("REPLICA_RETRY_SECONDS", "5"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    # A replica that stops answering costs a reader this long at most before the primary serves
    # them; the URL may set its own (?connect_timeout=...).
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # A test run that keeps the alias gets the test database itself under a second connection,
    # never a test database made on a server that cannot be written to (this project's suite
    # drops DATABASE_REPLICA_URL: tests/environment.py).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    # Before anything reads the database, and around DatabaseUnavailableMiddleware's 503.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("core.middleware.DatabaseUnavailableMiddleware"), "core.replica.ReplicaMiddleware"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Reference files that live beside the checkout, not in it (the founding article, the Popolo
# schemas); tests that compare against them skip, naming the path, when they are absent.
SHARED_DIR = Path(os.environ.get("KZWATCH_SHARED_DIR", BASE_DIR.parent / "shared"))
SOURCE_ARTICLE_PATH = SHARED_DIR / "source-article.txt"
POPOLO_SCHEMAS_DIR = SHARED_DIR / "popolo-schemas"
RECONCILIATION_SCHEMAS_DIR = SHARED_DIR / "reconciliation-schemas"

# Where every answer is JSON, so that the middleware's own errors (a 413, a 429, a 503) are too.
JSON_PATH_PREFIXES = ["/api/", "/reconcile"]

# `fetch_leads` reads feeds with the server's rights: local files only from this folder, and
# addresses only on public networks or those listed here (leads/addresses.py holds the rules).
FEEDS_DIR = Path(os.environ["FEEDS_DIR"].strip()) if os.environ.get("FEEDS_DIR", "").strip() else None
FEEDS_ALLOWED_NETWORKS = [
    network.strip() for network in os.environ.get("FEEDS_ALLOWED_NETWORKS", "").split(",") if network.strip()
]
for network in FEEDS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(network, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"FEEDS_ALLOWED_NETWORKS: {error} (give networks such as 10.20.0.0/16).") from error

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed names once `collectstatic` has run (`make serve` always runs it); before
# that, plain names served straight from the apps, so a page never fails on a missing manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_flag("KZWATCH_PLAIN_STATIC")
            else "core.staticfiles.CollectedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not (STATIC_ROOT / "staticfiles.json").exists()

# The cache, and the API throttle kept in it, is shared by every worker process: a table in the
# database (created by core's migrations), or Redis when CACHE_URL names one.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    # A signed-in request reads its session from Redis, not a table; each session is written to
    # the database too, so a Redis restart, flush or eviction under maxmemory signs no one out
    # (the plain cache engine would). With the database cache this would read the table twice.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_URL == "locmem://":
    # One process only (the tests): never for gunicorn, whose workers would each keep their own.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// address, not {CACHE_URL!r}.")
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DatabaseCache",
            "LOCATION": "kzwatch_cache",
            # A kept page is about 140 KB as stored (the timeline's), at most MAX_KEPT_BYTES; a kept
            # part (an event's list item) about 1 KB. 256 MB of values keeps the popular pages and
            # a hundred thousand parts without readers' queries growing the database by gigabytes.
            # Past a limit, expired rows go first, then a quarter, those that expire soonest.
            "OPTIONS": {"MAX_ENTRIES": 100_000, "MAX_BYTES": 256 * 2**20, "CULL_FREQUENCY": 4},
        }
    }

# Pages and API answers for readers without credentials are kept in that cache until a public
# record changes (core/page_cache.py), at most this long. The admin is never kept; the API keeps
# its answers itself, after its throttle.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
PAGE_CACHE_SKIP = ("/admin/", "/api/", "/" + STATIC_URL)
# The costly parts of pages (the timeline's axis, the events' list items, an actor's
# neighbourhood, the board), kept for everyone, curators too, until what they may see changes
# (core/page_cache.py `part()`), at most this long.
PART_CACHE_SECONDS = int(os.environ.get("PART_CACHE_SECONDS", "3600"))
# Pages a reader not signed in may ask for per client address, kept or not (a fresh one costs
# tens of milliseconds); None (set it empty) turns the count off.
PAGE_ANON_RATE = os.environ.get("PAGE_ANON_RATE", "300/minute") or None

# Backups keep date-times to the microsecond (Django's "json" keeps milliseconds): `manage.py
# backup` writes JSON Lines ("jsonl-exact"); earlier releases wrote one JSON array ("json-exact").
SERIALIZATION_MODULES = {"json-exact": "core.exactjson", "jsonl-exact": "core.exactjsonl"}

# Bodies above this size get a 413 (JSON under /api/); no write of ours needs more.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_BODY_BYTES", str(2 * 1024 * 1024)))

# Applied to every response by core.middleware: only our own scripts, styles and images.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LOGIN_URL = "admin:login"
# Django's own page, after noting the reason for the refused-request log (core.security).
CSRF_FAILURE_VIEW = "core.security.csrf_failure"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["core.rest.throttling.AnonWindowRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/minute")},
    # How many proxies in front add X-Forwarded-For; with 0 the throttle trusts only REMOTE_ADDR,
    # so an anonymous client cannot dodge it by sending a made-up header.
    "NUM_PROXIES": int(os.environ.get("API_NUM_PROXIES", "0")),
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.rest.parsers.TextJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.rest.pagination.KeysetPagination",
    "EXCEPTION_HANDLER": "core.rest.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "kzwatch API",
    "DESCRIPTION": "Political elites over time: actors, factions, offices, events and their sources.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Writes take slugs where reads show names: separate request and response components.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": "actors.models.LANGUAGE_CHOICES"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.rest.schema.add_errors_and_etags",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Refused writes, failed and locked-out logins, database outages.
    "loggers": {"kzwatch.security": {"level": "INFO"}},
}
