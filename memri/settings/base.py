"""
Settings for the threat-monitoring reports site.

Every value that differs between machines is read from the environment here and nowhere else.
With no environment at all the site runs on a SQLite file; production sets at least
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL, and refuses to start without SECRET_KEY.
"""
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("SECRET_KEY_FILE"):
    SECRET_KEY = Path(os.environ["SECRET_KEY_FILE"]).read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY (or SECRET_KEY_FILE) environment "
            "variable, or DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "reports.apps.DeskAdminConfig",  # django.contrib.admin, with the desk's admin site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "reversion",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "reports",
]

MIDDLEWARE = [
    "reports.ops.middleware.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, as WhiteNoise's documentation places it: after the https
    # redirect and security headers, before anything of ours (they hold nothing to log or guard).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reports.ops.request_log.RequestLogMiddleware",
    "csp.middleware.CSPMiddleware",
    # Serves cached public pages before the middleware below run; the https redirect and the
    # security headers above apply to them too (see the module).
    "reports.cache.pages.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "reports.cache.signed_in.AuthenticationMiddleware",
    "reports.ops.middleware.DeskOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Decides, for every response, whether shared caches may keep it (private, or kept by no one).
    "reports.cache.privacy.CacheControlMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "memri.urls"
WSGI_APPLICATION = "memri.wsgi.application"

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
                "reports.site.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one file: readers never wait for a writer (WAL), a write
    # takes its lock when its transaction begins (IMMEDIATE, so two cannot deadlock halfway) and
    # waits up to 20 s for another to finish instead of failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        **DATABASES["default"].get("OPTIONS", {}),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the search's statements are estimated costly enough to trigger it (their
    # plans bound the rows read, which the planner does not see), and compiling them took 35 ms at
    # 100,000 reports where running them took 7 (bench/results/load.md).
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"]["options"] = " ".join(
        filter(None, [DATABASES["default"]["OPTIONS"].get("options"), "-c jit=off"])
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache, shared by every process that serves the site: Redis when CACHE_URL (or REDIS_URL)
# names one, for several app servers; otherwise files on this machine's disk (CACHE_DIR), for the
# processes of one server (`make run`'s gunicorn workers). Short socket timeouts: a cache server
# that hangs must fail /health/ and the page cache quickly, not hold every request.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("CACHE_URL (or REDIS_URL) must be a redis:// URL, e.g. redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "reports.cache.backends.RedisCache",
        "LOCATION": CACHE_URL,
        "OPTIONS": {
            "socket_connect_timeout": 2,
            "socket_timeout": 2,
            # What each process keeps of what it read, kept exact by Redis (reports/cache/near.py).
            "near_cache_bytes": int(os.environ.get("NEAR_CACHE_MB", "32")) * 2**20,
        },
    }
    if CACHE_URL
    else {
        "BACKEND": "reports.cache.backends.DiskCache",
        "LOCATION": os.environ.get("CACHE_DIR") or str(BASE_DIR / "var" / "cache"),
        "OPTIONS": {"size_limit": int(os.environ.get("CACHE_DISK_MB", "512")) * 2**20},
    }
}
# Sessions live in the database, so that a login made on one server holds on all, read through the cache.
SESSION_ENGINE = "reports.cache.sessions"
# How long pages for anonymous visitors are kept in the cache (reports/cache/pages.py); 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# How long pages are kept as made for each audience, signed-in readers included, the visitor's own
# parts left out (reports/cache/content.py); 0 turns it off.
CONTENT_CACHE_SECONDS = int(os.environ.get("CONTENT_CACHE_SECONDS", "600"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
# Stored in UTC; shown in the desk's own zone.
TIME_ZONE = os.environ.get("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Images, documents and archived sources of reports (reports/models/media.py, reports/media/): kept
# under MEDIA_ROOT, outside the static files and never at a public address of their own. Every file
# is answered by reports.media.views.serve once the access policy lets its visitor read the report:
# streamed by Django (MEDIA_SERVING=django), or handed to the web server with X-Accel-Redirect
# (nginx: an `internal` location at MEDIA_ACCEL_PREFIX aliased to MEDIA_ROOT) or X-Sendfile (Apache
# mod_xsendfile, lighttpd). Uploads above MEDIA_MAX_UPLOAD_MB, and images above
# MEDIA_MAX_IMAGE_PIXELS (Pillow's decompression-bomb limit), are refused by the form.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "var" / "media")
MEDIA_SERVING = os.environ.get("MEDIA_SERVING", "django")
if MEDIA_SERVING not in {"django", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured("MEDIA_SERVING is one of django, x-accel-redirect, x-sendfile")
MEDIA_ACCEL_PREFIX = "/" + os.environ.get("MEDIA_ACCEL_PREFIX", "/protected-media/").strip("/") + "/"
MEDIA_MAX_UPLOAD_BYTES = int(os.environ.get("MEDIA_MAX_UPLOAD_MB", "50")) * 2**20
MEDIA_MAX_IMAGE_PIXELS = int(os.environ.get("MEDIA_MAX_IMAGE_PIXELS", str(40_000_000)))
# How long shared caches may keep a complimentary report's file (less when its access changes sooner).
MEDIA_PUBLIC_SECONDS = int(os.environ.get("MEDIA_PUBLIC_SECONDS", "300"))
# Large uploads go to a temporary file, not memory; none is readable by others.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# The files' storage: the file system at MEDIA_ROOT (followed when a test changes it). No MEDIA_URL:
# no address serves the folder.
STORAGES["media"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "reports@localhost")

SITE_NAME = os.environ.get("SITE_NAME", "Threat Monitor")

# The read-only JSON API under /api/v1/ (reports/interop/api/): callers send `Authorization: Bearer <token>`
# or use their session; anonymous callers get what the public gets. Described at /api/v1/schema/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reports.interop.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Threat Monitor API",
    "DESCRIPTION": "Read-only access to reports, organizations, people, outlets and quotes. Send `Authorization: Bearer <token>` (tokens are made on the account page). Lists show every published report's teaser; the full text and quotes only where the caller may read them.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {"LanguageEnum": "reports.models.entities.LANGUAGE_CHOICES"},
}

# How many reverse proxies of our own stand in front of the site (see reports/ops/client.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# One JSON object per line, each carrying the request id of the request it was logged in
# (reports/ops/request_log.py); the request logger writes one line per request.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "reports.ops.request_log.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Production security. On by default whenever DEBUG is off; LOCAL_HTTP=1 (set by `make run`)
# serves plain http on one's own machine: no redirect to https, no HSTS, cookies sent over http.
SECURE_SITE = not DEBUG and not env_bool("LOCAL_HTTP")
SECURE_SSL_REDIRECT = SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SITE
# No script of ours reads the CSRF cookie (the token is in each form), so no script may.
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if SECURE_SITE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a proxy that terminates TLS: e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.
# Only then is the header believed; the proxy must overwrite it on every request.
SECURE_PROXY_SSL_HEADER = tuple(env_list("SECURE_PROXY_SSL_HEADER")) or None
if SECURE_PROXY_SSL_HEADER and len(SECURE_PROXY_SSL_HEADER) != 2:
    raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER is a header and a value: HTTP_X_FORWARDED_PROTO,https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "reports.ops.errors.csrf_failure"

# Content-Security-Policy (django-csp): scripts, styles and everything else from the site itself;
# no inline script or style anywhere. The JSON-LD block is data, which browsers never run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Login protection (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is locked out for the cool-off. Locking the pair, not the username, is what
# keeps an attacker from locking the real user out; the address is reports.ops.client.client_ip's.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "reports.ops.client.client_ip"
AXES_USERNAME_CALLABLE = "reports.ops.login_protection.lockout_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Desk staff must log in to the admin with a one-time password too (django-otp) when this is on.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA")

# The site's public address, for links in e-mails sent outside a request (alerts).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Where institutional access requests from the subscription page go.
SUBSCRIPTIONS_EMAIL = os.environ.get("SUBSCRIPTIONS_EMAIL", "subscriptions@localhost")
