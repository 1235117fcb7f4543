"""Wharf settings: one module, read from the environment.

With no environment set Wharf runs embedded: SQLite and package files under `WHARF_DATA_DIR`, Celery tasks
run eagerly, the cache lives in the process and mail is written to files. Setting `DATABASE_URL`,
`REDIS_URL`, `EMAIL_URL` and the `WHARF_S3_*` variables switches to the production parts.
"""

import json
import os
import secrets
from pathlib import Path

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


WHARF_DATA_DIR = Path(os.environ.get("WHARF_DATA_DIR") or BASE_DIR / "var").resolve()
DEBUG = env_bool("DJANGO_DEBUG", False)


def _secret_key() -> str:
    """The key comes from the environment, or from the file `make run` writes into the data directory."""
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    key_file = WHARF_DATA_DIR / "secret_key"
    if not key and key_file.exists():
        key = key_file.read_text().strip()
    if key:
        return key
    if DEBUG:
        return "insecure-development-key-" + secrets.token_urlsafe(8)
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set: production (DJANGO_DEBUG off) refuses to start without a secret key. "
        f"Set DJANGO_SECRET_KEY, or run `make run` once to write {key_file}."
    )


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)

# --- HTTPS (docs/hardening.md). Behind a TLS proxy, trust its X-Forwarded-Proto; WHARF_HTTPS (on whenever
# the proxy header is trusted) makes the site HTTPS only: Secure cookies, http:// redirected, HSTS.
TRUST_PROXY_SCHEME = env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False)
if TRUST_PROXY_SCHEME:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
WHARF_HTTPS = env_bool("WHARF_HTTPS", TRUST_PROXY_SCHEME)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = WHARF_HTTPS
SECURE_HSTS_SECONDS = env_int("WHARF_HSTS_SECONDS", 365 * 24 * 3600) if WHARF_HTTPS else 0
# PyPI's header: a year, subdomains included, preload (which takes effect only once submitted to the list).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("WHARF_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("WHARF_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No page runs inline script or style (templates keep both in static files); README images may come from any
# HTTPS host. Django 5.2 has no CSP of its own: django-csp sends the header, its directives in this order
# (config.middleware.OrderedCSPMiddleware), the order deploy/nginx.conf's copy keeps. No
# `upgrade-insecure-requests`: every source is 'self' or https: already, HSTS and the redirect cover the rest,
# and one spelling in both modes keeps nginx's copy exact.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features no page uses, refused to it and what it embeds (config.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

INSTALLED_APPS = [
    # django.contrib.admin with Wharf's admin site: staff log in through allauth, with 2FA (accounts issue).
    "accounts.apps.WharfAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "accounts",
    "registry",
    "moderation",
    "moderation.claims",
]

MIDDLEWARE = [
    "config.middleware.NulInPathMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.OrderedCSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The read-only admin flag refuses every write (503) except the admin and the logins that reach it. It
    # decides in process_view, after every middleware's request phase: its page knows who is logged in.
    "moderation.middleware.ReadOnlyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # REST API reads: ETag and If-None-Match (304), Vary: Authorization.
    "config.api.ApiConditionalGetMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

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
                "moderation.context_processors.site_notices",
            ],
        },
    },
]

# --- Database: SQLite file in the data directory unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{WHARF_DATA_DIR / 'wharf.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE transactions queue writers instead of failing them.
    engine_options = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
else:
    # Server-side binding lets PostgreSQL keep prepared statements: from its 5th run on a connection a
    # statement skips planning, most of PostgreSQL's time on the upload's lookups (bench/README.md, uploads).
    # PgBouncer in transaction mode before 1.21 cannot keep them: DATABASE_PREPARED_STATEMENTS=off there.
    engine_options = {
        "server_side_binding": True,
        "prepare_threshold": 5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None,
    }
