"""Settings, read from the environment with safe defaults (see README, "Configuration")."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from pengaduan.env import data_dir, env_bool, env_int, env_int_map, env_list, env_str, secret_key

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

SECRET_KEY = secret_key(DATA_DIR)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "pengaduan.units",
    "pengaduan.workcalendar",
    "pengaduan.sop",
    "pengaduan.complaints",
    "pengaduan.documents",
    "pengaduan.workdesk",
    "pengaduan.portal",
    "pengaduan.throttle",
    "pengaduan.notifications",
    "pengaduan.mailbox",
    "pengaduan.skm",
    "pengaduan.api",
    "pengaduan.reports",
    "pengaduan.jobs",
    "pengaduan.lapor",
    "pengaduan.ops",
]

MIDDLEWARE = [
    # The request's id for the log lines (X-Request-ID), and its count and time for /metrics.
    "pengaduan.ops.observe.ObservedRequestMiddleware",
    # Django's SecurityMiddleware (HTTPS, HSTS and its headers) and WhiteNoise (static files) inside; for pages,
    # the chosen language, the Content Security Policy, no-store on private pages and files, X-Frame-Options,
    # Retry-After on every 429; a busy database answered with 503.
    "pengaduan.middleware.SitePoliciesMiddleware",
    # Django's SessionMiddleware; without a session cookie, the store is made on first use only.
    "pengaduan.middleware.LazySessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's MessageMiddleware, its storage made on first use only.
    "pengaduan.middleware.LazyMessageMiddleware",
    # Last: Django's AuthenticationMiddleware and django-otp's, the second factor asked for on staff pages, and
    # a login refused by the throttle turned into the lock-out page (pengaduan.logins).
    "pengaduan.workdesk.login.LoginMiddleware",
]
# Each layer of the chain costs every request (bench/peer.py --ceiling), so ours do the work of several.
# django-axes and Django look for their own middlewares by name: the lock-out page comes from LoginMiddleware,
# X-Frame-Options and SecurityMiddleware's work from SitePoliciesMiddleware (tests/security prove them; Django's
# deploy checks of the SECURE_* settings run for it: pengaduan.middleware.check_security_settings).
SILENCED_SYSTEM_CHECKS = ["axes.W002", "security.W001", "security.W002"]

ROOT_URLCONF = "pengaduan.urls"
WSGI_APPLICATION = "pengaduan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pengaduan.portal.context_processors.portal",
                "pengaduan.ops.context_processors.job_alerts",
            ],
        },
    },
]

# Django's form renderer, with the plain widgets written in Python (the same markup, a fraction of the CPU).
FORM_RENDERER = "pengaduan.widgets.FastWidgets"

_default_db = f"sqlite:///{DATA_DIR / 'pengaduan.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with the transactions of atomic() queued on a lock file (pengaduan.sqlite_backend).
    DATABASES["default"]["ENGINE"] = "pengaduan.sqlite_backend"
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers queue up instead of failing
    # halfway; WAL lets readers go on meanwhile.
    # Each worker keeps its connection (as on PostgreSQL): opening one costs ~3 ms of CPU (Django registers its
    # SQL functions, the PRAGMAs run), and closing the last one checkpoints the WAL - on every request before.
    # A connection holds no snapshot between transactions (autocommit), so it blocks no checkpoint.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that tests with several threads share one database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
    # The inbox indexes carry paused_at as a non-key column (INCLUDE) for PostgreSQL's index-only scans. SQLite
    # builds the same index without it and reads paused_at from the row, which is what we want there: the
    # warning (printed by every `migrate`) says nothing to act on.
    SILENCED_SYSTEM_CHECKS += ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: pages run short queries, and a row estimate off by a hundred (a ranked subquery) made the
    # planner spend 40 ms compiling one that runs in 7 ms. (Behind PgBouncer in transaction mode, which
    # drops start-up options, set it on the database instead: ALTER DATABASE ... SET jit = off.)
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and changed passwords get it; older hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "id")
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing folder on every start
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Without collectstatic (development, tests) whitenoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

# Security. Behind HTTPS (PENGADUAN_HTTPS=true, the production setting) cookies are secure, plain HTTP is
# redirected and browsers are told to use HTTPS only (HSTS).
HTTPS = env_bool("PENGADUAN_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("PENGADUAN_HSTS_PRELOAD", HTTPS)  # only takes effect once the domain is submitted
if env_bool("PENGADUAN_BEHIND_PROXY", HTTPS):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 10 * 3600  # one office day
# Django's database sessions, less a look-up per new session and a second write of unchanged data.
SESSION_ENGINE = "pengaduan.ops.sessions"
SECURE_REFERRER_POLICY = "same-origin"
# Monitors and Prometheus ask gunicorn directly over plain HTTP on the private address.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content Security Policy: no inline scripts or styles, nothing from other sites (see pengaduan.middleware).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
# Two-factor login (TOTP, any authenticator app): officers who set it up are always asked for a code;
# with TWO_FACTOR_REQUIRED, administrators and the holders of TWO_FACTOR_ROLES must set it up first.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", ["inspektur"])
OTP_TOTP_ISSUER = "Pengaduan"
# Failed logins: after this many, that account from that address must wait (django-axes; see
# pengaduan.logins for why the pair and not each alone). Every login goes through it: the workdesk,
# the admin and the API's tokens.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AUTHENTICATION_BACKENDS = [
    "pengaduan.logins.LoginThrottleBackend",  # django-axes: refuses a locked-out pair before any password is hashed
    "pengaduan.logins.NormalisedUsernameBackend",
]
AXES_FAILURE_LIMIT = "pengaduan.logins.failure_limit"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the wait announced (Retry-After) is the wait that holds
AXES_USERNAME_CALLABLE = "pengaduan.logins.axes_username"
AXES_CLIENT_IP_CALLABLE = "pengaduan.logins.axes_client_ip"
AXES_LOCKOUT_CALLABLE = "pengaduan.logins.lockout_response"
# No row per successful login with its address and browser (UU PDP: keep no more than the throttle needs);
# failed attempts are kept for the lock-out and removed once the cool-off time has passed.
AXES_DISABLE_ACCESS_LOG = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workdesk:inbox"
LOGOUT_REDIRECT_URL = "login"

# Upload limits for attachments; the form refuses larger files with a message.
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Images are refused by their declared size before decoding: 40 megapixels holds any phone's normal photo
# (a 200 MP sensor saves 12.5 MP by default) and decodes in about 120 MB.
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_PIXELS", 40_000_000)
# Word/Excel files are zips: refused when they declare more unpacked bytes than this, or pack too well.
ATTACHMENT_MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
ATTACHMENT_MAX_ZIP_RATIO = 100
# All the files of one public submission (the portal, the public API, a reply to an officer's question).
PUBLIC_UPLOAD_MAX_TOTAL_BYTES = env_int("PUBLIC_UPLOAD_MAX_TOTAL_BYTES", 25 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads and their folders are readable by the service's own user only; a large upload is spooled inside the
# data folder (not the shared /tmp), where `pengaduan remind` removes what a killed request left behind.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "upload-tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(mode=0o700, exist_ok=True)

# Mail: without an SMTP server configured, messages are written to files in the data directory,
# so the demo shows what would have been sent.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "pengaduan.ops.mailfiles.EmailBackend")  # Django's, files 0600
EMAIL_FILE_PATH = DATA_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pengaduan@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10  # a dead mail server must not hang a request
# Whether the request that queues a message also sends it, right after its commit. Off in production
# (`pengaduan serve --production`), where `pengaduan remind` sends the outbox every minute and web workers
# don't wait for the mail server; on elsewhere, so a dev server or the tests need no timer.
MAIL_SEND_IMMEDIATELY = env_bool("MAIL_SEND_IMMEDIATELY", True)

# The portal unit's mailbox, read by `pengaduan mail fetch` (other units' mailboxes are set in the admin):
# imaps://user:password@host/INBOX, imap://…?starttls=1, imap://… (plain, loopback only); ?done=FOLDER moves
# processed mail there. Larger mails are set aside unread.
MAILBOX_URL = env_str("MAILBOX_URL", "")
MAILBOX_MAX_MESSAGE_BYTES = env_int("MAILBOX_MAX_MESSAGE_BYTES", 40 * 1024 * 1024)

# Reminders to a step's performer at these shares of the step's office time; at 100 % the superiors
# (Unit.escalation_roles) are alerted too.
REMINDER_SHARES = [int(share) for share in env_list("REMINDER_SHARES", ["50", "80"])]
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The role of a unit's head (register corrections, the top of the line of superiors) when the unit's escalation
# chain names none: see complaints/hierarchy.py.
UNIT_HEAD_ROLE = env_str("UNIT_HEAD_ROLE", "")

# Backups keep times to the microsecond (Django's own JSON keeps milliseconds).
SERIALIZATION_MODULES = {"jsonfull": "pengaduan.ops.fulljson"}

# Personal data (UU PDP): the data-protection officer, and how long complainants' identities are kept after
# a case closes before `pengaduan pdp erase` removes them (set it from the unit's archive rules).
DPO_NAME = env_str("DPO_NAME", "")
DPO_EMAIL = env_str("DPO_EMAIL", "")
IDENTITY_RETENTION_YEARS = env_int("IDENTITY_RETENTION_YEARS", 5)
# How long the SKM invitation link sent after a case closes stays valid (days); the tracking page offers the
# survey for as long as the case can be tracked.
SKM_LINK_DAYS = env_int("SKM_LINK_DAYS", 30)
# Tracking codes are stored as HMAC-SHA256 with this secret (default: SECRET_KEY). After changing it, list the
# old value in TRACKING_CODE_SECRET_FALLBACKS (comma-separated) so that codes already handed out keep working.
TRACKING_CODE_SECRET = env_str("TRACKING_CODE_SECRET", "")
TRACKING_CODE_SECRET_FALLBACKS = env_list("TRACKING_CODE_SECRET_FALLBACKS", [])

# The unit whose complaints the public portal receives (a unit code); empty: the first unit.
PORTAL_UNIT = env_str("PORTAL_UNIT", "")
# The unit that receives a complaint whose citizen does not know the competent unit ("Saya tidak tahu"); without
# it, the unit flagged as triage unit in the admin, then PORTAL_UNIT.
PORTAL_TRIAGE_UNIT = env_str("PORTAL_TRIAGE_UNIT", "")

# Operations (docs/deploy.md, "Monitoring"). Background jobs: overdue after JOB_STALE_AFTER minutes without a
# success (per job, e.g. "remind=5"; defaults in pengaduan.jobs.services.JOBS) or JOB_FAILURES_ALERT failures in a
# row; the newest JOB_RUNS_KEPT runs of each job are kept.
JOB_STALE_AFTER = env_int_map("JOB_STALE_AFTER")
JOB_FAILURES_ALERT = env_int("JOB_FAILURES_ALERT", 3)
JOB_RUNS_KEPT = env_int("JOB_RUNS_KEPT", 10_000)
# /metrics answers loopback, or anyone presenting this bearer token.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
# LOG_FORMAT=json: one JSON object per log line, with the request id (also in the X-Request-ID header).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOG_LEVEL = env_str("LOG_LEVEL", "WARNING")  # applied by pengaduan.ops (OpsConfig.ready) when LOG_FORMAT=json
# The optional error reporter (pip install 'pengaduan[sentry]'): off unless SENTRY_DSN is set; personal data
# is scrubbed before anything leaves (pengaduan.ops.reporting).
SENTRY_DSN = env_str("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env_str("SENTRY_ENVIRONMENT", "")

# Examinations (pemeriksaan) ordered by a decision: the unit role that examines and its time limit, unless the
# SOP file says otherwise in [sop.examination] (docs/sop-format.md).
EXAMINATION_ROLE = env_str("EXAMINATION_ROLE", "irban")
EXAMINATION_TIME_LIMIT = env_str("EXAMINATION_TIME_LIMIT", "10 hari kerja")

# WhatsApp Business Cloud API (README, "WhatsApp"): the app secret signs every webhook POST (X-Hub-Signature-256),
# the verify token answers Meta's subscription handshake, the token sends messages and fetches media, and the phone
# number id is the number of the portal's unit (other units' numbers are set in the admin, "WhatsApp / SMS
# numbers"). Without a token and a number WhatsApp is not a medium this server sends on.
WHATSAPP_APP_SECRET = env_str("WHATSAPP_APP_SECRET", "")
WHATSAPP_VERIFY_TOKEN = env_str("WHATSAPP_VERIFY_TOKEN", "")
WHATSAPP_TOKEN = env_str("WHATSAPP_TOKEN", "")
WHATSAPP_PHONE_NUMBER_ID = env_str("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_API_URL = env_str("WHATSAPP_API_URL", "https://graph.facebook.com/v21.0")
# SMS through an HTTP gateway (README, "SMS"): a self-hosted Android gateway app or Gammu SMSD behind a small
# bridge. SMS_GATEWAY_PROFILE names the field mapping ("android" or "gammu"); SMS_GATEWAY_SECRET is shared both ways
# (inbound: the X-Gateway-Secret header or ?token=; outbound: HTTP Basic with SMS_GATEWAY_USERNAME, or the header).
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_SECRET = env_str("SMS_GATEWAY_SECRET", "")
SMS_GATEWAY_USERNAME = env_str("SMS_GATEWAY_USERNAME", "")
SMS_GATEWAY_PROFILE = env_str("SMS_GATEWAY_PROFILE", "android")
# Seconds to wait for the Graph API or the gateway before the outbox tries again later.
MESSAGING_TIMEOUT = env_int("MESSAGING_TIMEOUT", 15)

# SP4N-LAPOR! bridge (pengaduan.lapor, docs/lapor.md): the defaults for every unit's LAPOR! account; a unit's own
# base URL or token (set in the admin) wins. Empty: no unit syncs until its account is filled in.
LAPOR_BASE_URL = env_str("LAPOR_BASE_URL", "")
LAPOR_TOKEN = env_str("LAPOR_TOKEN", "")
LAPOR_TIMEOUT = env_int("LAPOR_TIMEOUT", 20)  # seconds per request: a dead LAPOR! must not hang the timer
LAPOR_PAGE_SIZE = env_int("LAPOR_PAGE_SIZE", 50)
