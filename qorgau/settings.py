"""Django settings, driven by the environment (healthchecks style: a bad value fails at start).

Variables:
  DATABASE_URL            default sqlite:///var/qorgau.sqlite3 (PostgreSQL in production)
  DJANGO_SECRET_KEY       required outside DEBUG
  QORGAU_FIELD_KEYS       comma-separated Fernet keys; the first encrypts, all decrypt (rule 5)
  QORGAU_BLIND_INDEX_KEY  secret for the keyed hashes that find a caller's earlier appeals
  QORGAU_DEBUG            "1" for development
  QORGAU_TLS              "1" when served over HTTPS: secure cookies, HSTS, redirect to HTTPS
  QORGAU_PROXY_SSL_HEADER the header a TLS-terminating proxy sets, e.g. X-Forwarded-Proto
  QORGAU_HSTS_SECONDS     HSTS max-age under TLS (default one year)
  QORGAU_FIRST_REPLY_MINUTES / QORGAU_FIRST_REPLY_URGENT_MINUTES  minutes for the first reply
                          to a written appeal, and to an urgent one (default 60 and 10)
The `qorgau` command loads var/qorgau.env (written by `qorgau demo`) before these are read.
Every variable is read through qorgau/core/env.py: a bad value stops the start with an error
naming it; an empty one counts as unset. Importing the settings creates no file or directory:
the `qorgau` command makes var/ (cli.py), collectstatic makes var/static.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url

from qorgau.core.env import (
    env_bool,
    env_float,
    env_floats,
    env_int,
    env_json_object,
    env_list,
    env_required,
    env_str,
    env_value,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("QORGAU_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("QORGAU_DEBUG", False)
SECRET_KEY = env_required("DJANGO_SECRET_KEY")
FIELD_KEYS = [k.strip() for k in env_required("QORGAU_FIELD_KEYS").split(",") if k.strip()]
BLIND_INDEX_KEY = env_required("QORGAU_BLIND_INDEX_KEY")
ALLOWED_HOSTS = env_list("QORGAU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",  # our own site: audit/admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # Swagger UI's files served from our own static, never a CDN (api.py: api_docs)
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "qorgau.core",
    "qorgau.reference",
    "qorgau.agencies",
    "qorgau.outreach",
    "qorgau.triage",
    "qorgau.staff",
    "qorgau.audit",
    "qorgau.appeals",
    "qorgau.workdays",
    "qorgau.agency_requests",
    "qorgau.calls",
    "qorgau.knowledge",
    "qorgau.casework",
    "qorgau.conversations",
    "qorgau.public",
    "qorgau.demo",
]

MIDDLEWARE = [
    "qorgau.core.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qorgau.staff.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "qorgau.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "qorgau.urls"
WSGI_APPLICATION = "qorgau.wsgi.application"
ASGI_APPLICATION = "qorgau.asgi.application"  # what `qorgau serve` runs (core/serving.py)
AUTH_USER_MODEL = "staff.User"
LOGIN_URL = "appeals:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "appeals:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_CONN_MAX_AGE = env_int("QORGAU_CONN_MAX_AGE", 60)


def _database(url: str) -> dj_database_url.DBConfig:
    return dj_database_url.parse(url, conn_max_age=_CONN_MAX_AGE)


DATABASES = {
    "default": env_value(
        "DATABASE_URL",
        _database(f"sqlite:///{VAR_DIR / 'qorgau.sqlite3'}"),
        _database,
        "a database URL such as postgres://USER:PASSWORD@HOST:5432/NAME",
        secret=True,  # the URL holds the password
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at BEGIN
    # so two writers queue instead of failing with "database is locked". synchronous=FULL: an
    # acknowledged registration survives a power cut, not only a process crash.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too, not Django's shared-cache memory database: there a request that
    # meets another thread's table lock fails at once ("database table is locked") instead of
    # waiting, so a browser test's page poll could break the form it submits. A file behaves
    # as production does (WAL, busy timeout). One per process, so parallel runs do not meet.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"qorgau-test-{os.getpid()}.sqlite3")
    }
# Requests inside Django at once in one `qorgau serve` worker; more wait, fully read (asgi.py).
WORKER_REQUESTS = env_int("QORGAU_WORKER_REQUESTS", 2)
# PostgreSQL connections pooled per process, at most this many (0: no pool). `qorgau serve` sets
# it: under ASGI each request runs in a thread of its own, and a persistent connection would be
# left open by every finished request (core/serving.py).
DB_POOL_MAX = env_int("QORGAU_DB_POOL_MAX", 0)
if DB_POOL_MAX > 0 and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django's pool replaces persistent connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DB_POOL_MAX,
        "timeout": 10,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env_bool("QORGAU_FAST_PASSWORD_HASHER", False):  # tests only: hashing is not under test
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Run by createsuperuser, changepassword and every password form (rule 5); the demo alone keeps
# its printed password.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# Sign-in guessing (staff/throttle.py; decision 0014-sign-in): failures are database rows.
# Failures of one account from one address allowed before each next try must wait.
SIGN_IN_FREE_FAILURES = env_int("QORGAU_SIGN_IN_FREE_FAILURES", 3)
# Failures from one address over all accounts before that address waits (password spraying).
SIGN_IN_ADDRESS_FREE_FAILURES = env_int("QORGAU_SIGN_IN_ADDRESS_FREE_FAILURES", 20)
# Failures of one account over all addresses before addresses that failed for it wait too.
SIGN_IN_ACCOUNT_FREE_FAILURES = env_int("QORGAU_SIGN_IN_ACCOUNT_FREE_FAILURES", 10)
# The first wait in seconds; it doubles with each further failure, up to the cap.
SIGN_IN_FIRST_WAIT_SECONDS = env_float("QORGAU_SIGN_IN_FIRST_WAIT_SECONDS", 2)
SIGN_IN_MAX_WAIT_SECONDS = env_float("QORGAU_SIGN_IN_MAX_WAIT_SECONDS", 900)
# Failures older than this are forgotten.
SIGN_IN_WINDOW_SECONDS = env_int("QORGAU_SIGN_IN_WINDOW_SECONDS", 24 * 3600)
# Written appeals: minutes the centre has for its first reply to a conversation, and to one marked
# urgent (rule 6(j)); past them it is on the supervisor's breach list (conversations/selectors.py).
QORGAU_FIRST_REPLY_MINUTES = env_int("QORGAU_FIRST_REPLY_MINUTES", 60)
QORGAU_FIRST_REPLY_URGENT_MINUTES = env_int("QORGAU_FIRST_REPLY_URGENT_MINUTES", 10)
# The issuer an authenticator app shows beside the six-digit code.
OTP_TOTP_ISSUER = "Qorgau 111"
# Days an API token from `qorgau token` lasts unless --days says otherwise.
API_TOKEN_DAYS = env_int("QORGAU_API_TOKEN_DAYS", 90)

# Kazakh first, then Russian (rule 6(a)); English for developers.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Almaty"  # UTC+5 for all of Kazakhstan since 1 March 2024

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Call recordings and the scans of written demands, always encrypted before they are stored
    # (calls/recordings.py). An S3-compatible store takes over by naming its backend and options
    # (e.g. django-storages' S3 backend) in these two variables; no code changes.
    "recordings": {
        "BACKEND": env_str(
            "QORGAU_RECORDINGS_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env_json_object(
            "QORGAU_RECORDINGS_STORAGE_OPTIONS", {"location": str(VAR_DIR / "recordings")}
        ),
    },
    # Files attached to appeals, encrypted the same way (casework/attachments.py).
    "attachments": {
        "BACKEND": env_str(
            "QORGAU_ATTACHMENTS_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env_json_object(
            "QORGAU_ATTACHMENTS_STORAGE_OPTIONS", {"location": str(VAR_DIR / "attachments")}
        ),
    },
}
WHITENOISE_USE_FINDERS = True

# Bodies over 1 MB are refused with 413, except where a path allows more:
# recordings uploaded by the phone system and scans of written demands (decision 0008).
MAX_BODY_BYTES = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES
RECORDING_MAX_BYTES = env_int("QORGAU_RECORDING_MAX_BYTES", 64 * 1024 * 1024)
SCAN_MAX_BYTES = 10 * 1024 * 1024
# A file attached to an appeal (casework/attachments.py); its upload's body may be a little
# larger (the form around the file), so a file just over the limit gets the product's own
# explained refusal rather than the bare 413.
ATTACHMENT_MAX_BYTES = env_int("QORGAU_ATTACHMENT_MAX_MB", 20) * 1024 * 1024
ATTACHMENT_BODY_BYTES = ATTACHMENT_MAX_BYTES + MAX_BODY_BYTES
# The uploader may remove their own attachment this many minutes after attaching it (a file
# attached by mistake); later only a supervisor may.
ATTACHMENT_UNDO_MINUTES = 15
# Files sent with a written conversation's message (conversations/attachments.py): photos and
# PDFs, each at most this size, at most CONVERSATION_FILES_MAX per message; the public forms
# and the staff reply take a body that can hold them all.
CONVERSATION_FILE_MAX_BYTES = env_int("QORGAU_CONVERSATION_FILE_MAX_MB", 10) * 1024 * 1024
CONVERSATION_FILES_MAX = 5
CONVERSATION_BODY_BYTES = CONVERSATION_FILE_MAX_BYTES * CONVERSATION_FILES_MAX + MAX_BODY_BYTES
# The public forms (write to 111, read and write more) refuse a larger body with a page in the
# visitor's language rather than JSON (core/middleware.py).
PUBLIC_BODY_BYTES = CONVERSATION_BODY_BYTES
PUBLIC_BODY_LIMITS = [r"^/(write|conversation)/$"]
BODY_LIMITS = [
    (r"^/api/v1/calls/[^/]+/recording$", RECORDING_MAX_BYTES),
    (r"^(/write/|/conversation/|/inbox/[^/]+/reply)$", CONVERSATION_BODY_BYTES),
    (r"^(/api/v1/demands|/calls/demands/)$", SCAN_MAX_BYTES),
    (r"^(/api/v1/appeals/[^/]+/attachments|/appeals/[^/]+/attachments/)$", ATTACHMENT_BODY_BYTES),
]
# Uploaded files stay in memory, never in a plain temporary file on disk (rule 5): the body
# limits above bound what one request may hold.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = max(SCAN_MAX_BYTES, ATTACHMENT_BODY_BYTES, CONVERSATION_BODY_BYTES)

# Recordings are kept this many days, then deleted automatically and the deletion audited
# (`qorgau recordings expire`, run by the worker's sweep). A recording named in an undecided
# written demand, or in an approved one whose access is open, is kept until then (rule 6(p)).
RECORDING_RETENTION_DAYS = env_int("QORGAU_RECORDING_RETENTION_DAYS", 365)
# How long the recipient of an approved written demand may download its recordings (at least
# until the end of the demand's own deadline day, if that is later).
DEMAND_ACCESS_DAYS = env_int("QORGAU_DEMAND_ACCESS_DAYS", 14)
# A demand not yet approved is flagged when its deadline is this many days away or less.
DEMAND_WARNING_DAYS = 3

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 3600  # one shift
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
CSRF_FAILURE_VIEW = "qorgau.core.views.csrf_failure"  # a failed check explained in kk / ru
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"  # an appeal number in a URL never leaves the site
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Over TLS (QORGAU_TLS=1): cookies only over HTTPS, HSTS for a year, plain HTTP redirected.
TLS = env_bool("QORGAU_TLS", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = TLS
SECURE_HSTS_SECONDS = env_int("QORGAU_HSTS_SECONDS", 365 * 24 * 3600) if TLS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = TLS  # the centre's host is HTTPS-only
# Behind a proxy that terminates TLS: the header it sets (e.g. X-Forwarded-Proto) means https.
_PROXY_SSL_HEADER = env_str("QORGAU_PROXY_SSL_HEADER", "")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")

# Content-Security-Policy (django-csp, docs/decisions/0016): no inline script or style anywhere,
# everything from our own origin; htmx's indicator style is in qorgau.css (base.html's meta).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Swagger UI's icons are data: URLs
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Public status look-ups (rule 6(l)): failures allowed per client address (an IPv6 /64), never
# per number, so a right code always works (appeals/lookup_throttle.py; arithmetic in
# docs/architecture/appeals.md).
STATUS_LOOKUP_MAX_FAILURES = 5
STATUS_LOOKUP_MAX_ATTEMPTS = 30  # all look-ups per client address, right codes included
STATUS_LOOKUP_WINDOW_SECONDS = 15 * 60
# Failed look-ups per hour, from all addresses together, at which the supervisors' board warns.
STATUS_LOOKUP_ALERT_PER_HOUR = env_int("QORGAU_STATUS_LOOKUP_ALERT_PER_HOUR", 100)

# Written appeals: abuse without outside services (rule 5; conversations/abuse.py, proof.py).
# Messages from one messenger or e-mail sender per window; past it they are dropped unless risky.
SENDER_MAX_MESSAGES = env_int("QORGAU_SENDER_MAX_MESSAGES", 20)
SENDER_WINDOW_SECONDS = env_int("QORGAU_SENDER_WINDOW_SECONDS", 600)
# The public form's proof of work: leading zero bits of sha256(challenge + nonce), and how long
# a challenge lives. A form sent without a solved challenge (no script) is accepted, but only
# WRITE_UNPROVEN_MAX of them per client address per WRITE_UNPROVEN_WINDOW_SECONDS.
WRITE_PROOF_BITS = env_int("QORGAU_WRITE_PROOF_BITS", 16)
WRITE_PROOF_MAX_AGE_SECONDS = env_int("QORGAU_WRITE_PROOF_MAX_AGE_SECONDS", 3600)
WRITE_UNPROVEN_MAX = env_int("QORGAU_WRITE_UNPROVEN_MAX", 10)
WRITE_UNPROVEN_WINDOW_SECONDS = env_int("QORGAU_WRITE_UNPROVEN_WINDOW_SECONDS", 3600)
# How often a staff page asks for urgent written appeals nobody has taken (seconds).
WRITTEN_ALERT_POLL_SECONDS = env_int("QORGAU_WRITTEN_ALERT_POLL_SECONDS", 5)

# Delivery of requests to agencies (agency_requests/outbox.py).
QORGAU_SMTP_HOST = env_str("QORGAU_SMTP_HOST", "127.0.0.1")
QORGAU_SMTP_PORT = env_int("QORGAU_SMTP_PORT", 25)
QORGAU_MAIL_FROM = env_str("QORGAU_MAIL_FROM", "111@qorgau.invalid")
# The centre's mailbox for written appeals by e-mail (rule 2(7); conversations/mailbox.py),
# read over IMAP by `qorgau mail fetch` and each minute by the delivery workers. No host: no
# mailbox. QORGAU_IMAP_SSL: "ssl" (IMAPS, default), "starttls", or "off" (only for a server on
# the loopback address, as in the tests). The password is never logged.
QORGAU_IMAP_HOST = env_str("QORGAU_IMAP_HOST", "")
QORGAU_IMAP_SSL = env_str("QORGAU_IMAP_SSL", "ssl", choices=("ssl", "starttls", "off"))
QORGAU_IMAP_PORT = env_int("QORGAU_IMAP_PORT", 993 if QORGAU_IMAP_SSL == "ssl" else 143)
QORGAU_IMAP_USER = env_str("QORGAU_IMAP_USER", "")
QORGAU_IMAP_PASSWORD = env_value("QORGAU_IMAP_PASSWORD", "", str, "a password", secret=True)
QORGAU_IMAP_FOLDER = env_str("QORGAU_IMAP_FOLDER", "INBOX")
# Where the centre is reached from outside: links in e-mails to agencies point here.
QORGAU_PUBLIC_URL = env_str("QORGAU_PUBLIC_URL", "http://127.0.0.1:8000")
QORGAU_DEMO_WEBHOOK_BASE = env_str("QORGAU_DEMO_WEBHOOK_BASE", "http://127.0.0.1:8112/agency-hook/")
OUTBOX_LEASE_SECONDS = env_int("QORGAU_OUTBOX_LEASE_SECONDS", 60)
# Retry waits (seconds) after the 1st, 2nd, … failure; the last repeats. Urgent requests
# (rules 6(j), 12) retry on their own short schedule.
OUTBOX_BACKOFF_SECONDS = env_floats("QORGAU_OUTBOX_BACKOFF", [0, 300, 1800])
OUTBOX_URGENT_BACKOFF_SECONDS = env_floats("QORGAU_OUTBOX_URGENT_BACKOFF", [0, 0.2, 1, 5, 30])
OUTBOX_MAX_ATTEMPTS = env_int("QORGAU_OUTBOX_MAX_ATTEMPTS", 8)
# Messages a minute one sender may send through a messenger or SMS webhook; more are dropped
# (acknowledged, not stored). Channel URLs and secrets are set in the admin (ChannelSettings).

# Letters to agencies are rendered with a font that has every Kazakh letter.
QORGAU_PDF_FONT = env_str("QORGAU_PDF_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# Deadlines of requests (rule 11; agency_requests/deadlines.py).
ANSWER_WORKING_DAYS = env_int("QORGAU_ANSWER_WORKING_DAYS", 15)
PASS_ON_WORKING_DAYS = 3
URGENT_CONFIRM_HOURS = env_int("QORGAU_URGENT_CONFIRM_HOURS", 3)
MAX_EXTENSION_MONTHS = 2
SOON_DUE_WORKING_DAYS = 2
# Minutes an urgent appeal may wait for a request before supervisors are alerted (rule 6(j)).
URGENT_SEND_MINUTES = env_int("QORGAU_URGENT_SEND_MINUTES", 10)
# Seconds between the supervisors' pages polling the urgent-appeal alert.
URGENT_ALERT_POLL_SECONDS = env_int("QORGAU_URGENT_ALERT_POLL_SECONDS", 5)
# The agency is reminded to take up or pass on a request this many working days before the end
# of the PASS_ON_WORKING_DAYS deadline (1: on the day before its last day).
PASS_ON_SOON_WORKING_DAYS = env_int("QORGAU_PASS_ON_SOON_WORKING_DAYS", 1)

# Records about a request name its URL pattern, not its path, and tracebacks leave exception
# messages out: nothing a request carried reaches the log (rule 5; core/logfilters.py). Django's
# own "django" handlers (console in DEBUG, mail to ADMINS with the whole request) are dropped:
# its records reach the filtered console handler of the root logger.
LOG_LEVEL = env_str(  # of the root and "django" loggers
    "QORGAU_LOG_LEVEL", "WARNING", choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_record": {"()": "qorgau.core.logfilters.RequestRecordFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_record"]},
    },
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
