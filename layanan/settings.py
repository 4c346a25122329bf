"""Settings for Layanan Lampura.

One file, every deploy-time value read through :mod:`layanan.env`. With no
variables at all it runs embedded: SQLite under ``var/``, files under
``var/media``, a file cache, the worker as a separate process of the same
checkout. See ``.env.example`` and ``docs/configuration.md``.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from layanan.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_str,
    env_url,
    private_directory,
    private_file_write,
    secret_check_strong,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

ENVIRONMENT = env_choice("ENVIRONMENT", ("development", "production"), "development")
DEBUG = env_bool("DEBUG", False)


def _development_secrets() -> dict[str, str]:
    """Keys for a development checkout, made once and kept under ``var/``.

    Production must set every key in the environment; a missing key there is
    a configuration error, never a silently generated one.
    """
    path = VAR_DIR / "dev-secrets.json"
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    else:
        stored = {}
    wanted = {
        "SECRET_KEY": lambda: secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": lambda: secrets.token_urlsafe(32),
        "BLIND_INDEX_KEY": lambda: secrets.token_urlsafe(32),
        "DOCUMENT_QR_KEY": lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
        "AUDIT_CHAIN_KEY": lambda: secrets.token_urlsafe(32),
        "AUDIT_ROOTS_SIGNING_KEY": lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    changed = False
    for name, make in wanted.items():
        if name not in stored:
            stored[name] = make()
            changed = True
    if changed:
        private_directory(VAR_DIR)
        private_file_write(path, json.dumps(stored, indent=2))
    return stored


def _secret(name: str) -> str:
    """A key of the platform's own. In production it must be set, long and random: a short or
    low-entropy value stops start-up with a message naming the variable (never the value).
    A comma-separated list (rotation, newest first) is checked key by key."""
    value = env_str(name)
    if value:
        if ENVIRONMENT == "production":
            for key in value.split(","):
                secret_check_strong(name, key.strip())
        return value
    if ENVIRONMENT == "production":
        raise ImproperlyConfigured(f"{name} must be set when ENVIRONMENT=production")
    return _development_secrets()[name]


def _optional_secret(name: str) -> str:
    """A secret that may be left empty (its feature is then off, or it falls back to another
    key); when set in production it must be as strong as :func:`_secret`'s, key by key."""
    value = env_str(name)
    if value and ENVIRONMENT == "production":
        for key in value.split(","):
            secret_check_strong(name, key.strip())
    return value


SECRET_KEY = _secret("SECRET_KEY")
# Field encryption: comma-separated keys, newest first. Data written with an
# older key stays readable until re-encrypted (see docs/security.md).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in _secret("FIELD_ENCRYPTION_KEYS").split(",") if k.strip()]
BLIND_INDEX_KEY = _secret("BLIND_INDEX_KEY")
# The platform's Ed25519 key for the signed text in each document's QR code:
# base64 of the 32-byte private seed. Its public half is published at /v/kunci-publik/.
DOCUMENT_QR_KEY = _secret("DOCUMENT_QR_KEY")
# The audit chain's HMAC keys (comma-separated, newest first: rotation in docs/security.md). The
# database never holds them, so whoever owns it cannot recompute the chain after a rewrite.
AUDIT_CHAIN_KEY = _secret("AUDIT_CHAIN_KEY")
# Ed25519 key (base64 of the 32-byte seed) signing each day's published seal root.
AUDIT_ROOTS_SIGNING_KEY = _secret("AUDIT_ROOTS_SIGNING_KEY")
# Bearer token for /healthz/detail (worker and queue figures for monitoring); empty: staff only.
HEALTHZ_TOKEN = _optional_secret("HEALTHZ_TOKEN")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "layanan.core",
    "layanan.regions",
    "layanan.agencies",
    "layanan.accounts",
    "layanan.identity",
    "layanan.calendars",
    "layanan.tracking",
    "layanan.audit",
    "layanan.catalogue",
    "layanan.applications",
    "layanan.documents",
    "layanan.complaints",
    "layanan.notifications",
    "layanan.webhooks",
    "layanan.inbound",
    "layanan.assisted",
    "layanan.integrations",
    "layanan.monitoring",
    "layanan.survey",
    "layanan.feedback",
    "layanan.servicepoints",
    "layanan.aspirations",
    "layanan.opendata",
    "layanan.privacy",
    "layanan.demo",
    "layanan.backup",
    "layanan.offline",
    "layanan.api",
]

