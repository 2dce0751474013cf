"""
Settings for Bimtek.

Everything that differs between a laptop and an office server comes from the environment:
DJANGO_ENV (development or production), DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL,
CACHE_URL, SITE_URL, BIMTEK_DATA_DIR, the MAIL_* variables and CERTIFICATES_SIGNING_*. See the README's Deploy section.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


ENVIRONMENT = env("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    if not SECRET_KEY:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY in production.")
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", "django-insecure-development-only-key-not-for-production")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The public address of the site, used in links sent by email and in QR codes.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

DATA_DIR = Path(env("BIMTEK_DATA_DIR", BASE_DIR / "var"))


# Whether every organiser sees (and changes) every training, as in a small office, or only the
# trainings whose panitia they are (Training.organisers), as in a larger one. Superusers see all.
# Read only by trainings.selectors.trainings.trainings_visible_to.
BIMTEK_ORGANISERS_SEE_ALL_TRAININGS = env_bool("BIMTEK_ORGANISERS_SEE_ALL_TRAININGS", True)

# Certificates are signed digitally (PAdES) with the office's own key when a PKCS#12 file is
# given; without one they are left unsigned. Neither prints the BSrE footer (certificates/signing.py).
CERTIFICATES_SIGNING_PKCS12 = env("CERTIFICATES_SIGNING_PKCS12", "")
CERTIFICATES_SIGNING_PASSWORD = env("CERTIFICATES_SIGNING_PASSWORD", "")
CERTIFICATES_SIGNING_BACKEND = (
    "certificates.signing.PKCS12Backend"
    if CERTIFICATES_SIGNING_PKCS12
    else "certificates.signing.UnsignedBackend"
)
# PDF/A-3b (archival: sRGB output intent, XMP metadata) cost 1.4% more CPU per certificate
# (78.9 against 77.8 ms, within the noise) and 3.5 KB per file when measured: on by default.
# An empty value makes plain PDFs.
CERTIFICATES_PDF_VARIANT = env("CERTIFICATES_PDF_VARIANT", "pdf/a-3b")
# How many background workers share one run of certificate issuing.
CERTIFICATES_ISSUE_WORKERS = int(env("CERTIFICATES_ISSUE_WORKERS", 2))
# Days a prepared download of a training's certificates (ZIP or one PDF) is kept.
CERTIFICATES_EXPORT_KEEP_DAYS = int(env("CERTIFICATES_EXPORT_KEEP_DAYS", 7))
# The largest logo, background or signature image an organiser may upload.
CERTIFICATES_MAX_IMAGE_BYTES = int(env("CERTIFICATES_MAX_IMAGE_BYTES", 2 * 1024 * 1024))
# The largest PDF a visitor may upload to the public page to check it is one we issued.
CERTIFICATES_MAX_CHECK_BYTES = int(env("CERTIFICATES_MAX_CHECK_BYTES", 5 * 1024 * 1024))
# Certificate checks one address may make a minute on the public page (codes cannot be guessed).
CERTIFICATES_VERIFY_PER_MINUTE = int(env("CERTIFICATES_VERIFY_PER_MINUTE", 30))

# PDFs are laid out by renderer processes, at most this many per app process at a time; each
# renderer holds WeasyPrint and its fonts (about 100 MB). See core/pdf.py.
PDF_RENDERERS = int(env("PDF_RENDERERS", 2))
# The most seconds one PDF may take to lay out before it is stopped with a message; a
# certificate takes about 0.1 s, a daftar hadir about 0.1 s a page.
PDF_TIME_LIMIT_CERTIFICATE = float(env("PDF_TIME_LIMIT_CERTIFICATE", 60))
PDF_TIME_LIMIT_REPORT = float(env("PDF_TIME_LIMIT_REPORT", 90))

# The task worker writes a heartbeat this often (seconds); one silent for longer than
# BIMTEK_WORKER_SILENT_SECONDS counts as dead: /healthz fails, and its jobs show as stopped.
BIMTEK_WORKER_BEAT_SECONDS = float(env("BIMTEK_WORKER_BEAT_SECONDS", 5))
BIMTEK_WORKER_SILENT_SECONDS = float(env("BIMTEK_WORKER_SILENT_SECONDS", 60))

# Activation codes (slips for staff without email) stay valid this many days.
BIMTEK_ACTIVATION_DAYS = int(env("BIMTEK_ACTIVATION_DAYS", 14))
# Wrong activation codes one address may try before the page refuses it for the window (seconds).
BIMTEK_ACTIVATION_MAX_FAILURES = 10
BIMTEK_ACTIVATION_FAILURE_WINDOW = 15 * 60
# Wrong 6-digit check-in codes one account may type before the form refuses it for the window
# (seconds); tests/test_secrets.py pins the chance of guessing a code this allows.
BIMTEK_CHECKIN_MAX_FAILURES = 10
BIMTEK_CHECKIN_FAILURE_WINDOW = 10 * 60

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "import_export",
    # Before django_tasks_db: its manage.py db_worker is ours (the heartbeat, a loop that lives).
    "workers",
    "django_tasks_db",
    "django_htmx",  # request.htmx, and htmx itself among its static files
    # Bottom to top, as the layers in pyproject.toml's import-linter contract (workers first).
    "core",
    "audit",
    "office",
    "participants",
    "trainings",
    "assessments",
    "evaluations",
    "certificates",
    "privacy",
    "bimtek",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bimtek.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times are shown and computed in the office's zone (office.Office.time_zone).
    "office.zone.OfficeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "bimtek.middleware.PdfNotMadeMiddleware",
    "audit.middleware.AuditRequestMiddleware",
    "bimtek.middleware.MfaRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

if PRODUCTION:
    # Static files straight from the app server: no separate web server to configure.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "bimtek.urls"
WSGI_APPLICATION = "bimtek.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.roles",
            ],
        },
    },
]

# SQLite by default. WAL lets readers run beside the single writer, IMMEDIATE takes the write
# lock at BEGIN so two writers queue on the busy timeout instead of failing with "database is
# locked" half-way through a transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
        # A kept connection the server dropped (a restart) is replaced before a request uses it.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Queries send their parameters apart from the SQL (server-side binding), so psycopg makes
    # a statement a connection has run five times a prepared one: the server no longer parses
    # and plans the few that every request runs (core.rows) each time. psycopg prepares nothing
    # with Django's default client-side binding. Behind a pooler in transaction mode that
    # cannot keep prepared statements (PgBouncer before 1.21), set
    # DATABASE_PREPARED_STATEMENTS=0: Django's defaults, the parameters merged into the SQL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "participants.User"

# A cache shared by every process (allauth's rate limits live here). The database cache needs
# no extra server; CACHE_URL=redis://… switches to Redis where an office has one.
CACHE_URL = env("CACHE_URL", "")
if CACHE_URL.startswith("redis"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif PRODUCTION or CACHE_URL == "db":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "bimtek_cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTHENTICATION_BACKENDS = ["participants.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: no open sign-up (accounts come from the staff directory), log in with NIP or
# email, optional login by a code sent by email.
ACCOUNT_ADAPTER = "participants.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "participants.forms.NipOrEmailLoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Login limits that fit a classroom behind one NAT (every participant shares the venue's address)
# and still stop guessing: per address, 300 logins and 60 failures a minute (allauth allows 30
# and 10, which locked out a class of 35 in 12 seconds); per account, 5 failures in 5 minutes,
# which is what stops anyone guessing one person's password.
ACCOUNT_RATE_LIMITS = {
    "login": "300/m/ip",
    "login_failed": "60/m/ip,5/300s/key",
}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# Production runs behind one reverse proxy (nginx/Apache) that appends the visitor's address to
# X-Forwarded-For. Without this every visitor has the proxy's address, so the per-address limits
# (login, activation codes, certificate checks) would count everyone together.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("DJANGO_TRUSTED_PROXY_COUNT", 1 if PRODUCTION else 0))

# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) with recovery codes, and security
# keys or passkeys (WebAuthn) where the browser has them. Whether the accounts that hold the keys
# (Admin kepegawaian, Penyelenggara, staff of the Django admin) must use it is core.mfa's rule:
# on in production, off in development so the demo's organiser gets in without an app.
BIMTEK_MFA_REQUIRED = env_bool("BIMTEK_MFA_REQUIRED", PRODUCTION)
MFA_ADAPTER = "participants.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_FORMS = {"add_webauthn": "participants.forms_mfa.AddSecurityKeyForm"}
MFA_TOTP_ISSUER = "Bimtek BKPSDM"
# Browsers offer WebAuthn on http://localhost too; the server checks the origin is HTTPS unless
# this is on (development only).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["bimtek.formats"]
# Only the zone of an install whose office profile has none yet: every request, task and
# document runs in the office's own zone (office.Office.time_zone, made current by
# office.zone.OfficeZoneMiddleware and on each task's start). Times are stored in UTC.
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: staff lists are a few MB at most; anything larger is refused before it is parsed.
BIMTEK_MAX_UPLOAD_BYTES = int(env("BIMTEK_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Email goes through Django 6.1's mailers: the console in development, SMTP in production.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Bimtek BKPSDM <bimtek@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("MAIL_HOST") or PRODUCTION:
    # In production without MAIL_HOST, hand mail to the local relay as Django always has.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("MAIL_HOST", "localhost"),
                "port": int(env("MAIL_PORT", 587 if env("MAIL_HOST") else 25)),
                "username": env("MAIL_USERNAME", ""),
                "password": env("MAIL_PASSWORD", ""),
                "use_tls": env_bool("MAIL_USE_TLS", bool(env("MAIL_HOST"))),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work runs through django.tasks, stored in the database: no extra server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Content Security Policy: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_HTTPONLY = True

if PRODUCTION:
    # Behind nginx/Caddy terminating TLS, which must set X-Forwarded-Proto itself (never pass on
    # the client's). Turn off where gunicorn is reachable without that proxy in front.
    if env_bool("DJANGO_BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # A load balancer or monitor may probe over plain HTTP on the private side.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every rendering step at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
    },
}
