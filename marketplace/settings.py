"""All configuration of the marketplace, read from the environment.

Every variable is listed, with its default, in `.env.example`. With `DEBUG` off the process
refuses to start on an insecure value (see `marketplace/config.py`), naming the setting.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from marketplace.config import (
    broker_settings,
    database_settings,
    email_settings,
    load_secret_key,
    refuse_insecure_production,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var")))
if not DATA_DIR.is_absolute():
    DATA_DIR = BASE_DIR / DATA_DIR
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = load_secret_key(env.str("SECRET_KEY", default=""), debug=DEBUG, data_dir=DATA_DIR)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
PORT = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

DATABASES = {"default": database_settings(env.str("DATABASE_URL", default=""), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

INSTALLED_APPS = [
    # Our apps first so their templates override the libraries'.
    "cms",
    "events",
    "marketplace.fulfilment",
    "sponsors",
    "register",
    "register.pipeline",  # resource mobilisation: pipeline, partner relations, targets, KPIs
    # API tokens, hashed at rest (replaces rest_framework.authtoken: sponsors/tokens/).
    "sponsors.tokens",
    "marketplace.core",
    "marketplace.pledges",
    "marketplace.payments",
    "marketplace.agreements",
    "marketplace.finance",
    "marketplace.privacy",  # personal data: export, erasure (issue 9)
    "worker",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",  # staff sign-in: TOTP and recovery codes at /accounts/2fa/
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, 413s included
    # (marketplace/core/security_headers.py).
    "marketplace.core.security_headers.SecurityHeadersMiddleware",
    # Request limits: refuse an oversized body before anything reads it, and install the upload
    # fields' limits before CsrfViewMiddleware parses request.POST
    # (marketplace/core/request_limits.py).
    "marketplace.core.request_limits.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff: MFA before any admin page (STAFF_REQUIRE_MFA), STAFF_SESSION_HOURS of inactivity.
    "marketplace.core.staff_security.StaffSecurityMiddleware",
    "marketplace.core.page_cache.AnonymousPageCacheMiddleware",
    # Wagtail's routing (site and page of a URL) remembered across requests
    # (marketplace/core/page_routes.py).
    "marketplace.core.page_routes.PageRouteCacheMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, with each user's permissions kept in the shared cache until any
    # permission or group changes (marketplace/core/permission_cache.py).
    "marketplace.core.permission_cache.CachedPermissionsBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: people sign in with their email address.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Sponsorship] "  # = MAIL_SUBJECT_PREFIX
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# Sponsors land in their portal (or onboarding) after signing in; see sponsors/adapter.py.
ACCOUNT_ADAPTER = "sponsors.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "sponsors.forms.SignInForm"}  # ?email= fills in the address

# One sign-in for everyone, with MFA (marketplace/core/staff_security.py): the Wagtail admin
# signs in through allauth (its rate limits apply to staff too); Wagtail's own password reset is
# off. allauth.mfa offers an authenticator app (TOTP) and recovery codes at /accounts/2fa/.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Sponsorship marketplace"
# A staff user without an authenticator app is sent to set one up before any admin page
# (default: on when DEBUG is off; `make run`'s demo turns it off so every demo user can sign in).
STAFF_REQUIRE_MFA = env.bool("STAFF_REQUIRE_MFA", default=not DEBUG)
# A staff session ends after this many hours without a request (sponsors: the normal session).
STAFF_SESSION_HOURS = env.float("STAFF_SESSION_HOURS", default=8)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", "العربية"),
    ("zh-hans", "中文"),
    ("en", "English"),
    ("fr", "Français"),
    ("ru", "Русский"),
    ("es", "Español"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats per language (marketplace/formats/<lang>/formats.py): templates name a format.
FORMAT_MODULE_PATH = ["marketplace.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The image collects static files outside DATA_DIR so a data volume does not hide them.
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files need `collectstatic`, which production images run.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATICFILES_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Request limits (marketplace/core/request_limits.py): a body over MAX_REQUEST_BODY_MB is answered
# 413 unread (nginx's client_max_body_size in docker/nginx.conf says the same); the handlers stop
# a growing multipart body at that limit and each upload field at its own (`@upload_limits`).
MAX_REQUEST_BODY_MB = env.int("MAX_REQUEST_BODY_MB", default=60)
FILE_UPLOAD_HANDLERS = [
    "marketplace.core.request_limits.BodyLimitUploadHandler",
    "marketplace.core.request_limits.FieldLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Cache (page cache, rate limits, throttles, locks): one cache shared by every process, never a
# per-process one, or each gunicorn worker and instance would count rate limits on its own.
# Redis when REDIS_URL is set (every instance of a scaled-out stack); without it, files under
# DATA_DIR/cache, which `make run`'s gunicorn workers share on one machine. CACHE_REDIS=false
# keeps a per-process memory cache instead: the test suite's choice, so tests never see each
# other's keys.
if REDIS_URL and env.bool("CACHE_REDIS", default=True):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "marketplace",
        }
    }
elif not env.bool("CACHE_REDIS", default=True):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Sessions live in the database (Django's default engine, said here because scale-out relies
# on it): every web instance reads the same sessions from PostgreSQL.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# How long a rendered availability figure may be served from cache (the catalogue promises
# availability is never more than this stale).
AVAILABILITY_CACHE_SECONDS = env.int("AVAILABILITY_CACHE_SECONDS", default=5)

# ---- Finance: the ledger's chart of accounts (marketplace/finance/ledger.py) ----
# Each account the ledger posts to: its code in the accounting system (written in
# `export_journal`) and its name. Sponsorship revenue carries the event as its cost object.
LEDGER_ACCOUNTS = {
    "receivable": {"code": "1100", "name": "Sponsors receivable"},
    "bank": {"code": "1020", "name": "Bank"},
    "stripe_clearing": {"code": "1030", "name": "Stripe clearing"},
    "unallocated": {"code": "2150", "name": "Unallocated receipts"},
    "revenue": {"code": "4000", "name": "Sponsorship revenue"},
    "refunds": {"code": "4090", "name": "Refunds and credit notes"},
    "fees": {"code": "6810", "name": "Payment processing fees"},
    "bank_charges": {"code": "6820", "name": "Bank charges"},
    "write_offs": {"code": "6850", "name": "Bad debts written off"},
}
# Rates of exchange (marketplace/finance/rates.py): every amount is also stored in the
# reporting currency (what the bureau reports to Member States in), at the UN operational rate
# in force on its date; the finance dashboard adds the budget currency (what it budgets in).
REPORTING_CURRENCY = env.str("REPORTING_CURRENCY", default="USD").upper()
BUDGET_CURRENCY = env.str("BUDGET_CURRENCY", default="CHF").upper()
# Overdue invoices: the sponsor's finance contact is reminded once in each window (days past due).
OVERDUE_REMINDER_WINDOWS = [1, 31, 61, 91]

# ---- Partnership register: open data (IATI export) and large imports ----
# The reporting organisation written in `manage.py export_iati` (IATI organisation identifier,
# name and IATI organisation type code; 40 = multilateral).
IATI_REPORTING_ORG_REF = env.str("IATI_REPORTING_ORG_REF", default="XI-IATI-BDT")
IATI_REPORTING_ORG_NAME = env.str(
    "IATI_REPORTING_ORG_NAME", default="Telecommunication Development Bureau"
)
IATI_REPORTING_ORG_TYPE = env.str("IATI_REPORTING_ORG_TYPE", default="40")
# An admin CSV import larger than this many MB runs in a worker, with its progress shown.
REGISTER_IMPORT_TASK_MB = env.float("REGISTER_IMPORT_TASK_MB", default=5)

# Email: by default every message is written to DATA_DIR/outbox/ for a person to read. Every
# message is recorded in the mail log: EMAIL_BACKEND logs, MAIL_DELIVERY_BACKEND delivers.
OUTBOX_DIR = DATA_DIR / "outbox"
globals().update(email_settings(env.str("EMAIL_URL", default=""), OUTBOX_DIR))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sponsorship <sponsorship@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
MAIL_SUBJECT_PREFIX = "[Sponsorship] "

# Celery: Redis when REDIS_URL is set, otherwise an embedded broker on the filesystem so
# `make run` needs no server. Tests run tasks eagerly unless they start a real worker.
# CELERY_VISIBILITY_TIMEOUT: seconds before Redis redelivers an unacknowledged task (see
# broker_settings); tests lower it to show a SIGKILLed worker's task running again.
globals().update(
    broker_settings(REDIS_URL, DATA_DIR, env.int("CELERY_VISIBILITY_TIMEOUT", default=3600))
)
# The transactional outbox keeps sent messages (and so their idempotency keys) this long.
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)
# The mail log keeps each email (recipient, subject, body) this long; beat deletes older rows.
MAIL_LOG_RETENTION_DAYS = env.int("MAIL_LOG_RETENTION_DAYS", default=365)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# Stripe (the payments issue uses these).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# During a rotation of the webhook signing secret, events signed with the previous one still
# verify (marketplace/payments/webhooks.py).
STRIPE_WEBHOOK_SECRET_PREVIOUS = env.str("STRIPE_WEBHOOK_SECRET_PREVIOUS", default="")
# The local stand-in for Stripe's hosted checkout (marketplace/payments/standin.py): a page
# labelled TEST PAYMENT that sends the app a signed webhook. On by default in development when
# there is no Stripe key; start-up refuses it when DEBUG is off (marketplace/config.py).
PAYMENTS_STAND_IN_ENABLED = env.bool("PAYMENTS_STAND_IN", default=DEBUG and not STRIPE_SECRET_KEY)
# Issued receipts, invoices and credit notes (PDF): private, served only through views that
# check who asks, never under MEDIA_URL.
PRIVATE_DOCUMENTS_ROOT = DATA_DIR / "private"
# Finance settles a transfer short by at most this much (in the pledge's currency) by booking
# the difference as bank charges, and writes off a remainder of at most WRITE_OFF_LIMIT
# (marketplace/finance/unallocated.py).
BANK_CHARGE_TOLERANCE = env.float("BANK_CHARGE_TOLERANCE", default=50)
WRITE_OFF_LIMIT = env.float("WRITE_OFF_LIMIT", default=200)
# Bank statements (marketplace/finance/statements/): the accounts statements are imported for,
# beside the IBAN of the finance bank details (a JSON list of {"iban", "currency",
# "ledger_account", "name"}), the largest file the finance workspace accepts, and the CSV
# export profiles (`import_bank_statement --profile NAME`).
BANK_ACCOUNTS = env.json("BANK_ACCOUNTS", default=[])
BANK_STATEMENT_MAX_MB = env.int("BANK_STATEMENT_MAX_MB", default=20)
BANK_CSV_DEFAULT_PROFILE = "generic"
BANK_CSV_PROFILES = {
    # A plain export: one signed amount column, ISO dates.
    "generic": {
        "delimiter": ",",
        "decimal": ".",
        "date_format": "%Y-%m-%d",
        "encoding": "utf-8-sig",
        "columns": {
            "booking_date": "date",
            "value_date": "value_date",
            "amount": "amount",
            "currency": "currency",
            "payer": "payer",
            "remittance": "reference",
            "bank_reference": "id",
        },
    },
    # A Swiss bank's e-banking export: semicolons, dd.mm.yyyy, apostrophe thousands, separate
    # credit and debit columns, German headers, the account's currency.
    "swiss_bank": {
        "delimiter": ";",
        "decimal": ".",
        "thousands": "'",
        "date_format": "%d.%m.%Y",
        "encoding": "utf-8-sig",
        "currency": "CHF",
        "columns": {
            "booking_date": "Buchungsdatum",
            "value_date": "Valuta",
            "remittance": ["Buchungstext", "Mitteilung"],
            "payer": "Auftraggeber",
            "credit": "Gutschrift",
            "debit": "Belastung",
            "bank_reference": "Referenz",
        },
    },
    # A euro-area export: semicolons, comma decimals, dd/mm/yyyy, Latin-1.
    "eu_comma": {
        "delimiter": ";",
        "decimal": ",",
        "thousands": ".",
        "date_format": "%d/%m/%Y",
        "encoding": "latin-1",
        "columns": {
            "booking_date": "Date",
            "value_date": "Value date",
            "amount": "Amount",
            "currency": "Currency",
            "payer": "Counterparty",
            "remittance": "Description",
        },
    },
}

# How many reverse proxies in front of the app append the client's address to X-Forwarded-For.
# 0 (the default): the client's address is REMOTE_ADDR; with N, the N-th address from the right
# of X-Forwarded-For (marketplace/core/client.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# One reading of the client address for the whole site (marketplace/core/client.py): the API
# throttles use it, and allauth's own rate limits read X-Forwarded-For with the same count.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# API tokens (sponsors/tokens/): how long one issued by POST /api/v1/auth/token/ works.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)

# Personal data (marketplace/privacy, issue 9): the IP address and user agent recorded with an
# agreement signature are cleared this many years after signing (beat, daily).
SIGNATURE_EVIDENCE_YEARS = env.int("SIGNATURE_EVIDENCE_YEARS", default=10)

# Demo data.
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")


# Wagtail.
WAGTAIL_SITE_NAME = "Sponsorship opportunities"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "txt", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_ENABLE_UPDATE_CHECK = False

# REST API.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sponsors.tokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # At most 200 rows a page, whatever ?limit= asks (marketplace/core/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "marketplace.core.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sponsorship marketplace API",
    "DESCRIPTION": "Events, sponsorship packages, pledges and the partnership register.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["marketplace.core.schema.only_api_v1"],
    # Served by the app itself: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Operation paths as text, not links inside Swagger's summary buttons (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
}

# Security: safe defaults when DEBUG is off; the deploy check must be clean.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Wagtail's live preview shows the page in a same-origin iframe inside the admin, so framing is
# limited to our own origin rather than denied; the deploy check's W019 is silenced for that.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4, marketplace/core/security_headers.py). The site's pages
# have no inline script or style attribute: scripts and styles come from our origin, or inline
# with the request's nonce ({{ request.csp_nonce }}). Card checkout is a redirect to Stripe
# after a form post, which form-action governs in browsers, hence Stripe's Checkout origin.
# Wagtail's admin writes inline scripts and style attributes, so the admin's policy adds
# 'unsafe-inline' for those two and nothing else.
_CSP_SITE = {
    "default-src": [SELF],
    "script-src": [SELF, NONCE],
    "style-src": [SELF, NONCE],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],  # the admin previews pages in a same-origin iframe
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF, "https://checkout.stripe.com"],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_SITE}
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **_CSP_SITE,
        "script-src": [SELF, UNSAFE_INLINE],  # a nonce would switch 'unsafe-inline' off
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],  # image previews before upload
    }
}
CSP_ADMIN_PATH_PREFIXES = ["/admin/"]
# Avatars are initials, not Gravatar images: no third-party request from the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=(), "
    "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=(), "
    "display-capture=(), interest-cohort=(), browsing-topics=()"
)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SITE_URL.startswith("https"))
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SITE_URL.startswith("https"))
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env.int(
        "SECURE_HSTS_SECONDS", default=31536000 if SECURE_SSL_REDIRECT else 0
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

refuse_insecure_production(globals())