MIDDLEWARE = [
    "layanan.core.middleware.PermissionsPolicyMiddleware",  # outermost: every response, redirects too
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "layanan.core.middleware.LanguageFromCookieMiddleware",  # Indonesian unless switched
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "layanan.offline.middleware.OfflineMarkMiddleware",  # what the service worker may keep (docs/offline.md)
    "layanan.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "layanan.assisted.kiosk.KioskMiddleware",  # kiosk mode: idle sign-out (docs/assisted-service.md)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "layanan.urls"
WSGI_APPLICATION = "layanan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "layanan" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "layanan.core.context_processors.regency",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", sqlite_path=VAR_DIR / "layanan.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Seconds after which a task still marked running by a silent worker is
# handed to another worker (the first one is taken to have died).
TASK_STALE_AFTER = env_int("TASK_STALE_AFTER", 300, minimum=10)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 5, minimum=1)
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 15, minimum=1)
# Days a finished task's result row is kept (failed ones six times as long).
TASK_RESULT_RETENTION_DAYS = env_int("TASK_RESULT_RETENTION_DAYS", 14, minimum=1)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["layanan.accounts.backends.PhoneOrEmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
TOTP_ISSUER = env_str("TOTP_ISSUER", "Layanan Lampura")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploads and the folders made for them: the platform's user only (the embedded database and the
# development secrets are owner-only too: layanan/core/checks.py, _development_secrets above).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MEDIA_URL = "/media-not-served/"  # files are served only through permission-checking views

# Uploads (requirements of an application): checked by content and re-encoded
# in layanan/core/uploads.py. The web server in front should refuse
# request bodies a little above UPLOAD_MAX_BYTES (nginx client_max_body_size).
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
UPLOAD_MAX_IMAGE_SIDE = env_int("UPLOAD_MAX_IMAGE_SIDE", 2000, minimum=200)
# A report's voice note (layanan/core/audio.py): the largest upload, the longest recording, and the
# bit rate of the Opus it is re-encoded to (mono).
VOICE_MAX_BYTES = env_int("VOICE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
VOICE_MAX_SECONDS = env_int("VOICE_MAX_SECONDS", 180, minimum=5)
VOICE_BITRATE = env_int("VOICE_BITRATE", 24_000, minimum=6_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files go to a temporary file, not memory
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the non-file part of a request body
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Reports (pengaduan, aspirasi, permintaan informasi): the clock of each kind,
# in working days (domain.md section 6, SP4N-LAPOR!): "verify" after receipt,
# "followup" for each office after disposition, "close" after the answer
# (auto-close without the reporter's reply; also the reopen window). Per-kind
# policy kept here as a dict with defaults, no environment variable.
COMPLAINT_DEADLINES = {
    "pengaduan": {"verify": 3, "followup": 5, "close": 10},
    "aspirasi": {"verify": 3, "followup": 5, "close": 10},
    "informasi": {"verify": 3, "followup": 5, "close": 10},
}

# Notifications (docs/notifications.md): the channels in use (also the default
# order), each channel's backend (console logs one line and sends nothing),
# retries, and the SMS gateway and WhatsApp Cloud API.
NOTIFY_CHANNELS = env_list("NOTIFY_CHANNELS", ["whatsapp", "sms", "email"])
SMS_GATEWAY_URL = env_url("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN")
SMS_SENDER = env_str("SMS_SENDER")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10, minimum=1)
WHATSAPP_API_URL = env_url("WHATSAPP_API_URL", "https://graph.facebook.com")
WHATSAPP_API_VERSION = env_str("WHATSAPP_API_VERSION", "v21.0")
WHATSAPP_TOKEN = env_str("WHATSAPP_TOKEN")
WHATSAPP_PHONE_NUMBER_ID = env_str("WHATSAPP_PHONE_NUMBER_ID")
WHATSAPP_TIMEOUT = env_int("WHATSAPP_TIMEOUT", 10, minimum=1)
WHATSAPP_LANGUAGE_CODES = {
    "id": env_str("WHATSAPP_LANGUAGE_ID", "id"),
    "en": env_str("WHATSAPP_LANGUAGE_EN", "en"),
}
# SMS providers (docs/notifications.md "SMS providers"): generic (the JSON gateway above), twilio
# or zenziva. The provider picks the SMS backend when NOTIFY_SMS_BACKEND is not set, once its
# credentials are there; each provider's webhooks stay closed without its secret.
SMS_PROVIDER = env_choice("SMS_PROVIDER", ("generic", "twilio", "zenziva"), "generic")
SMS_TWILIO_API_URL = env_url("SMS_TWILIO_API_URL", "https://api.twilio.com")
SMS_TWILIO_ACCOUNT_SID = env_str("SMS_TWILIO_ACCOUNT_SID")
# Issued by Twilio (32 hex characters), not chosen by us: not held to our own secrets' strength rule.
SMS_TWILIO_AUTH_TOKEN = env_str("SMS_TWILIO_AUTH_TOKEN")
SMS_TWILIO_FROM = env_str("SMS_TWILIO_FROM")
SMS_TWILIO_MESSAGING_SERVICE_SID = env_str("SMS_TWILIO_MESSAGING_SERVICE_SID")
# The public address Twilio calls (and signs), when a proxy hides it from the request: scheme,
# host and any path prefix, e.g. https://layanan.lampura.go.id. Empty: the request's own address.
SMS_TWILIO_WEBHOOK_BASE_URL = env_url("SMS_TWILIO_WEBHOOK_BASE_URL").rstrip("/")
SMS_TWILIO_STATUS_CALLBACK = env_bool("SMS_TWILIO_STATUS_CALLBACK", True)
SMS_ZENZIVA_API_URL = env_url("SMS_ZENZIVA_API_URL", "https://console.zenziva.net/reguler/api/sendsms/")
SMS_ZENZIVA_USERKEY = env_str("SMS_ZENZIVA_USERKEY")
SMS_ZENZIVA_PASSKEY = env_str("SMS_ZENZIVA_PASSKEY")
_SMS_PROVIDER_READY = {
    "generic": "http" if SMS_GATEWAY_URL else "console",
    "twilio": "twilio" if SMS_TWILIO_ACCOUNT_SID and SMS_TWILIO_AUTH_TOKEN else "console",
    "zenziva": "zenziva" if SMS_ZENZIVA_USERKEY and SMS_ZENZIVA_PASSKEY else "console",
}
NOTIFY_BACKENDS = {
    "whatsapp": env_choice(
        "NOTIFY_WHATSAPP_BACKEND", ("console", "cloudapi"), "cloudapi" if WHATSAPP_TOKEN else "console"
    ),
    "sms": env_choice(
        "NOTIFY_SMS_BACKEND", ("console", "http", "twilio", "zenziva"), _SMS_PROVIDER_READY[SMS_PROVIDER]
    ),
    "email": env_choice(
        "NOTIFY_EMAIL_BACKEND", ("console", "mail"), "mail" if env_str("EMAIL_HOST") else "console"
    ),
}
if NOTIFY_BACKENDS["sms"] == "twilio" and not (SMS_TWILIO_ACCOUNT_SID and SMS_TWILIO_AUTH_TOKEN):
    raise ImproperlyConfigured("SMS_TWILIO_ACCOUNT_SID and SMS_TWILIO_AUTH_TOKEN must be set for Twilio")
if NOTIFY_BACKENDS["sms"] == "twilio" and not (SMS_TWILIO_FROM or SMS_TWILIO_MESSAGING_SERVICE_SID):
    raise ImproperlyConfigured("SMS_TWILIO_FROM or SMS_TWILIO_MESSAGING_SERVICE_SID must be set for Twilio")
if NOTIFY_BACKENDS["sms"] == "zenziva" and not (SMS_ZENZIVA_USERKEY and SMS_ZENZIVA_PASSKEY):
    raise ImproperlyConfigured("SMS_ZENZIVA_USERKEY and SMS_ZENZIVA_PASSKEY must be set for Zenziva")
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5, minimum=1)
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 30, minimum=1)
NOTIFY_RETRY_MAX_SECONDS = env_int("NOTIFY_RETRY_MAX_SECONDS", 3600, minimum=1)
NOTIFY_SENDING_STALE_SECONDS = env_int("NOTIFY_SENDING_STALE_SECONDS", 120, minimum=1)
NOTIFY_UNCONFIRMED_WAIT_SECONDS = env_int("NOTIFY_UNCONFIRMED_WAIT_SECONDS", 600, minimum=0)

