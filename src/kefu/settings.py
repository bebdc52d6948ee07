"""Settings, read from the environment (``KEFU_*``) so one installed package serves every shop.

- ``KEFU_HOME``: where the SQLite file, the generated secret key and huey's queue live (``./var``).
- ``KEFU_DATABASE_URL``: e.g. ``postgresql://user@127.0.0.1:5432/kefu``; SQLite under KEFU_HOME if unset.
- ``KEFU_SECRET_KEY``, ``KEFU_DEBUG``, ``KEFU_ALLOWED_HOSTS`` (comma-separated), ``KEFU_REDIS_URL``.
- ``KEFU_SECURE_COOKIES``: the desk is served over HTTPS (behind a TLS proxy): Secure cookies, HSTS,
  the proxy's ``X-Forwarded-Proto`` trusted. ``KEFU_SESSION_HOURS``: how long a login lasts (12).
Shop rules (timeouts, thresholds…) are not here: they are shop settings in the database
(``kefu.core.shopsettings``) so a supervisor can change them without a deploy.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
KEFU_HOME = Path(os.environ.get("KEFU_HOME", "var")).resolve()


def _only_asking_for_help(argv: list[str]) -> bool:
    """``kefu --help``, ``kefu help serve``, ``kefu serve -h``, ``kefu version``: reading the help
    creates nothing on disk."""
    args = argv[1:]
    if not args:
        return os.path.basename(argv[0] if argv else "") in {"kefu", "manage.py", "__main__.py"}
    return args[0] in {"help", "--help", "-h", "version", "--version"} or "--help" in args or "-h" in args


HELP_ONLY = _only_asking_for_help(sys.argv)
if not HELP_ONLY:
    KEFU_HOME.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("KEFU_SECRET_KEY"):
        return key
    path = KEFU_HOME / "secret_key"
    if HELP_ONLY and not path.exists():
        return secrets.token_urlsafe(50)  # never used to sign anything: only the help is printed
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("KEFU_DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("KEFU_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("KEFU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "axes",
    "csp",
    "channels",
    "kefu.core",
    "kefu.search",
    "kefu.helpcenter",
    "kefu.customers",
    "kefu.orders",
    "kefu.aftersales",
    "kefu.chat",
    "kefu.replies",
    "kefu.inbox",
    "kefu.team",
    "kefu.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.core.middleware.ShopLanguageMiddleware",
    "kefu.core.shopsettings.ShopSettingsMiddleware",
    "kefu.core.errors.DatabaseUnavailableMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # last, as its documentation asks: it answers a locked-out login with the lockout page
    "axes.middleware.AxesMiddleware",
    # innermost: keeps the chain above synchronous under ASGI (no thread hop per middleware)
    "kefu.core.middleware.SyncChainMiddleware",
]

ROOT_URLCONF = "kefu.urls"
WSGI_APPLICATION = "kefu.wsgi.application"
ASGI_APPLICATION = "kefu.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kefu.core.context_processors.desk",
            ],
        },
    },
]

_sqlite_path = KEFU_HOME / "kefu.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("KEFU_DATABASE_URL") or f"sqlite:///{_sqlite_path}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writes; IMMEDIATE avoids the "database is locked" upgrade
    # deadlock when two requests write at once. Connections are kept (per thread) for a minute: the
    # chat's socket does a short database call per message, and opening SQLite each time would be
    # a third of its cost.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Each pytest-xdist worker or sibling checkout gets its own test database anyway (in memory).
elif os.environ.get("KEFU_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["KEFU_TEST_DATABASE_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("KEFU_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["KEFU_REDIS_URL"],
            "KEY_PREFIX": "kefu",
        }
    }
else:
    # A database cache, not locmem: rate limits must hold across gunicorn's worker processes.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "kefu_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # counts failed logins (the login page and the API's Basic auth alike) and locks the pair of
    # user name and address after too many
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("KEFU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KEFU_LOGIN_LOCKOUT_MINUTES", "15")))
# A colleague who mistypes does not lock the whole office out (one shared address), and nobody can
# lock an agent out from elsewhere: the pair is locked.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked.html"
AXES_VERBOSE = False

LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "helpcenter:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# ISO first for Chinese date inputs, so <input type="date"> keeps its value
FORMAT_MODULE_PATH = ["kefu.core.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = KEFU_HOME / "static"
if not HELP_ONLY:
    STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Tests and `kefu serve` without collectstatic still find the app's static files.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = KEFU_HOME / "media"
MEDIA_URL = "/media/"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kefu.core.permissions.IsStaffMember"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "kefu.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "kefu API",
    "DESCRIPTION": "客服 — customer-service desk for online shops",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # two apps have a field called "channel" with different choices: name each enum after its app
    "ENUM_NAME_OVERRIDES": {
        "ReminderChannelEnum": "kefu.orders.models.ReminderChannel",
        "ComplaintChannelEnum": "kefu.aftersales.models.ComplaintChannel",
    },
}

_redis_url = os.environ.get("KEFU_REDIS_URL")
# The chat's push: with Redis, every `kefu serve` process (on any machine) shares the groups; without
# it, the single embedded process keeps them in memory.
if _redis_url:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [_redis_url], "prefix": "kefu-chat", "capacity": 1000, "expiry": 30},
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "kefu.chat.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}
    }
HUEY = {
    "name": "kefu",
    "immediate": _env_bool("KEFU_HUEY_IMMEDIATE"),
    "consumer": {"workers": 1, "worker_type": "thread"},
}
if HELP_ONLY:
    HUEY.update({"huey_class": "huey.MemoryHuey"})  # the help needs no queue on disk
elif _redis_url:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _redis_url})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(KEFU_HOME / "huey.sqlite3")})

# How long a sweep's lock lasts at most: a worker killed mid-sweep holds it no longer than this.
KEFU_SWEEP_LOCK_SECONDS = int(os.environ.get("KEFU_SWEEP_LOCK_SECONDS", "300"))

# The largest file each kind of upload accepts, in MB (a million-row order export is ~400 MB).
KEFU_MAX_UPLOAD_MB = {
    "orders": int(os.environ.get("KEFU_MAX_ORDER_UPLOAD_MB", "600")),
    "spreadsheet": int(os.environ.get("KEFU_MAX_SPREADSHEET_UPLOAD_MB", "20")),
    "image": int(os.environ.get("KEFU_MAX_IMAGE_UPLOAD_MB", "10")),
}
# Large uploads go to a temporary file, not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Public help-center question form: submissions per IP per minute.
KEFU_QUESTION_RATE_LIMIT = int(os.environ.get("KEFU_QUESTION_RATE_LIMIT", "5"))
# An order import that shows no progress for this long lost its worker and is marked interrupted.
KEFU_IMPORT_STALLED_MINUTES = int(os.environ.get("KEFU_IMPORT_STALLED_MINUTES", "10"))
# "Was this article helpful?" votes per IP per hour (one per visitor and article in any case).
KEFU_FEEDBACK_RATE_LIMIT = int(os.environ.get("KEFU_FEEDBACK_RATE_LIMIT", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "kefu": {"handlers": ["console"], "level": os.environ.get("KEFU_LOG_LEVEL", "INFO")},
        # a 500's traceback reaches the console (gunicorn's log), not only the access line
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- served over HTTPS ---------------------------------------------------------------------------
SESSION_COOKIE_AGE = int(float(os.environ.get("KEFU_SESSION_HOURS", "12")) * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; kept default
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _env_bool("KEFU_SECURE_COOKIES"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KEFU_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("KEFU_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Content-Security-Policy: scripts only from our own static files (no inline script anywhere),
# styles may be inline (a few style attributes, htmx's indicator style).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'", "ws:", "wss:"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
