"""Settings for the Millet storefront.

One module for every environment: the environment variables listed in the
README decide. The defaults run a fresh checkout on SQLite with debug on.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from common.env import env_bool, env_database, env_int, env_list, env_str
from common.first_paint import SOURCE as FIRST_PAINT_SOURCE
from common.first_paint import release_digest

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Only ever used with debug on, on a developer's machine.
    SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The first app that names a management command wins it: catalog's
    # `loaddata` (which also installs the demo pictures) must come before
    # modeltranslation's own `loaddata`.
    "catalog",
    # Before the admin, so that the admin sees the French and English fields.
    "modeltranslation",
    # Django's admin, with the shop's own site (its name and dashboard).
    "millet_site.admin_apps.MilletAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "django_tasks_db",
    "axes",
    # The catalogue in bulk, CSV and XLSX (catalog/resources.py).
    "import_export",
    "heritage",
    "shop",
    "repairs",
    "alerts",
    "pages",
    # Shopper accounts (django-allauth): sign-up and sign-in by e-mail, a second
    # factor; "Mon compte" and saved addresses are the accounts app's.
    "allauth",
    "accounts.apps.SignInConfig",
    "accounts.apps.SecondFactorConfig",
    "phonenumber_field",
    "accounts",
    # Demo drawings and generated catalogues (draw_demo_images, seed_catalog).
    "demo",
    # The shared package: template tags (typography, languages, first paint).
    "common",
    # The project's own commands (purge_personal_data).
    "millet_site",
]

MIDDLEWARE = [
    # First: every answer, even one another middleware makes, has its id and log line.
    "common.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed for browsers that ask (whitenoise serves static files
    # already compressed). Django's gzip adds random bytes against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads a body: an oversized upload is refused unread.
    "common.middleware.RequestSizeLimitMiddleware",
    "common.middleware.NulByteMiddleware",
    # Anonymous visitors' pages from the shared cache (common.page_cache),
    # before the CSRF middleware: a cached page carries no token and no cookie.
    "common.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.PrivateAccountPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "millet_site.urls"
WSGI_APPLICATION = "millet_site.wsgi.application"

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
                "millet_site.context_processors.navigation",
                "shop.context_processors.cart",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another.
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet: any manage.py command (check --deploy,
    # migrate) must work before `make run` has made it.
    if str(DATABASES["default"]["NAME"]) != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at
    # the start of a transaction so two workers never deadlock into
    # "database is locked".
    # The stock index's INCLUDE columns are for PostgreSQL; SQLite builds the
    # index without them, as intended.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # Each worker keeps its connection: opening one and running the PRAGMAs
    # cost about a millisecond a request. The health check reopens a
    # connection that has gone bad.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # psycopg's pool keeps connections open between requests; Django then
    # requires CONN_MAX_AGE = 0.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Page queries are short: JIT compilation costs more than it saves
        # (about 90 ms on the faceted listing).
        "options": "-c jit=off",
        # A dead server is reported within seconds, never after the OS's
        # own TCP timeout; requests then fail fast instead of piling up.
        "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 3),
        "pool": {
            "min_size": env_int("DATABASE_POOL_MIN", 2),
            "max_size": env_int("DATABASE_POOL_MAX", 10),
            # How long a request waits for a free connection before failing.
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 3),
        },
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Demo data: `manage.py loaddata catalog heritage stores` finds them by name.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Caches shared by every worker process (docs/caching.md): the numbers of what
# changed in "default", kept pages in "pages", throttle counters in "limits" (apart,
# so that many pages never push a number or a counter out). Redis when REDIS_URL is
# set, so several servers agree; files under var/cache otherwise, shared by the
# processes of one machine. Neither writes to the database, so a GET stays a read.
REDIS_URL = env_str("REDIS_URL")
CACHE_DIR = Path(env_str("DJANGO_CACHE_DIR", str(VAR_DIR / "cache")))
CACHE_ALIASES = (("default", 5000), ("pages", 5000), ("limits", 20000))
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": alias,
        }
        for alias, _entries in CACHE_ALIASES
    }
else:
    # add() and incr() lock the key, so parallel workers never lose a count.
    CACHES = {
        alias: {
            "BACKEND": "common.cache.SharedFileCache",
            "LOCATION": CACHE_DIR / alias,
            "OPTIONS": {"MAX_ENTRIES": max_entries},
        }
        for alias, max_entries in CACHE_ALIASES
    }
# Drawn parts of the listing and product pages, in each worker's own memory, under
# keys that hold the numbers of what they show ({% cache %}, docs/caching.md): a
# listing's results are 20 to 40 KB, so at most about 40 MB a worker.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": 1000},
}

# Catalogue, story and stores pages kept for visitors with nothing of their own
# on them, in seconds (0 turns it off). Any change to what they show renders
# them again at once; this only bounds how long an unchanged page is kept
# (common.page_cache, docs/caching.md).
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# The catalogue's query sets refuse lazy loads when on (catalog.models.page_fetch_mode):
# the tests turn it on, so a template reading what its query did not load fails them.
PAGE_FETCH_RAISE = env_bool("PAGE_FETCH_RAISE", default=False)

# The catalogue in bulk (catalog/resources.py): one transaction per file, and
# editors of a model (its "change" permission) alone may import it.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_TMP_STORAGE_CLASS = "catalog.resources.PrivateImportStorage"

# How long shoppers' details are kept, in days (the privacy page says the
# same): orders for the accounting period from the day they are placed,
# repair requests from their last change. `manage.py purge_personal_data`,
# run daily, then erases them (amounts, lines and steps stay).
ORDER_RETENTION_DAYS = env_int("ORDER_RETENTION_DAYS", 3650)
REPAIR_RETENTION_DAYS = env_int("REPAIR_RETENTION_DAYS", 1095)

# Background work (e-mails): Django's Tasks framework, queued in the database
# and run by `manage.py db_worker` (`make run` starts one beside the site).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Card payment: Stripe's API through its official SDK. With no STRIPE_SECRET_KEY the
# site talks to localstripe, a local stand-in for Stripe's API, Stripe.js and webhooks
# (`make run` and the tests start it): the same calls, only the address changes.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
LOCALSTRIPE_URL = env_str("LOCALSTRIPE_URL", "http://127.0.0.1:8420").rstrip("/")
STRIPE_LOCAL = not STRIPE_SECRET_KEY
if not STRIPE_LOCAL:
    STRIPE_API_BASE = "https://api.stripe.com"
    STRIPE_JS_URL = "https://js.stripe.com/v3/"
else:
    # Keys localstripe accepts; they open nothing anywhere else.
    STRIPE_SECRET_KEY = "sk_test_localstripe"  # noqa: S105
    STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET or "whsec_localstripe"
    STRIPE_API_BASE = LOCALSTRIPE_URL
    STRIPE_JS_URL = f"{LOCALSTRIPE_URL}/js.stripe.com/v3/"
# Seconds a webhook's signature stays valid (Stripe's own default).
STRIPE_WEBHOOK_TOLERANCE = env_int("STRIPE_WEBHOOK_TOLERANCE", 300)
# Seconds the shop waits for each call to the provider before telling the shopper to try
# again: a payment makes up to five calls, within the app server's 30-second limit.
STRIPE_TIMEOUT = env_int("STRIPE_TIMEOUT", 5)
# An unpaid card order holds its stock this long; then the worker cancels it and puts
# the stock back.
PAYMENT_HOLD_MINUTES = env_int("PAYMENT_HOLD_MINUTES", 30)
# An order awaiting its bank transfer holds its stock too: the shopper is reminded after
# TRANSFER_REMINDER_DAYS, and the order cancelled (stock back on sale) after
# TRANSFER_CANCEL_DAYS, by `manage.py payments_sweep` (shop.services.transfers_sweep).
TRANSFER_REMINDER_DAYS = env_int("TRANSFER_REMINDER_DAYS", 5)
TRANSFER_CANCEL_DAYS = env_int("TRANSFER_CANCEL_DAYS", 10)
if not 0 < TRANSFER_REMINDER_DAYS < TRANSFER_CANCEL_DAYS:
    raise ImproperlyConfigured(
        "TRANSFER_REMINDER_DAYS must be above 0 and below TRANSFER_CANCEL_DAYS."
    )
# Seconds before each new try of an e-mail the relay refused; after the last,
# the e-mail waits for staff to send it again from the admin.
MAIL_RETRY_DELAYS = [60, 300, 1800, 7200, 21600]

# The client's address. Behind a proxy, REMOTE_ADDR is the proxy's own: the
# client is read from X-Forwarded-For, counting DJANGO_PROXY_HOPS entries from
# the right (each trusted proxy appends the address it saw), never from the
# left, which the client writes.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", default=False)
PROXY_HOPS = env_int("DJANGO_PROXY_HOPS", 1)

# Throttles. Admin sign-in: django-axes locks a username from one address
# after 5 failures, for 15 minutes (staff unlock it under "Access attempts").
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# 5 failures on the admin's sign-in, 10 on the shoppers' (accounts/lockout.py).
AXES_FAILURE_LIMIT = "accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = 0.25  # hours
# A name tried from one address, and one address trying many names (spraying):
# each is locked after its failures. A name alone is never locked, or anyone could
# lock staff out; the second factor stands behind the password. The lock is checked
# before the password is hashed: a refused try costs no hashing. Shoppers' sign-in
# also has allauth's limits (ACCOUNT_RATE_LIMITS below), per address and per e-mail.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_USERNAME_CALLABLE = "accounts.lockout.username"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "common.client.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Shopper forms: django-ratelimit counts in the "limits" cache.
RATELIMIT_USE_CACHE = "limits"
RATELIMIT_IP_META_KEY = "common.client.client_ip"

# Shoppers' accounts (django-allauth): an e-mail address and a password, the address
# verified before the first sign-in; a second factor (an authenticator app, with
# recovery codes) offered to shoppers and required of staff (millet_site.admin_site).
# Its rate limits are allauth's own, counted in the default (shared) cache; failed
# sign-ins are limited per address and per e-mail before any password is hashed.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "add_email": "accounts.forms.AddEmailForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Millet · "
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Millet"
# Staff need a second factor to open the admin (millet_site.admin_site).
ADMIN_SECOND_FACTOR = env_bool("DJANGO_ADMIN_SECOND_FACTOR", default=True)
# Phone numbers: French by default, any country written with its +code.
PHONENUMBER_DEFAULT_REGION = "FR"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: French first, English under /en/.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content (products, the story, stores, pages) has a column per language
# (django-modeltranslation). French is the default and the fallback: a text not
# yet written in English shows in French. A row made in code with `name="…"`
# stores it as the French text.
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fr",)
MODELTRANSLATION_AUTO_POPULATE = "default"
# Slugs are made from the French name, the one every row has.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "fr"
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

# Static files and uploads.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
# The release this code is (set it at deploy, e.g. to the commit): kept pages are kept
# per release, so none stored by the previous code is served with this code's style
# sheet and CSP. By default, a digest of the collected files' manifest and of the
# first screen's inline rules.
RELEASE = env_str("RELEASE") or release_digest(STATIC_ROOT / "staticfiles.json")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Shoppers' repair photos: never served as files, only through the tracking page.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Behind nginx: the internal location that serves PRIVATE_MEDIA_ROOT (e.g.
# "/private/"); the app checks who may see a repair photo, nginx sends it.
PRIVATE_MEDIA_ACCEL_PREFIX = env_str("PRIVATE_MEDIA_ACCEL_PREFIX", "")
# Who may read /metrics besides signed-in staff: client addresses as the site
# reads them (behind the proxy, the address the proxy saw).
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES", ["127.0.0.1", "::1"])
# Django serves uploads itself in development; in production the proxy in
# front of gunicorn should serve MEDIA_ROOT at MEDIA_URL instead.
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# The largest body any form takes: a repair request's 3 photos of 10 MB and
# its fields. Larger ones are answered 413 unread; the proxy's own limit
# (nginx `client_max_body_size 31m`) must match.
REQUEST_MAX_BYTES = 31 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10

# E-mail: printed to the console in development; with debug off, or when
# EMAIL_HOST is set, sent over SMTP (a local relay on port 25 by default).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Millet <boutique@millet.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_EMAIL_HOST = env_str("EMAIL_HOST", "" if DEBUG else "localhost")
if _EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER"),
                "password": env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", default=False),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Security. The Content Security Policy allows no inline script or style
# without the per-request nonce, but for the first screen's style rules, by
# their hash (common.first_paint).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, FIRST_PAINT_SOURCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "millet_site.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    if not SECURE_SSL_REDIRECT:
        # An operator who turns the redirect off redirects to HTTPS upstream.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    # Behind a proxy that terminates TLS and sets X-Forwarded-Proto.
    if BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{levelname} {name} {message}", "style": "{"},
        "json": {"format": "{message}", "style": "{"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        "requests": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["stderr"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print every line a second time.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # The SDK logs each call at INFO; the shop logs its own money movements.
        "stripe": {"level": "WARNING"},
        # One JSON line per request (common.middleware.RequestIdMiddleware).
        "millet.requests": {
            "handlers": ["requests"],
            "level": env_str("DJANGO_REQUEST_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}