# Webhooks for subscribers (docs/webhooks.md): off by default. On, each case step an administrator's
# subscription asks for is saved with the step and POSTed, signed, to the subscriber's URL; retried
# with backoff, given up after WEBHOOKS_MAX_ATTEMPTS, a subscription paused after
# WEBHOOKS_PAUSE_AFTER_FAILURES deliveries failed in a row. Private and loopback targets are refused
# unless their network is listed in WEBHOOKS_ALLOWED_PRIVATE_NETWORKS (e.g. 10.0.0.0/8).
WEBHOOKS_ENABLED = env_bool("WEBHOOKS_ENABLED", False)
WEBHOOKS_TIMEOUT_SECONDS = env_int("WEBHOOKS_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOKS_RETRY_BASE_SECONDS = env_int("WEBHOOKS_RETRY_BASE_SECONDS", 60, minimum=0)
WEBHOOKS_RETRY_MAX_SECONDS = env_int("WEBHOOKS_RETRY_MAX_SECONDS", 6 * 3600, minimum=1)
WEBHOOKS_PAUSE_AFTER_FAILURES = env_int("WEBHOOKS_PAUSE_AFTER_FAILURES", 5, minimum=1)
WEBHOOKS_SENDING_STALE_SECONDS = env_int("WEBHOOKS_SENDING_STALE_SECONDS", 120, minimum=1)
WEBHOOKS_SECRET_GRACE_SECONDS = env_int("WEBHOOKS_SECRET_GRACE_SECONDS", 24 * 3600, minimum=0)
WEBHOOKS_ALLOWED_PRIVATE_NETWORKS = env_list("WEBHOOKS_ALLOWED_PRIVATE_NETWORKS", [])
# Days an event and its deliveries stay in the log (a daily task deletes older settled ones).
WEBHOOKS_RETENTION_DAYS = env_int("WEBHOOKS_RETENTION_DAYS", 90, minimum=1)
# Each process reads which events anyone subscribes to at most this often (a step whose event nobody
# wants costs no query); a subscription saved in this process counts at once.
WEBHOOKS_SUBSCRIPTION_CHECK_SECONDS = env_int("WEBHOOKS_SUBSCRIPTION_CHECK_SECONDS", 30, minimum=0)

# Inbound SMS and WhatsApp (docs/inbound.md): the webhooks' secrets (empty = webhook closed,
# every request refused), the body cap, and the limits per sender and for the whole platform.
SMS_WEBHOOK_SECRET = _optional_secret("SMS_WEBHOOK_SECRET")
WHATSAPP_VERIFY_TOKEN = env_str("WHATSAPP_VERIFY_TOKEN")
WHATSAPP_APP_SECRET = env_str("WHATSAPP_APP_SECRET")
INBOUND_MAX_BODY_BYTES = env_int("INBOUND_MAX_BODY_BYTES", 64 * 1024, minimum=1024)
INBOUND_SENDER_LIMIT = env_int("INBOUND_SENDER_LIMIT", 10, minimum=1)
INBOUND_SENDER_WINDOW_SECONDS = env_int("INBOUND_SENDER_WINDOW_SECONDS", 600, minimum=1)
INBOUND_SENDER_DAILY_LIMIT = env_int("INBOUND_SENDER_DAILY_LIMIT", 30, minimum=1)
INBOUND_GLOBAL_LIMIT = env_int("INBOUND_GLOBAL_LIMIT", 600, minimum=1)
INBOUND_GLOBAL_WINDOW_SECONDS = env_int("INBOUND_GLOBAL_WINDOW_SECONDS", 60, minimum=1)

# Survei Kepuasan Masyarakat (docs/survey.md): days an invitation link stays open, how far back
# the hourly backfill looks for cases without an invitation, and the sample-size rule
# (krejcie-morgan table, krejcie-morgan-formula, or off; unverified against the regulation).
SKM_INVITATION_DAYS = env_int("SKM_INVITATION_DAYS", 30, minimum=1)
SKM_BACKFILL_DAYS = env_int("SKM_BACKFILL_DAYS", 7, minimum=1)
SKM_SAMPLE_METHOD = env_choice(
    "SKM_SAMPLE_METHOD", ("krejcie-morgan", "krejcie-morgan-formula", "off"), "krejcie-morgan"
)
SKM_SAMPLE_TABLE_FILE = env_str("SKM_SAMPLE_TABLE_FILE")

# Practice mode (docs/practice-mode.md): days a practice application or report is kept.
PRACTICE_KEEP_DAYS = env_int("PRACTICE_KEEP_DAYS", 7, minimum=1)

# Monitoring: the minimum completed cases for an office to be ranked, the emerging-problem
# minimum count, and how long the public transparency page is cached (docs/monitoring.md).
MONITORING_MIN_SAMPLE = env_int("MONITORING_MIN_SAMPLE", 10, minimum=1)
MONITORING_EMERGING_MIN_COUNT = env_int("MONITORING_EMERGING_MIN_COUNT", 5, minimum=1)
MONITORING_PUBLIC_CACHE_SECONDS = env_int("MONITORING_PUBLIC_CACHE_SECONDS", 300, minimum=10)
# Seconds between refreshes of the live figures on an open dashboard.
MONITORING_LIVE_SECONDS = env_int("MONITORING_LIVE_SECONDS", 45, minimum=1)

# Email: the console in development; SMTP (EMAIL_HOST...) in production, where Django's deploy
# checks refuse a development-only backend (docs/deployment.md).
_DEFAULT_EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if ENVIRONMENT == "production"
    else "django.core.mail.backends.console.EmailBackend"
)
MAILERS = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", _DEFAULT_EMAIL_BACKEND),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": env_str("EMAIL_HOST"),
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
            }.items()
            if env_str("EMAIL_HOST")
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Layanan Lampura <noreply@lampungutarakab.go.id>")

