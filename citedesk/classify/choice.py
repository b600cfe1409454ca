"""Which stance classifier labels the library's statements: a setting in the config folder's settings.json,
chosen with `citedesk classify --classifier NAME` or the window's Citations menu."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from citedesk.classify.builtin import DEFAULT
from citedesk.classify.plugin import StanceClassifier
from citedesk.model import CitedeskError
from citedesk.plugins import Registry
from citedesk.sources.settings import config_folder, write_settings_file

log = logging.getLogger(__name__)
KEY = "classifier"


def settings_path() -> Path:
    return config_folder() / "settings.json"


def chosen_name() -> str:
    """The name of the classifier the person chose; the default until they choose one."""
    name = _read().get(KEY)
    return name if isinstance(name, str) and name else DEFAULT


def in_use(registry: Registry) -> StanceClassifier:
    """The chosen classifier; the default when the chosen one is no longer installed (its plug-in removed)."""
    name = chosen_name()
    if name not in registry.classifiers:
        log.warning("the classifier %r is not installed; %r is used instead", name, DEFAULT)
        name = DEFAULT
    return registry.classifiers[name]


def choose(name: str, registry: Registry) -> StanceClassifier:
    """Make the named classifier the one used from now on (statements it has not labelled are labelled again)."""
    if name not in registry.classifiers:
        raise CitedeskError(f"No classifier called {name}; installed: {', '.join(registry.classifiers)}")
    write_settings_file(settings_path(), {**_read(), KEY: name})
    return registry.classifiers[name]


def _read() -> dict[str, Any]:
    """The settings; none when the file is missing or cannot be read (the next choice writes it anew)."""
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("the settings file %s cannot be read (%s); the default classifier is used", path, exc)
        return {}
    return data if isinstance(data, dict) else {}