# Options in DATABASE_URL's query string (`?sslmode=require`) win over these defaults.
DATABASES["default"]["OPTIONS"] = {**engine_options, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and shared cache when set; eager tasks and an in-process cache otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "config.redis_cache.WharfRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("WHARF_CACHE_PREFIX", "wharf"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "wharf"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("WHARF_CELERY_QUEUE", "wharf")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    # Package storage against the file rows, reported in the worker's log (python manage.py check_storage).
    "check-storage": {"task": "registry.tasks.check_storage", "schedule": 24 * 3600.0},
    # Name claims: move cases whose deadline passed, re-send owner emails, remind moderators (hourly).
    "claims-deadlines": {"task": "moderation.claims.tasks.run_claim_deadlines", "schedule": 3600.0},
}

# --- Files: packages on the local disk, or in an S3-compatible bucket when WHARF_S3_BUCKET is set.
WHARF_S3_BUCKET = os.environ.get("WHARF_S3_BUCKET", "").strip()
if WHARF_S3_BUCKET:
    PACKAGES_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": WHARF_S3_BUCKET,
            "endpoint_url": os.environ.get("WHARF_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("WHARF_S3_REGION") or None,
            "access_key": os.environ.get("WHARF_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("WHARF_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("WHARF_S3_PREFIX", "packages"),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    PACKAGES_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(WHARF_DATA_DIR / "packages"), "base_url": "/packages/"},
    }
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(WHARF_DATA_DIR / "media")},
    },
    "packages": PACKAGES_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the site's own CSS (templates/ is the site's own templates)
STATIC_ROOT = WHARF_DATA_DIR / "static"
# The site's stylesheet, script and icon (static/wharf/); the admin's come from django.contrib.admin.
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads stream to this directory (same filesystem as local package storage, so storing is a link).
FILE_UPLOAD_TEMP_DIR = str(WHARF_DATA_DIR / "tmp")
# The data directory is Wharf's own: create what it needs up front rather than on first use.
for _directory in (WHARF_DATA_DIR / "tmp", STATIC_ROOT):
    _directory.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o644