# Security headers. The strict policy works because no template has inline
# script, inline style or on* handler attributes.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "media-src": [CSP.SELF, "blob:"],  # blob: plays back a voice note recorded in the page
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
    # The service worker (/sw.js) and the web app manifest, both from this site (docs/offline.md).
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "layanan.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 8, minimum=300)
SECURE_COOKIES = env_bool("SECURE_COOKIES", ENVIRONMENT == "production")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# A load balancer's liveness probe may speak plain HTTP to the app behind the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
# Only when every subdomain is served over HTTPS too (docs/deployment.md, "Production settings").
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For; 0 means use
# REMOTE_ADDR only (the safe default: the header can be forged).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# The regency that runs this instance. Another kabupaten sets these and loads
# its own region CSV; nothing else changes.
REGENCY = {
    "code": env_str("REGENCY_CODE", "18.03"),
    "name": env_str("REGENCY_NAME", "Kabupaten Lampung Utara"),
    "short_name": env_str("REGENCY_SHORT_NAME", "Lampura"),
    "platform_name": env_str("PLATFORM_NAME", "Layanan Lampura"),
    "capital": env_str("REGENCY_CAPITAL", "Kotabumi"),
    "address": env_str("REGENCY_ADDRESS", "Jl. Soekarno-Hatta No. 1, Kotabumi, Lampung Utara 34511"),
    "phone": env_str("REGENCY_PHONE", "(0724) 21000"),
    "email": env_str("REGENCY_EMAIL", "layanan@lampungutarakab.go.id"),
    "logo": env_str("REGENCY_LOGO", "core/img/logo.svg"),
}
REGION_DATA_DIR = Path(env_str("REGION_DATA_DIR", str(BASE_DIR / "data" / "wilayah")))

# Open data (docs/opendata.md): counts from 1 to OPEN_DATA_MIN_COUNT - 1 are never published (nor any
# figure of a group that small); the licence of the data sets; the producer named in their metadata.
OPEN_DATA_MIN_COUNT = env_int("OPEN_DATA_MIN_COUNT", 5, minimum=2)
OPEN_DATA_LICENSE_NAME = env_str("OPEN_DATA_LICENSE_NAME", "CC BY 4.0")
OPEN_DATA_LICENSE_URL = env_str("OPEN_DATA_LICENSE_URL", "https://creativecommons.org/licenses/by/4.0/")
OPEN_DATA_PRODUCER = env_str("OPEN_DATA_PRODUCER") or f"Pemerintah {REGENCY['name']}"

