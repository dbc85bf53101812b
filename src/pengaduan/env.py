"""Tiny helpers that read settings from the environment and fail loudly on nonsense."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int_map(name: str) -> dict[str, int]:
    """`a=5,b=15` → {"a": 5, "b": 15}."""
    result = {}
    for item in env_list(name, []):
        key, _sep, raw = item.partition("=")
        try:
            result[key.strip()] = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must look like name=minutes,name=minutes, not {item!r}") from None
    return result


def data_dir() -> Path:
    path = Path(os.environ.get("PENGADUAN_DATA_DIR", Path.cwd() / "data")).resolve()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    # The database, uploads, mail files and the secret key live here: the service's own user only.
    if path.stat().st_uid == os.getuid() and path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def secret_key(directory: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data directory."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()