# Form fields of an upload (descriptions included) may be large; the file itself never counts here.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("WHARF_MAX_FORM_SIZE", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Mail: files in WHARF_DATA_DIR/mail unless EMAIL_URL names a backend (smtp://, smtp+tls://, console:).
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
if EMAIL_URL:
    vars().update(dj_email_url.parse(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(WHARF_DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Wharf <noreply@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Limits of the index (Warehouse's `MAX_FILESIZE`, `MAX_PROJECT_SIZE`, 14-day upload window).
MIB = 1024 * 1024
WHARF_MAX_FILE_SIZE = env_int("WHARF_MAX_FILE_SIZE", 100 * MIB)
WHARF_MAX_PROJECT_SIZE = env_int("WHARF_MAX_PROJECT_SIZE", 10 * 1024 * MIB)
# The most partial uploads (FILE_UPLOAD_TEMP_DIR) may hold at once; past it uploads answer 503, Retry-After.
WHARF_PARTIAL_UPLOADS_MAX_BYTES = env_int("WHARF_PARTIAL_UPLOADS_MAX_BYTES", 10 * WHARF_MAX_FILE_SIZE)
WHARF_RELEASE_UPLOAD_WINDOW_DAYS = env_int("WHARF_RELEASE_UPLOAD_WINDOW_DAYS", 14)
WHARF_REQUIRE_2FA_FOR_UPLOAD = env_bool("WHARF_REQUIRE_2FA_FOR_UPLOAD", False)
# Collaborator invitations (project manage pages) can be accepted for this many days.
WHARF_ROLE_INVITATION_DAYS = env_int("WHARF_ROLE_INVITATION_DAYS", 7)
# Where users report projects and problems (help page, report link); empty: no address is published.
WHARF_SUPPORT_EMAIL = os.environ.get("WHARF_SUPPORT_EMAIL", "").strip()
WHARF_ADMIN_REQUIRE_2FA = env_bool("WHARF_ADMIN_REQUIRE_2FA", not DEBUG)
# --- Moderation (README "Moderation"): rate limits, four eyes, risk scoring.
# New projects per account and per client IP address, as "COUNT/PERIOD" (PyPI's numbers: Warehouse's
# `project.create.user` and `project.create.ip` rate limits).
WHARF_PROJECT_CREATE_USER_RATE = os.environ.get("WHARF_PROJECT_CREATE_USER_RATE", "20/hour")
WHARF_PROJECT_CREATE_IP_RATE = os.environ.get("WHARF_PROJECT_CREATE_IP_RATE", "40/hour")
# Uploads one API token may make (a generous bound on a release's wheels), XML-RPC calls per client IP
# address (PyPI's number).
WHARF_UPLOAD_TOKEN_RATE = os.environ.get("WHARF_UPLOAD_TOKEN_RATE", "1000/hour")
WHARF_XMLRPC_IP_RATE = os.environ.get("WHARF_XMLRPC_IP_RATE", "3600/hour")
# Reports one account may file.
WHARF_REPORT_RATE = os.environ.get("WHARF_REPORT_RATE", "20/day")
# Removing projects or freezing accounts in bulk above this many objects waits for a second moderator.
WHARF_MODERATION_APPROVAL_THRESHOLD = env_int("WHARF_MODERATION_APPROVAL_THRESHOLD", 50)
# Risk scores (sum of signal weights) at which scoring opens a report, and quarantines when allowed.
WHARF_RISK_REPORT_THRESHOLD = env_int("WHARF_RISK_REPORT_THRESHOLD", 50)
WHARF_RISK_QUARANTINE_THRESHOLD = env_int("WHARF_RISK_QUARANTINE_THRESHOLD", 90)
WHARF_RISK_AUTO_QUARANTINE = env_bool("WHARF_RISK_AUTO_QUARANTINE", False)
# "Popular" projects new names are compared with: this many public projects with the most releases.
WHARF_RISK_POPULAR_PROJECTS = env_int("WHARF_RISK_POPULAR_PROJECTS", 100)


def _site_url_from_bind(bind: str) -> str:
    """The address `make run` serves on (WHARF_BIND, gunicorn's `HOST:PORT`), as a link others can open.

    A wildcard host (`0.0.0.0`, `[::]`) becomes the loopback address; a Unix socket or an empty value keeps
    gunicorn's default, 127.0.0.1:8000.
    """
    bind = bind.strip()
    if not bind or bind.startswith(("unix:", "fd://")):
        return "http://127.0.0.1:8000"
    host, colon, port = bind.rpartition(":")
    if not colon or host.endswith("[") or (host.count(":") and not host.startswith("[")):
        host, port = bind, "8000"  # no port given (or a bare IPv6 address): gunicorn's default port
    host = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    return f"http://{host}:{port}"


# Absolute address of the site: every link in an email is built from it (tasks send them outside a request).
# Unset, it follows WHARF_BIND, the address `make run` serves on, so links work on a fresh machine.
WHARF_SITE_URL = (
    os.environ.get("WHARF_SITE_URL", "").strip() or _site_url_from_bind(os.environ.get("WHARF_BIND", ""))
).rstrip("/")
# Pre-rendered Simple pages and .metadata files for nginx (registry/front.py, deploy/nginx.conf); empty: off.
WHARF_FRONT_DIR = os.environ.get("WHARF_FRONT_DIR", "").strip()
# A CDN in front (registry/cdn.py): the purge-by-key endpoint, its token, and the purger (a dotted path; the
# HTTP purger when a URL is set, else none).
WHARF_CDN_PURGE_URL = os.environ.get("WHARF_CDN_PURGE_URL", "").strip()
WHARF_CDN_PURGE_TOKEN = os.environ.get("WHARF_CDN_PURGE_TOKEN", "").strip()
WHARF_CDN_PURGER = os.environ.get("WHARF_CDN_PURGER", "").strip() or (
    "registry.cdn.HttpPurger" if WHARF_CDN_PURGE_URL else "registry.cdn.NullPurger"
)
# Absolute base of file URLs in the Simple and JSON APIs; empty means the request's own host.
WHARF_FILES_URL = os.environ.get("WHARF_FILES_URL", "").strip().rstrip("/")


# --- Trusted publishing (README "Trusted publishing", docs/trusted-publishing.md): the OpenID Connect issuers
# whose CI jobs may trade an ID token for a short-lived upload token. Empty: trusted publishing is off.
OIDC_ISSUER_KINDS = ("github", "gitlab", "generic")


def _oidc_issuers(raw: str) -> list[dict]:
    """WHARF_OIDC_ISSUERS: a JSON list of {"name", "issuer", "jwks_url"?, "audience", "kind"}, checked here so
    a mistake stops the start with its reason instead of refusing every CI job later."""
    if not raw.strip():
        return []
    try:
        entries = json.loads(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"WHARF_OIDC_ISSUERS is not valid JSON: {error}.") from None
    if not isinstance(entries, list):
        raise ImproperlyConfigured("WHARF_OIDC_ISSUERS must be a JSON list of issuer objects.")
    issuers, names, urls = [], set(), set()
    for position, entry in enumerate(entries, start=1):
        where = f"WHARF_OIDC_ISSUERS entry {position}"
        if not isinstance(entry, dict):
            raise ImproperlyConfigured(f"{where} must be an object.")
        unknown = set(entry) - {"name", "issuer", "jwks_url", "audience", "kind"}
        if unknown:
            raise ImproperlyConfigured(f"{where} has unknown keys: {', '.join(sorted(unknown))}.")
        for key in ("name", "issuer", "audience", "kind"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ImproperlyConfigured(f"{where} needs a non-empty string '{key}'.")
        if entry["kind"] not in OIDC_ISSUER_KINDS:
            raise ImproperlyConfigured(f"{where}: 'kind' must be one of {', '.join(OIDC_ISSUER_KINDS)}.")
        if not entry["issuer"].startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"{where}: 'issuer' must be the issuer's URL (the tokens' 'iss').")
        jwks_url = entry.get("jwks_url") or ""
        if not isinstance(jwks_url, str) or (jwks_url and not jwks_url.startswith(("https://", "http://"))):
            raise ImproperlyConfigured(f"{where}: 'jwks_url' must be a URL.")
        if entry["name"] in names or entry["issuer"] in urls:
            raise ImproperlyConfigured(f"{where} repeats the name or issuer URL of an earlier entry.")
        names.add(entry["name"])
        urls.add(entry["issuer"])
        issuers.append({**entry, "jwks_url": jwks_url})
    return issuers


WHARF_OIDC_ISSUERS = _oidc_issuers(os.environ.get("WHARF_OIDC_ISSUERS", ""))

# --- PEP 541 name claims (README "Name claims"): the case's clock, in days.
# Reachability emails to the Owners of an abandoned project, this many days apart (PEP 541: three
# attempts over six weeks).
WHARF_CLAIM_CONTACT_ATTEMPTS = env_int("WHARF_CLAIM_CONTACT_ATTEMPTS", 3)
WHARF_CLAIM_CONTACT_INTERVAL_DAYS = env_int("WHARF_CLAIM_CONTACT_INTERVAL_DAYS", 14)
# A squatting claim waits this long after its courtesy notice.
WHARF_CLAIM_SQUAT_NOTICE_DAYS = env_int("WHARF_CLAIM_SQUAT_NOTICE_DAYS", 7)
# Service level: moderators take the next step on a submitted, reviewed or ready case within this many days.
WHARF_CLAIM_REVIEW_DAYS = env_int("WHARF_CLAIM_REVIEW_DAYS", 7)
# A claimant asked for more information answers within this many days, else the case goes to a decision.
WHARF_CLAIM_INFO_DAYS = env_int("WHARF_CLAIM_INFO_DAYS", 14)
# Owners' answer links (signed) work for this many days.
WHARF_CLAIM_ANSWER_LINK_DAYS = env_int("WHARF_CLAIM_ANSWER_LINK_DAYS", 90)
# Who hears about owners' answers and deadlines; empty: active members of the Moderators group and superusers.
WHARF_MODERATOR_EMAILS = env_list("WHARF_MODERATOR_EMAILS", [])

# --- REST API v1 (/api/v1/, docs/api.md): Django REST framework on the apps' services.
# Calls per API token (or logged-in user; per client IP address for anonymous reads), as "COUNT/PERIOD".
WHARF_API_RATE = os.environ.get("WHARF_API_RATE", "3000/hour")
WHARF_API_ANON_RATE = os.environ.get("WHARF_API_ANON_RATE", "600/hour")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "accounts.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON only: the browsable API's pages carry inline scripts.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.ApiRateThrottle"],
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wharf REST API",
    "DESCRIPTION": (
        "Everything maintainers, moderators and bots do, over HTTP. Authenticate with `Authorization: Bearer "
        "<token>` (or Basic with the user name `__token__`); anonymous callers may use the read endpoints. "
        'Errors are `{"detail": "<one sentence>", "code": "<machine code>"}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs page's assets come from the project (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": False},
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "registry.enums.ProjectStatus",
        "CollaboratorStatusEnum": ["active", "invited"],
        "InvitationStatusEnum": "registry.enums.InvitationStatus",
        "ReportStateEnum": "moderation.enums.ReportState",
        "PendingActionStateEnum": "moderation.enums.PendingActionState",
        "ClaimStateEnum": "moderation.claims.enums.ClaimState",
        "ClaimKindEnum": "moderation.claims.enums.ClaimKind",
        "PendingActionKindEnum": "moderation.enums.PendingActionKind",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.api.error_responses"],
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.MaximumLengthValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# --- django-allauth: sign-up, login, email addresses, password reset, two-factor (accounts issue).
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account_home"
ACCOUNT_ADAPTER = "accounts.adapter.WharfAccountAdapter"
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "add_email": "accounts.forms.AddEmailForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_USERNAME_VALIDATORS = "accounts.validators.USERNAME_VALIDATORS"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USERNAME_MAX_LENGTH = 50
# Answers never tell whether an account or address exists (docs/hostile-inputs.md, J. Accounts).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_AUTHENTICATED_REDIRECT_URL = "/accounts/email/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Creating an API token asks for the password again unless this session logged in or confirmed it within
# ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (allauth's default: 300); adding or removing a two-factor device
# asks unless the password was confirmed within that time (allauth's MFA_REAUTHENTICATION_REQUIRED).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # accounts.emails adds "[Wharf] " to every subject
# Verification links are signed and expire (PyPI: 6 hours).
WHARF_EMAIL_VERIFICATION_HOURS = env_int("WHARF_EMAIL_VERIFICATION_HOURS", 6)
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = WHARF_EMAIL_VERIFICATION_HOURS / 24
# allauth's rate limits, with PyPI's numbers where it has them (Warehouse's `warehouse/config.py`).
# "key" is the login name or email address, "ip" the client address; they live in the (shared) cache.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/5m/ip,10/5m/key",
    "signup": "10/h/ip",
    "reset_password": "20/h/ip,5/d/key",
    "confirm_email": "3/6h/key,20/h/ip",
    "manage_email": "10/m/user",
    "change_password": "5/m/user",
}
# Behind a reverse proxy, the client address is this many entries from the end of X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("WHARF_TRUSTED_PROXY_COUNT", 0)
MFA_ADAPTER = "accounts.adapter.WharfMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_FORMS = {
    "activate_totp": "accounts.forms.ActivateTOTPForm",
    "add_webauthn": "accounts.forms.AddWebAuthnForm",
}
MFA_TOTP_ISSUER = "Wharf"
# Wharf checks for a verified *primary* address itself (accounts.forms); allauth's own check would also stop
# accounts with two-factor from adding a second address.
MFA_ALLOW_UNVERIFIED_EMAIL = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("WHARF_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