# Audit sealing: events are chained in batches by a periodic task.
AUDIT_SEAL_BATCH = env_int("AUDIT_SEAL_BATCH", 5000, minimum=1)
# Each day's last seal root is published (signed with AUDIT_ROOTS_SIGNING_KEY) where the database
# owner cannot rewrite it: a file per day in AUDIT_ROOTS_DIR (empty: VAR_DIR/audit-roots), an email
# to AUDIT_ROOTS_EMAIL (the inspectorate; empty: none) and, with AUDIT_ROOTS_TIMESTAMP, an RFC 3161
# timestamp from DOCUMENT_TSA_URL (the regency's TSA). docs/security.md, "Audit chain".
AUDIT_ROOTS_DIR = env_str("AUDIT_ROOTS_DIR")
AUDIT_ROOTS_EMAIL = env_list("AUDIT_ROOTS_EMAIL", [])
AUDIT_ROOTS_TIMESTAMP = env_bool("AUDIT_ROOTS_TIMESTAMP", False)

# Signatures on issued documents (see the docstrings of layanan/documents/signing*.py).
# "local": the platform's own CA certifies each official (non-certified TTE); without
# DOCUMENT_CA_CERT_FILE/DOCUMENT_CA_KEY_FILE a development CA is made under VAR_DIR/signing/.
# "bsre": BSrE's esign-client signs with the official's certified certificate.
DOCUMENT_SIGNER_BACKEND = env_choice("DOCUMENT_SIGNER_BACKEND", ("local", "bsre"), "local")
DOCUMENT_CA_CERT_FILE = env_str("DOCUMENT_CA_CERT_FILE")
DOCUMENT_CA_KEY_FILE = env_str("DOCUMENT_CA_KEY_FILE")
if bool(DOCUMENT_CA_CERT_FILE) != bool(DOCUMENT_CA_KEY_FILE):
    raise ImproperlyConfigured("DOCUMENT_CA_CERT_FILE and DOCUMENT_CA_KEY_FILE must be set together")
# Extra roots (PEM) trusted when checking a signed PDF, e.g. BSrE's root and intermediate CAs.
DOCUMENT_TRUST_ROOTS_FILE = env_str("DOCUMENT_TRUST_ROOTS_FILE")
BSRE_URL = env_url("BSRE_URL").rstrip("/")
BSRE_USER = env_str("BSRE_USER")
BSRE_PASSWORD = env_str("BSRE_PASSWORD")
BSRE_TIMEOUT_SECONDS = env_int("BSRE_TIMEOUT_SECONDS", 30, minimum=1)
if DOCUMENT_SIGNER_BACKEND == "bsre" and not BSRE_URL:
    raise ImproperlyConfigured("BSRE_URL must be set when DOCUMENT_SIGNER_BACKEND=bsre")
# Timestamps on local signatures (PAdES B-LTA). Empty: the platform's own timestamping
# authority, a key and certificate issued by the signing CA under VAR_DIR/signing/. Set
# DOCUMENT_TSA_URL to the regency's RFC 3161 TSA (HTTP POST), optionally with basic auth; put
# its root certificate in DOCUMENT_TRUST_ROOTS_FILE. A TSA that does not answer stops signing.
DOCUMENT_TSA_URL = env_url("DOCUMENT_TSA_URL")
DOCUMENT_TSA_USER = env_str("DOCUMENT_TSA_USER")
DOCUMENT_TSA_PASSWORD = env_str("DOCUMENT_TSA_PASSWORD")
DOCUMENT_TSA_TIMEOUT_SECONDS = env_int("DOCUMENT_TSA_TIMEOUT_SECONDS", 10, minimum=1)
if DOCUMENT_TSA_URL and not DOCUMENT_TSA_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("DOCUMENT_TSA_URL must start with http:// or https://")

# Adapters to national systems (layanan/integrations, docs/integrations.md): each off by default.
# SP4N-LAPOR!: a report marked "not our authority" is forwarded to LAPOR! and its status polled.
LAPOR_ENABLED = env_bool("LAPOR_ENABLED", False)
LAPOR_URL = env_url("LAPOR_URL").rstrip("/")
LAPOR_TOKEN = env_str("LAPOR_TOKEN")
LAPOR_TIMEOUT_SECONDS = env_int("LAPOR_TIMEOUT_SECONDS", 15, minimum=1)
LAPOR_MAX_ATTEMPTS = env_int("LAPOR_MAX_ATTEMPTS", 12, minimum=1)
if LAPOR_ENABLED and not (LAPOR_URL and LAPOR_TOKEN):
    raise ImproperlyConfigured("LAPOR_URL and LAPOR_TOKEN must be set when LAPOR_ENABLED=true")
# SIAK (Dukcapil): a processed Dukcapil application is handed off; the result comes back signed.
SIAK_ENABLED = env_bool("SIAK_ENABLED", False)
SIAK_URL = env_url("SIAK_URL").rstrip("/")
SIAK_TOKEN = env_str("SIAK_TOKEN")
SIAK_CALLBACK_SECRET = env_str("SIAK_CALLBACK_SECRET")
SIAK_TIMEOUT_SECONDS = env_int("SIAK_TIMEOUT_SECONDS", 30, minimum=1)
SIAK_MAX_ATTEMPTS = env_int("SIAK_MAX_ATTEMPTS", 12, minimum=1)
if SIAK_ENABLED and not (SIAK_URL and SIAK_TOKEN and SIAK_CALLBACK_SECRET):
    raise ImproperlyConfigured(
        "SIAK_URL, SIAK_TOKEN and SIAK_CALLBACK_SECRET must be set when SIAK_ENABLED=true"
    )
