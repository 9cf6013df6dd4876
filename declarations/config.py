"""Typed configuration defaults. Deployment values come from instance/config.py and the environment."""
from __future__ import annotations

import os
from pathlib import Path

#: Values that must never reach production.
INSECURE_SECRETS = {"", "dev", "change-me", "secret", "test"}


class DefaultConfig:
    SECRET_KEY: str | None = None              # no usable default: instance/config.py or SECRET_KEY
    DATABASE_URL: str | None = None            # default: SQLite at instance/declarations.sqlite
    UPLOAD_FOLDER: str | None = None           # default: instance/uploads
    MAX_WORKBOOK_BYTES: int = 10 * 1024 * 1024  # Issue 3: 10 MB by default
    MAX_UNCOMPRESSED_BYTES: int = 100 * 1024 * 1024
    MAX_COMPRESSION_RATIO: int = 100
    MAX_BATCH_BYTES: int = 200 * 1024 * 1024   # a .zip or several files in one request
    MAX_ERRORS_PER_WORKBOOK: int = 200
    PERMANENT_SESSION_LIFETIME: int = 8 * 3600  # seconds; sessions expire after a working day
    SESSION_COOKIE_HTTPONLY: bool = True
    SESSION_COOKIE_SAMESITE: str = "Lax"
    LOGIN_MAX_FAILURES: int = 5
    LOGIN_LOCK_SECONDS: int = 15 * 60
    BABEL_DEFAULT_LOCALE: str = "vi"
    BABEL_DEFAULT_TIMEZONE: str = "Asia/Ho_Chi_Minh"
    TIMEZONE: str = "Asia/Ho_Chi_Minh"
    PROVINCE_NAME: str = "Tỉnh Demo"
    PAGE_SIZE: int = 50
    SCHEDULER_ENABLED: bool = False            # only `declarations scheduler` turns it on
    MAIL_SERVER: str | None = None             # e-mail off unless configured
    MAIL_PORT: int = 25
    MAIL_SENDER: str = "thanhtra@localhost"
    WTF_CSRF_TIME_LIMIT: int | None = None


#: Environment variables read over the instance config, with their types.
ENVIRONMENT: dict[str, type] = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "UPLOAD_FOLDER": str,
    "MAX_WORKBOOK_BYTES": int,
    "PROVINCE_NAME": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_SENDER": str,
}


def load(app, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then the environment, then `test_config` (tests only)."""
    app.config.from_object(DefaultConfig)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name, kind in ENVIRONMENT.items():
            raw = os.environ.get(name)
            if raw:
                app.config[name] = kind(raw)
    else:
        app.config.update(test_config)
    instance = Path(app.instance_path)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'declarations.sqlite'}"
    if not app.config.get("UPLOAD_FOLDER"):
        app.config["UPLOAD_FOLDER"] = str(instance / "uploads")
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BATCH_BYTES"]


class ConfigError(RuntimeError):
    """The configuration is unusable; the message says how to fix it."""


def require_secret(app) -> None:
    """Outside debug and tests, refuse to start without a real SECRET_KEY (STYLE habit 2)."""
    if app.debug or app.testing:
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = os.urandom(32).hex()
        return
    secret = app.config.get("SECRET_KEY") or ""
    if secret in INSECURE_SECRETS or len(secret) < 16:
        raise ConfigError(
            "SECRET_KEY is not set. Set a long random value, e.g.\n"
            "  export SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')\n"
            f"or put SECRET_KEY = '...' in {Path(app.instance_path) / 'config.py'}"
        )
