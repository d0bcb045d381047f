"""Configuration classes. This is the only module that reads the environment."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

DEV_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105 - refused in production


def normalize_database_url(url: str) -> str:
    """psycopg 3 is the PostgreSQL driver; accept the common short forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _database_url(default: str) -> str:
    return normalize_database_url(os.environ.get("DATABASE_URL") or default)


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    INSTANCE_PATH = str(INSTANCE_DIR)
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'app.db'}")
    # hide_parameters: SQL errors and SQL logging never show the values (they may be PHI).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}
    # A pooled PostgreSQL connection is pinged before use when its socket shows the server hung
    # up or it has been idle this long (models/engine.py), not on every checkout.
    DB_PING_AFTER_IDLE_SECONDS = float(os.environ.get("DB_PING_AFTER_IDLE_SECONDS", "1"))
    # SQLite: how long a writer waits for the lock before failing (milliseconds).
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "30000"))

    # Requests larger than this answer 413.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(256 * 1024)))

    # flask-restx: marshmallow validates; restx only routes and documents.
    RESTX_INCLUDE_ALL_MODELS = True
    RESTX_ERROR_404_HELP = False
    RESTX_MASK_SWAGGER = False
    PROPAGATE_EXCEPTIONS = True

    # Tokens: patients slide over 90 days, staff live 12 h with an idle timeout.
    PATIENT_TOKEN_TTL = timedelta(days=int(os.environ.get("PATIENT_TOKEN_TTL_DAYS", "90")))
    STAFF_TOKEN_TTL = timedelta(hours=int(os.environ.get("STAFF_TOKEN_TTL_HOURS", "12")))
    STAFF_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("STAFF_IDLE_TIMEOUT_MIN", "30")))
    INVITATION_TTL = timedelta(days=7)

    # argon2id parameters (RFC 9106 second recommended option).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4

    # Rate limits (flask-limiter). memory:// is per process; use Redis in production.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    ENROLL_RATE_LIMIT = os.environ.get("ENROLL_RATE_LIMIT", "10 per minute")
    # Reverse proxies in front of gunicorn that set X-Forwarded-For/-Proto/-Host (ProxyFix);
    # 0 trusts no such header, so a client cannot choose the address rate limits see.
    PROXY_FIX_HOPS = int(os.environ.get("PROXY_FIX_HOPS", "0"))
    # Origins allowed to call the API from a browser (CORS), comma-separated; empty: none.
    CORS_ORIGINS = tuple(
        o.strip().rstrip("/") for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()
    )

    # Where invitation links point (the patient app); defaults to the request's host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    PWA_DIST = Path(os.environ.get("PWA_DIST", BASE_DIR / "pwa" / "dist"))
    DEMO_TIMEZONE = "America/New_York"

    # Web Push (VAPID, RFC 8292). Unset outside production: a pair is generated once and kept
    # in instance/vapid.json. Production: `flask --app wsgi push generate-vapid-keys`.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
    VAPID_PUBLIC_KEY = os.environ.get("VAPID_PUBLIC_KEY", "")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "")  # mailto: or https: contact
    PUSH_TTL_SECONDS = int(os.environ.get("PUSH_TTL_SECONDS", str(12 * 3600)))
    PUSH_TIMEOUT_SECONDS = float(os.environ.get("PUSH_TIMEOUT_SECONDS", "10"))
    PUSH_URGENCY = "normal"
    PUSH_WORKERS = int(os.environ.get("PUSH_WORKERS", "8"))
    PUSH_MAX_ATTEMPTS = int(os.environ.get("PUSH_MAX_ATTEMPTS", "3"))
    PUSH_RETRY_BASE_SECONDS = int(os.environ.get("PUSH_RETRY_BASE_SECONDS", "60"))
    # Reminders: the scheduler's tick, the follow-up, how long a claimed send may take. Keep
    # the lease above a batch's worst send time (batch / PUSH_WORKERS x timeout, ~125 s here).
    REMINDER_TICK_SECONDS = int(os.environ.get("REMINDER_TICK_SECONDS", "60"))
    REMINDER_FOLLOWUP_HOURS = float(os.environ.get("REMINDER_FOLLOWUP_HOURS", "3"))
    REMINDER_BATCH_SIZE = int(os.environ.get("REMINDER_BATCH_SIZE", "100"))
    REMINDER_SEND_LEASE_SECONDS = int(os.environ.get("REMINDER_SEND_LEASE_SECONDS", "300"))
    MISSED_CHECKIN_INTERVAL_MINUTES = int(os.environ.get("MISSED_CHECKIN_INTERVAL_MINUTES", "60"))

    @classmethod
    def check(cls) -> None:
        """Refuse settings that are unsafe for this environment."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    # The suite runs on SQLite unless TEST_DATABASE_URL names a PostgreSQL database.
    SQLALCHEMY_DATABASE_URI = normalize_database_url(
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'test.db'}"
    )
    # Cheap hashing in tests only.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(Config):
    ENV_NAME = "production"

    @classmethod
    def check(cls) -> None:
        if cls.SECRET_KEY == DEV_SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("Set SECRET_KEY (32+ random characters) in production.")
        if "DATABASE_URL" not in os.environ:
            raise RuntimeError("Set DATABASE_URL in production.")
        if cls.RATELIMIT_ENABLED and cls.RATELIMIT_STORAGE_URI.startswith("memory://"):
            raise RuntimeError(
                "Set RATELIMIT_STORAGE_URI (redis://...) in production: memory:// counts "
                "per worker process, so each gunicorn worker would allow the full rate."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by APP_ENV (development by default)."""
    name = os.environ.get("APP_ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {sorted(CONFIGS)}")
    return CONFIGS[name]