# OpenSID: villages' letter requests come in signed; the signed letter goes back. The instances
# (desa, base URL, shared secret) are registered in the admin.
OPENSID_ENABLED = env_bool("OPENSID_ENABLED", False)
OPENSID_TIMEOUT_SECONDS = env_int("OPENSID_TIMEOUT_SECONDS", 30, minimum=1)
OPENSID_MAX_ATTEMPTS = env_int("OPENSID_MAX_ATTEMPTS", 12, minimum=1)
# A signed request older (or newer) than this many seconds is refused as stale.
INTEGRATIONS_SIGNATURE_MAX_AGE_SECONDS = env_int("INTEGRATIONS_SIGNATURE_MAX_AGE_SECONDS", 300, minimum=30)

LOG_LEVEL = env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "layanan.core.logging.RedactPersonalData"},
        "client_errors_in_one_line": {"()": "layanan.core.logging.ClientErrorsInOneLine"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors_in_one_line", "redact"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # Each task's start and success, every minute for the periodic ones: only at LOG_LEVEL=DEBUG.
        "django.tasks": {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING"},
        # pyHanko warns, with a trace, about every expired or foreign certificate it is asked to check:
        # on the verify page that is an ordinary outcome, shown to the person, not an operator's problem.
        "pyhanko": {"level": "DEBUG" if LOG_LEVEL == "DEBUG" else "ERROR"},
    },
}

# --- Privacy: the rights of UU 27/2022 (layanan/privacy, docs/privacy-rights.md) ---
# Hours within which a data subject's request must be answered (Pasal 30-32: 3 x 24 hours); an
# open request past it is escalated to the administrators (the data-protection officer).
PRIVACY_REQUEST_DEADLINE_HOURS = env_int("PRIVACY_REQUEST_DEADLINE_HOURS", 72, minimum=1)
# Whether "Data saya" names the member of staff who accessed a citizen's data (default: role and
# office only; set true where a regulation requires the name).
PRIVACY_ACCESS_LOG_SHOWS_NAMES = env_bool("PRIVACY_ACCESS_LOG_SHOWS_NAMES", False)

# Backup and recovery (docs/backup.md): the archive key (32 random bytes in base64; `manage.py backup
# --new-key`) or a passphrase (scrypt), where `manage.py backup` writes and how many archives it keeps
# there (0 = all), the files under VAR_DIR that go with the storages (never secrets), the tables left
# out, and the tables `migrate` itself fills (a target holding only those counts as empty).
BACKUP_ENCRYPTION_KEY = env_str("BACKUP_ENCRYPTION_KEY")
BACKUP_PASSPHRASE = env_str("BACKUP_PASSPHRASE")
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
BACKUP_KEEP = env_int("BACKUP_KEEP", 0, minimum=0)
BACKUP_VAR_FILES = env_list("BACKUP_VAR_FILES", ["signing/*/*-cert.pem"])
BACKUP_EXCLUDE_MODELS = ["sessions.Session"]
BACKUP_SEEDED_MODELS = ["contenttypes.ContentType", "auth.Permission", "calendars.Holiday"]

# --- Issue 13, inbound channels: answers to senders outside Indonesia (layanan/inbound/senders.py) ---
# Each foreign number is answered once a day at most; this caps all such answers (international SMS
# cost money). 0 answers none.
# Assisted service (docs/assisted-service.md): the kiosk's idle sign-out, and the number people
# send "CEK <nomor>" to, printed on the receipt (empty: the receipt names no number).
KIOSK_IDLE_SECONDS = env_int("KIOSK_IDLE_SECONDS", 300, minimum=60)
INBOUND_SMS_NUMBER = env_str("INBOUND_SMS_NUMBER", "")
INBOUND_FOREIGN_REPLIES_PER_DAY = env_int("INBOUND_FOREIGN_REPLIES_PER_DAY", 200, minimum=0)
# A WhatsApp voice message joins the sender's ADUAN report filed within this many seconds (docs/inbound.md).
INBOUND_VOICE_WINDOW_SECONDS = env_int("INBOUND_VOICE_WINDOW_SECONDS", 1800, minimum=60)

# --- Accounts: one-time codes, sign-in throttling (docs/accounts.md) --------------------------------
# The key of the codes' HMAC; empty: derived from SECRET_KEY.
OTP_HASH_KEY = _optional_secret("OTP_HASH_KEY")
OTP_DIGITS = env_int("OTP_DIGITS", 6, minimum=6)
OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 600, minimum=60)
if OTP_TTL_SECONDS > 600:
    raise ImproperlyConfigured("OTP_TTL_SECONDS must be at most 600 (a code is valid 10 minutes at most)")
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 5, minimum=1)
OTP_RESEND_SECONDS = env_int("OTP_RESEND_SECONDS", 60, minimum=0)
OTP_PER_DESTINATION_PER_HOUR = env_int("OTP_PER_DESTINATION_PER_HOUR", 5, minimum=1)
OTP_PER_ADDRESS_PER_HOUR = env_int("OTP_PER_ADDRESS_PER_HOUR", 20, minimum=1)
# Development only: with no gateway (the console channel) the code page shows the code.
OTP_SHOW_CODE_ON_CONSOLE = env_bool("OTP_SHOW_CODE_ON_CONSOLE", ENVIRONMENT == "development")
if OTP_SHOW_CODE_ON_CONSOLE and ENVIRONMENT == "production":
    raise ImproperlyConfigured("OTP_SHOW_CODE_ON_CONSOLE cannot be on when ENVIRONMENT=production")
