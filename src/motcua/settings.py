"""Settings from environment variables with safe defaults: `motcua demo` needs none.

Production values are documented in docs/deployment.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("MOTCUA_BASE_DIR", PACKAGE_DIR.parents[1]))
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("MOTCUA_DEBUG", False)
# The demo key is public on purpose; production must set MOTCUA_SECRET_KEY (checked by `check --deploy`).
SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY", "demo-only-insecure-key-set-MOTCUA_SECRET_KEY-in-production")
ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "axes",
    "django_tasks_db",
    "motcua.core",
    "motcua.units",
    "motcua.calendars",
    "motcua.accounts",
    "motcua.catalog",
    "motcua.records",
    "motcua.documents",
    "motcua.metrics",
    "motcua.exchange",
    "motcua.portal",
    "motcua.workspace",
    "motcua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files from the app server itself: no CDN, no extra web server needed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.ChosenLanguageOnly",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}",
        conn_max_age=int(os.environ.get("MOTCUA_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo's web process and a worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiles the recursive unit-scope query of every request (~60 ms of 66); short OLTP
    # queries never gain from it (bench/bench_inbox_search.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (connector deliveries, …) runs in `motcua worker` processes that share the
# database: the same on the SQLite demo and on PostgreSQL, any number of workers on any host.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "exchange"],
    }
}
# Imports queued from a page or the API (exchange/imports.py): a run whose worker died is started
# again by the next worker, up to this many starts in all; `motcua imports prune` deletes the stored
# uploads of runs finished more than this many days ago (their summary and rejects stay).
MOTCUA_IMPORT_MAX_ATTEMPTS = int(os.environ.get("MOTCUA_IMPORT_MAX_ATTEMPTS", "3"))
MOTCUA_IMPORT_RETENTION_DAYS = int(os.environ.get("MOTCUA_IMPORT_RETENTION_DAYS", "90"))
# A big import on PostgreSQL stages and computes on one more connection per CPU, at most this many
# (each import: count them in the server's max_connections); 1 keeps it to its own connection.
MOTCUA_IMPORT_CONNECTIONS = int(os.environ.get("MOTCUA_IMPORT_CONNECTIONS", "4"))

AUTH_USER_MODEL = "accounts.User"
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/can-bo/"  # staff log in to work: their workspace, not the public portal
LOGOUT_REDIRECT_URL = "/"

# Login rate limit: 5 failures per username and address lock for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("MOTCUA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("MOTCUA_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("MOTCUA_LOGIN_RATE_LIMIT", True)
# Trusted reverse proxies in front of the application (0: clients connect directly); the client
# address the login and lookup limits count by is taken behind them (motcua.core.client).
MOTCUA_PROXY_COUNT = int(os.environ.get("MOTCUA_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "motcua.core.client.client_address"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's own `vi` formats print 07-08-2024 and no thousands separator; ours: 07/08/2024, 1.234.567,8.
FORMAT_MODULE_PATH = ["motcua.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MOTCUA_MEDIA_ROOT", VAR_DIR / "media"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "motcua.api.problems.problem_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": "REST API v1 của hệ thống giải quyết thủ tục hành chính motcua.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

SESSION_COOKIE_SECURE = env_bool("MOTCUA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("MOTCUA_BEHIND_TLS_PROXY", False) else None
)

# E-mail to applicants (records.notify). The console by default, so the demo sends nothing out;
# production sets an SMTP host.
_SMTP_HOST = os.environ.get("MOTCUA_SMTP_HOST", "")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _SMTP_HOST,
                "port": int(os.environ.get("MOTCUA_SMTP_PORT", "587")),
                "use_tls": env_bool("MOTCUA_SMTP_TLS", True),
                "username": os.environ.get("MOTCUA_SMTP_USER", ""),
                "password": os.environ.get("MOTCUA_SMTP_PASSWORD", ""),
            },
        }
        if _SMTP_HOST
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("MOTCUA_EMAIL_FROM", "motcua@localhost")
# SMS gateway plugin (records/notify/gateways); "log" writes the messages to the log.
MOTCUA_SMS_GATEWAY = os.environ.get("MOTCUA_SMS_GATEWAY", "log")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "WARNING")},
}

# Province whose data `motcua demo` builds (GSO code).
MOTCUA_DEMO_PROVINCE = os.environ.get("MOTCUA_DEMO_PROVINCE", "56")

# The citizens' record lookup (/tra-cuu-ho-so/): this many misses from one address within the
# window and that address is refused until the window has passed.
MOTCUA_LOOKUP_FAILURE_LIMIT = int(os.environ.get("MOTCUA_LOOKUP_FAILURE_LIMIT", "10"))
MOTCUA_LOOKUP_WINDOW_MINUTES = int(os.environ.get("MOTCUA_LOOKUP_WINDOW_MINUTES", "15"))
