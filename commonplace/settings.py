"""Commonplace settings: one module, configured from the environment.

Every runtime file (database, search index, uploads) lives under COMMONPLACE_DATA_DIR.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from commonplace.env import env_bool, env_choice, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("COMMONPLACE_DATA_DIR") or BASE_DIR / "var").resolve()

DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, "
            "or DJANGO_DEBUG=1 for local development (make run does this)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "csp",
    "taggit",
    "archive",
    "annotations",
    # Before haystack, so that search's rebuild_index and update_index replace haystack's.
    "search",
    "haystack",
    # The composition layer: the ingest and import commands, and who follows whose changes.
    "commonplace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their year-long caching.
    "commonplace.middleware.PrivateByDefaultMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "commonplace.urls"
WSGI_APPLICATION = "commonplace.wsgi.application"

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
                "commonplace.context_processors.site",
            ],
        },
    },
]


def _database_config() -> dict:
    url = env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'commonplace.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Concurrent writers wait their turn instead of failing with "database is locked":
        # WAL lets readers run beside a writer, IMMEDIATE takes the write lock up front.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config


DATABASES = {"default": _database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise serves static files from the app, compressed and with far-future caching
# once `collectstatic` has fingerprinted them (make serve runs it). Until then, plain
# names are served, so tests and `runserver` need no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "commonplace.storage.StaticStorage"},
}
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "media/"

# Articles added in the browser (/articles/add/): the files wait here, one folder an
# upload, until they are stored or discarded. Never serve this folder: nothing in it is
# reachable by URL, and a proxy must not make it so.
COMMONPLACE_UPLOAD_DIR = DATA_DIR / "incoming"
COMMONPLACE_UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 500)  # a zip's files count each
COMMONPLACE_UPLOAD_MAX_FILE_MB = env_int("UPLOAD_MAX_FILE_MB", 50)
COMMONPLACE_UPLOAD_MAX_TOTAL_MB = env_int("UPLOAD_MAX_TOTAL_MB", 500)
# Articles an upload's files may hold in all: a small file of one-line articles could
# otherwise hold hundreds of thousands, each previewed and stored.
COMMONPLACE_UPLOAD_MAX_ARTICLES = env_int("UPLOAD_MAX_ARTICLES", 10_000)
# An upload read but neither stored nor discarded is dropped, with its files, after this.
COMMONPLACE_UPLOAD_KEEP_DAYS = env_int("UPLOAD_KEEP_DAYS", 7)
# Uploads read and stored outside the request. "thread": a thread of the web process that
# took the upload (runserver, tests); "worker": `manage.py upload_worker`, which
# `make serve` starts beside the index worker.
COMMONPLACE_UPLOAD_JOBS = env_choice("UPLOAD_JOBS", "thread", ("thread", "worker"))
# Files larger than this are spooled to disk as they arrive, beside the uploads.
FILE_UPLOAD_TEMP_DIR = COMMONPLACE_UPLOAD_DIR / ".partial"
# The upload page counts files itself, with a clear message (archive/receiving.py); this
# is the backstop for any other form.
DATA_UPLOAD_MAX_NUMBER_FILES = COMMONPLACE_UPLOAD_MAX_FILES + 1

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["commonplace.api.JSONParser"],
    # "Authorization: Token <key>" for scripts, the session (with CSRF) for the browser.
    # Token first, so that a bad token is a 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "commonplace.api.CountedPagination",
    "EXCEPTION_HANDLER": "commonplace.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Commonplace API",
    "DESCRIPTION": "Search, read, annotate and export a corpus of political journalism.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# HTTPS: on unless debugging. It redirects to HTTPS, keeps cookies to HTTPS and sends
# HSTS. Behind a proxy that terminates TLS, set BEHIND_PROXY=1 so that X-Forwarded-Proto
# is believed; to try `make serve` over plain http on your own machine, set HTTPS=0.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
# A year, with subdomains, once HTTPS is on; start lower (SECURE_HSTS_SECONDS=3600)
# until you are sure: browsers remember it and will refuse plain http for that long.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
# "preload" only makes the site eligible for browsers' preload lists; nothing is submitted.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
# Behind the proxy, the client's address is the last one it adds to X-Forwarded-For.
COMMONPLACE_BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
if COMMONPLACE_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: pages load only this site's scripts, styles, images and fonts,
# and run no inline script or style (the reader's JSON block is data, not script). A note
# cannot embed anything: its images are rendered as links (annotations/notes.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],  # the reader saves annotations with fetch()
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
    }
}

# Password guessing: after LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked out for LOGIN_COOLOFF_MINUTES, at every door that checks a
# password (/accounts/login/, /api/token, the admin), the right password included; each
# try during the lockout starts the wait again. Other users and addresses are unaffected.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or _COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be 1 or more.")
AXES_COOLOFF_TIME = timedelta(minutes=_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a good login forgets the typos before it
AXES_DISABLE_ACCESS_LOG = True  # keep failed attempts only, not every login's address
AXES_LOCKOUT_CALLABLE = "commonplace.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "commonplace.accounts.client_ip"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "archive:home"
LOGOUT_REDIRECT_URL = "archive:home"

# Tags differ by more than case: "Labour" and "labour" are one tag.
TAGGIT_CASE_INSENSITIVE = True
COMMONPLACE_SIGNUP_ENABLED = env_bool("SIGNUP_ENABLED", default=True)
# Shared annotations are for signed-in users; this opens them to anonymous readers too.
COMMONPLACE_ANONYMOUS_READS_SHARED = env_bool("ANONYMOUS_READS_SHARED", default=False)
# A re-anchored passage whose text changed must still match this well (0-100), or it
# is orphaned for its owner to fix.
COMMONPLACE_MIN_FUZZY_SCORE = env_int("REANCHOR_MIN_SCORE", 90)
# Who applies a change to the search index. "inline": the request (or command) that made
# it, after its commit, waiting at most INDEX_WAIT_SECONDS; for one process (runserver,
# tests, commands). "worker": `manage.py index_worker` (make serve starts it), in batches,
# so that no request waits for the index. Either way search corrects for what is pending.
COMMONPLACE_INDEX_UPDATES = env_choice("INDEX_UPDATES", "inline", ("inline", "worker"))
# How long a request that changed something waits for the search index before it answers
# anyway (the change is applied by the next flush; search corrects for it meanwhile).
COMMONPLACE_INDEX_WAIT_SECONDS = env_float("INDEX_WAIT_SECONDS", 1.5)
# /healthz answers 503 once the oldest pending index update is older than this. Keep it
# above the longest ingest you run: an ingest applies its rows every 2,000 articles.
COMMONPLACE_INDEX_LAG_LIMIT_SECONDS = env_float("INDEX_LAG_LIMIT_SECONDS", 300)
# Where links in exports made from the command line point (the web uses its own host).
COMMONPLACE_BASE_URL = env_str("BASE_URL", "http://127.0.0.1:8000")
# How long one search may run before it answers with what it has found (search/limits.py).
COMMONPLACE_SEARCH_BUDGET_MS = env_int("SEARCH_BUDGET_MS", 500)


def _search_connection(url: str) -> dict:
    """whoosh:///path/to/index (embedded), or elasticsearch://host:9200/index-name."""
    parts = urlsplit(url)
    if parts.scheme == "whoosh":
        path = parts.netloc + parts.path
        if not path:
            raise ImproperlyConfigured(f"SEARCH_URL={url!r} names no folder for the index.")
        return {
            "ENGINE": "search.backends.whoosh.backend.CommonplaceWhooshEngine",
            "PATH": str(Path(path).resolve()),
            "WRITER_LIMITMB": env_int("SEARCH_WRITER_LIMITMB", 256),
            # Bulk writes (ingest, rebuild) spread over this many processes.
            "WRITER_PROCS": env_int("SEARCH_WRITER_PROCS", min(os.cpu_count() or 1, 4)),
        }
    if parts.scheme in ("elasticsearch", "elasticsearch+https"):
        scheme = "https" if parts.scheme.endswith("https") else "http"
        return {
            "ENGINE": "search.backends.elasticsearch.CommonplaceElasticsearchEngine",
            "URL": f"{scheme}://{parts.netloc}/",
            "INDEX_NAME": parts.path.strip("/") or "commonplace",
        }
    raise ImproperlyConfigured(
        f"SEARCH_URL={url!r}: use whoosh:///path/to/index or elasticsearch://host:9200/index"
    )


SEARCH_URL = env_str("SEARCH_URL") or f"whoosh://{DATA_DIR / 'whoosh'}"
HAYSTACK_CONNECTIONS = {"default": _search_connection(SEARCH_URL)}
# Index writes go through search.indexing, never haystack's per-save signal processor.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # trafilatura logs a page it cannot read ("discarding data: None"); ingest names the
    # page with its reason in our words (archive/readers/html.py), once is enough.
    "loggers": {"trafilatura": {"level": "CRITICAL"}},
}

DATA_DIR.mkdir(parents=True, exist_ok=True)
STATIC_ROOT.mkdir(exist_ok=True)
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