# Wrong passwords: after SIGN_IN_FREE_FAILURES per account (or SIGN_IN_FREE_FAILURES_PER_ADDRESS per
# address) each further one doubles the wait, from one minute up to SIGN_IN_MAX_DELAY_SECONDS.
SIGN_IN_FREE_FAILURES = env_int("SIGN_IN_FREE_FAILURES", 5, minimum=1)
SIGN_IN_FREE_FAILURES_PER_ADDRESS = env_int("SIGN_IN_FREE_FAILURES_PER_ADDRESS", 30, minimum=1)
SIGN_IN_MAX_DELAY_SECONDS = env_int("SIGN_IN_MAX_DELAY_SECONDS", 3600, minimum=60)
# Sends account codes and warnings at once through the channel backends (accounts is below
# notifications in the layers, so it is plugged in here like a backend).
ACCOUNTS_MESSAGE_SENDER = "layanan.notifications.direct.send_now"

# --- Files (issue 13): encryption at rest, private file modes, per-citizen upload quota (docs/files.md) ---
# Every stored file is encrypted (envelope encryption, layanan/core/filecrypt.py). FILE_ENCRYPTION_KEYS:
# comma-separated, newest first; empty means the keys of FIELD_ENCRYPTION_KEYS (derived apart).
FILE_ENCRYPTION_KEYS = [
    k.strip() for k in _optional_secret("FILE_ENCRYPTION_KEYS").split(",") if k.strip()
] or list(FIELD_ENCRYPTION_KEYS)
STORAGES["default"] = {"BACKEND": "layanan.core.filecrypt.EncryptedFileSystemStorage"}
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# What one citizen may store: in total (MB), and files per day (WIB).
UPLOAD_QUOTA_PER_USER_MB = env_int("UPLOAD_QUOTA_PER_USER_MB", 200, minimum=1)
UPLOAD_QUOTA_FILES_PER_DAY = env_int("UPLOAD_QUOTA_FILES_PER_DAY", 50, minimum=1)
_LOGGERS = LOGGING["loggers"]
if isinstance(_LOGGERS, dict):
    _LOGGERS["pikepdf"] = {"level": "WARNING"}  # its INFO line at import is noise

# --- accounts: profile and sessions (issue 13) -------------------------------------------------------
# Each signed-in session is recorded (layanan.accounts.sessions); a session its owner ended elsewhere
# ends on its next request, or at the latest SESSION_CHECK_SECONDS later if the cache was emptied.
SESSION_CHECK_SECONDS = env_int("SESSION_CHECK_SECONDS", 60, minimum=5)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "layanan.accounts.middleware.SessionRecordMiddleware",
)
# The office that settles disputed NIK claims (with the administrators).
IDENTITY_OFFICE_CODE = env_str("IDENTITY_OFFICE_CODE", "disdukcapil")

# --- deploy (issue 14): where stored files live; S3-compatible object storage (docs/deployment.md) ---
# STORAGE_BACKEND=filesystem (default: MEDIA_ROOT) or s3: the bucket S3_BUCKET at S3_ENDPOINT_URL (empty:
# AWS itself) in S3_REGION, with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment (or the
# host's role). Both encrypt every file at rest the same way (docs/files.md).
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", ("filesystem", "s3"), "filesystem")
if STORAGE_BACKEND == "s3":
    if not env_str("S3_BUCKET"):
        raise ImproperlyConfigured("S3_BUCKET must be set when STORAGE_BACKEND=s3")
    STORAGES["default"] = {
        "BACKEND": "layanan.core.s3storage.EncryptedS3Storage",
        "OPTIONS": {  # type: ignore[dict-item]
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
        },
    }

# --- Observability (issue 14): JSON logs, request ids, metrics, /readyz, read replica ----------------
# docs/observability.md. LOG_FORMAT: "json" (one object a line, the default in production) or "text".
# LOG_ACCESS: one line per request (method, URL name, status, ms; no path, query or form) from
# layanan.access, the default with JSON logs.
LOG_FORMAT = env_choice("LOG_FORMAT", ("json", "text"), "json" if ENVIRONMENT == "production" else "text")
LOG_ACCESS = env_bool("LOG_ACCESS", LOG_FORMAT == "json")


def _logging_section(name: str) -> dict[str, Any]:
    section = LOGGING[name]
    assert isinstance(section, dict)
    return section


_logging_section("filters")["request_context"] = {"()": "layanan.core.logging.RequestContext"}
_logging_section("formatters")["json"] = {"()": "layanan.core.logging.JsonFormatter"}
_console = _logging_section("handlers")["console"]
_console["filters"] = ["request_context", *_console["filters"]]
if LOG_FORMAT == "json":
    _console["formatter"] = "json"
