"""How sources are used: a settings file, environment overrides, and API keys in the system keyring."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keyring
import platformdirs
from keyring.errors import KeyringError

from citedesk.model import CitedeskError
from citedesk.sources.base import Source, SourceSettings

log = logging.getLogger(__name__)
CONFIG_ENV = "CITEDESK_CONFIG"  # a folder; tests point it at tmp_path
KEYRING_SERVICE = "CiteDesk"
DEFAULT_MAX_AGE_DAYS = 30.0


@dataclass
class Settings:
    """Everything refreshes need to know, as the person set it."""

    max_age_days: float = DEFAULT_MAX_AGE_DAYS
    mailto: str | None = None
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # per source: enabled, url, requests_per_second

    def is_enabled(self, name: str) -> bool:
        return bool(self.sources.get(name, {}).get("enabled", True))

    def source_settings(self, source: type[Source]) -> SourceSettings:
        """The settings of one source: environment over the settings file over its defaults."""
        own = self.sources.get(source.name, {})
        prefix = f"CITEDESK_{source.name.upper()}_"
        return SourceSettings(
            url=os.environ.get(prefix + "URL") or own.get("url") or source.default_url,
            key=api_key(source.name),
            mailto=os.environ.get("CITEDESK_MAILTO") or self.mailto,
            requests_per_second=_number(
                os.environ.get(prefix + "RATE"), own.get("requests_per_second"), source.requests_per_second
            ),
            enabled=self.is_enabled(source.name),
            timeout=_number(os.environ.get(prefix + "TIMEOUT"), own.get("timeout"), 20.0),
            retries=int(_number(os.environ.get(prefix + "RETRIES"), own.get("retries"), 4)),
        )


def _number(*candidates: str | float | None) -> float:
    """The first candidate that is a number (or a string of one); a rate of 0 is a real value."""
    for candidate in candidates:
        if candidate is None or candidate == "":
            continue
        try:
            return float(candidate)
        except (TypeError, ValueError):
            raise CitedeskError(f"{candidate!r} is not a number (in the sources settings or the environment)") from None
    raise CitedeskError("a number is missing in the sources settings")


def config_folder() -> Path:
    named = os.environ.get(CONFIG_ENV)
    return Path(named) if named else Path(platformdirs.user_config_dir("CiteDesk", appauthor=False))


def settings_path() -> Path:
    return config_folder() / "sources.json"


def load_settings() -> Settings:
    """The settings file, or the defaults when there is none; a broken file is a clear error."""
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        raise CitedeskError(f"The settings file {path} cannot be read ({exc}); fix or delete it") from None
    if not isinstance(data, dict):
        raise CitedeskError(f"The settings file {path} is not a JSON object; fix or delete it")
    return Settings(
        max_age_days=float(data.get("max_age_days", DEFAULT_MAX_AGE_DAYS)),
        mailto=data.get("mailto") or None,
        sources={name: dict(value) for name, value in (data.get("sources") or {}).items() if isinstance(value, dict)},
    )


def save_settings(settings: Settings) -> None:
    """Write the settings file (never an API key: those live in the keyring)."""
    path = settings_path()
    write_settings_file(
        path, {"max_age_days": settings.max_age_days, "mailto": settings.mailto, "sources": settings.sources}
    )


def write_settings_file(path: Path, data: dict[str, Any]) -> None:
    """Write a JSON settings file whole or not at all; a failure is one sentence."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        raise CitedeskError(f"Cannot save the settings to {path}: {exc.strerror or exc}") from None


def api_key(name: str) -> str | None:
    """A source's API key: $CITEDESK_<NAME>_KEY, else the system keyring, else none."""
    from_environment = os.environ.get(f"CITEDESK_{name.upper()}_KEY")
    if from_environment:
        return from_environment
    try:
        return keyring.get_password(KEYRING_SERVICE, name)
    except (KeyringError, RuntimeError) as exc:
        log.info("no keyring available for %s: %s", name, type(exc).__name__)
        return None


def set_api_key(name: str, key: str | None) -> None:
    """Keep a source's API key in the system keyring (None removes it)."""
    try:
        if key:
            keyring.set_password(KEYRING_SERVICE, name, key)
        else:
            keyring.delete_password(KEYRING_SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        return
    except (KeyringError, RuntimeError):
        raise CitedeskError(
            f"No system keyring is available to keep the key safely; set CITEDESK_{name.upper()}_KEY "
            "in the environment instead"
        ) from None