MIDDLEWARE.insert(0, "layanan.core.observability.RequestObservationMiddleware")
# The load balancer's probes may speak plain HTTP to the app behind the proxy.
SECURE_REDIRECT_EXEMPT += [r"^readyz$", r"^metrics$"]

# /metrics (Prometheus): callers from these addresses or networks, or with a bearer METRICS_TOKEN.
# Behind a proxy the address is the one TRUSTED_PROXY_COUNT vouches for (docs/observability.md).
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
for _network in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_IPS: {_network!r} is not an address or a network (e.g. 10.0.0.0/24)"
        ) from None
METRICS_TOKEN = _optional_secret("METRICS_TOKEN")
# /readyz fails without a live worker (a heartbeat in the last 3 WORKER_HEARTBEAT_SECONDS).
READYZ_REQUIRE_WORKER = env_bool("READYZ_REQUIRE_WORKER", ENVIRONMENT == "production")
# Every task row keeps the id of the request that enqueued it (layanan/core/tasks.py).
if TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
    TASKS["default"]["BACKEND"] = "layanan.core.tasks.RequestAwareDatabaseBackend"

# Read replica: DATABASE_REPLICA_URL adds the "replica" alias; GETs of READ_REPLICA_VIEWS (URL names,
# "namespace:*" allowed) read there, outside transactions (layanan/core/dbrouter.py). Under pytest,
# "replica" is a second connection to the test database, used only by tests that turn routing on.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
READ_REPLICA_VIEWS = env_list("READ_REPLICA_VIEWS", ["monitoring:*"]) if DATABASE_REPLICA_URL else []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env_database("DATABASE_REPLICA_URL", sqlite_path=VAR_DIR / "layanan.sqlite3"),
        "TEST": {"MIRROR": "default"},
    }
elif "pytest" in sys.modules:
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
if "replica" in DATABASES:
    DATABASE_ROUTERS = ["layanan.core.dbrouter.ReadReplicaRouter"]
    MIDDLEWARE.append("layanan.core.dbrouter.ReadReplicaMiddleware")

# --- Pages: the full-page cache for anonymous readers of the public pages (issue 14) ----------------
# layanan/core/pagecache.py, docs/decisions/0009-public-page-speed.md. Before the session middleware,
# so a hit skips sessions, the user, messages and the database. Off with PAGE_CACHE_ENABLED=false.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
# At most this long between a change that sent no signal (a bulk update) and the pages showing it.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60, minimum=1)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
    "layanan.core.pagecache.PageCacheMiddleware",
)
if not REDIS_URL:
    # The embedded file cache holds the cached pages too (two languages of every public page).
    _FILE_CACHE: dict[str, object] = {**CACHES["default"], "OPTIONS": {"MAX_ENTRIES": 3000}}
    CACHES["default"] = _FILE_CACHE  # type: ignore[assignment]

# --- Submit: complaint submission speed (issue 14) ---------------------------------------------------
# layanan/complaints/routing.py: each process looks for a newer routing model (and at its offices) at
# most this often; a suggestion is advice to the verifier. 0 under pytest: every test sees its own.
ROUTING_MODEL_CHECK_SECONDS = env_int(
    "ROUTING_MODEL_CHECK_SECONDS", 0 if "pytest" in sys.modules else 30, minimum=0
)
# layanan/calendars/selectors.py: each process keeps the days off it read and looks whether an
# administrator changed them (in another process) at most this often. 0 under pytest.
CALENDAR_CHECK_SECONDS = env_int("CALENDAR_CHECK_SECONDS", 0 if "pytest" in sys.modules else 10, minimum=0)

# The open API (docs/api.md): /api/v1/ (REST, OpenAPI 3) and /open311/v2/ (GeoReport v2).
# Requests per window, per token (or signed-in account) and per address; beyond them 429 with
# Retry-After. A token lives API_TOKEN_DAYS unless its creator chooses a shorter life.
API_PATH_PREFIXES = ("/api/", "/open311/")
API_RATE_PER_TOKEN = env_int("API_RATE_PER_TOKEN", 600, minimum=1)
API_RATE_PER_ADDRESS = env_int("API_RATE_PER_ADDRESS", 120, minimum=1)
API_RATE_WINDOW_SECONDS = env_int("API_RATE_WINDOW_SECONDS", 60, minimum=1)
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 365, minimum=1)
API_IDEMPOTENCY_KEEP_HOURS = env_int("API_IDEMPOTENCY_KEEP_HOURS", 48, minimum=1)
API_PAGE_SIZE_MAX = env_int("API_PAGE_SIZE_MAX", 100, minimum=10)

# --- Aspirations (issue 17): the default month of each Musrenbang (docs/aspirations.md) -------------
# An administrator sets the exact dates per year in the admin (MusrenbangRound); without them the
# pages announce these months.
MUSRENBANG_DESA_MONTH = env_int("MUSRENBANG_DESA_MONTH", 1, minimum=1)
MUSRENBANG_KECAMATAN_MONTH = env_int("MUSRENBANG_KECAMATAN_MONTH", 2, minimum=1)
if MUSRENBANG_DESA_MONTH > 12 or MUSRENBANG_KECAMATAN_MONTH > 12:
    raise ImproperlyConfigured("MUSRENBANG_DESA_MONTH and MUSRENBANG_KECAMATAN_MONTH are months: 1 to 12")
