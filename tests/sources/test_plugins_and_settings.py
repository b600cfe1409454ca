"""Sources as plug-ins (the registry, and sources written for the old `citedesk.sources` entry-point group) and
their settings, keys and environment."""

from __future__ import annotations

import json
import types

import keyring
import pytest
from keyring.backend import KeyringBackend

from citedesk import plugins
from citedesk.jobs import sources_panel
from citedesk.model import CitedeskError, PaperRef, SourceResult
from citedesk.sources import registry
from citedesk.sources.base import Source
from citedesk.sources.hookspecs import hookimpl
from citedesk.sources.semanticscholar import SemanticScholar
from citedesk.sources.settings import api_key, load_settings, save_settings, settings_path

BUILT_IN = ["semanticscholar", "openalex", "crossref", "opencitations", "scite"]


class Library(Source):
    """A third party's source, as a plug-in would provide it."""

    name = "mylibrary"
    label = "My Library"
    default_url = "https://example.org/api"
    requests_per_second = 2.0

    def fetch(self, paper: PaperRef, cancelled) -> SourceResult:
        return SourceResult(self.name, found=False)


class EntryPoint:
    def __init__(self, name: str, plugin=None, error: Exception | None = None) -> None:
        self.name, self.value, self.plugin, self.error = name, f"{name}_package:plugin", plugin, error

    def load(self):
        if self.error:
            raise self.error
        return self.plugin


def plugin_module(*classes) -> types.ModuleType:
    module = types.ModuleType("third_party_plugin")
    module.citedesk_sources = hookimpl(lambda: list(classes))
    return module


@pytest.fixture
def entry_points(monkeypatch):
    points: list[EntryPoint] = []
    monkeypatch.setattr(plugins, "entry_points", lambda group: points if group == "citedesk.sources" else [])
    return points


@pytest.fixture(autouse=True)
def config(monkeypatch, tmp_path):
    monkeypatch.setenv("CITEDESK_CONFIG", str(tmp_path / "config"))
    for name in [*BUILT_IN, "mylibrary"]:
        for suffix in ("URL", "KEY", "RATE", "TIMEOUT", "RETRIES"):
            monkeypatch.delenv(f"CITEDESK_{name.upper()}_{suffix}", raising=False)


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in memory, for tests."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_the_built_in_sources_come_first(entry_points):
    installed = plugins.build_registry()
    assert list(installed.sources) == BUILT_IN
    assert {installed.origin("sources", name) for name in installed.sources} == {"built-in"} and installed.broken == []


def test_a_source_written_for_the_old_group_is_installed_as_a_peer_of_the_built_ins(entry_points):
    entry_points.append(EntryPoint("mylibrary", plugin_module(Library)))
    installed = plugins.build_registry()
    assert list(installed.sources) == [*BUILT_IN, "mylibrary"]
    assert installed.origin("sources", "mylibrary") == "mylibrary_package"  # the package, when it has no metadata
    row = next(row for row in sources_panel.describe_sources(registry=installed) if row.name == "mylibrary")
    assert (row.label, row.url, row.enabled, row.origin) == (
        "My Library",
        "https://example.org/api",
        True,
        "mylibrary_package",
    )
    old = registry.installed_sources(installed)  # the sources' registry of before, still importable
    assert list(old.sources) == list(installed.sources) and old.origins["mylibrary"] == "mylibrary_package"
    assert Library.asks_about(PaperRef(1, "k", doi="10.1000/x")) and not Library.asks_about(PaperRef(1, "k"))


def test_broken_plugins_are_reported_not_fatal(entry_points):
    entry_points.append(EntryPoint("crashes", error=ImportError("No module named 'missing'")))
    entry_points.append(EntryPoint("impostor", plugin_module(SemanticScholar, object)))
    installed = plugins.build_registry()
    assert list(installed.sources) == BUILT_IN
    assert any("crashes" in line and "missing" in line for line in installed.broken)
    assert any("already installed" in line for line in installed.broken)
    assert any("is not a source" in line for line in installed.broken)


def test_settings_round_trip_without_keys(memory_keyring):
    changes = sources_panel.change_settings(disable=["crossref"], mailto="me@example.org", max_age_days=7)
    assert changes == [
        "disabled crossref",
        "e-mail for polite pools: me@example.org",
        "a refresh skips papers fetched within 7 days",
    ]
    sources_panel.set_key("openalex", "  sk-secret  ")
    settings = load_settings()
    assert (settings.max_age_days, settings.mailto, settings.is_enabled("crossref"), settings.is_enabled("scite")) == (
        7,
        "me@example.org",
        False,
        True,
    )
    assert "sk-secret" not in settings_path().read_text(encoding="utf-8")
    assert api_key("openalex") == "sk-secret"
    assert [row.has_key for row in sources_panel.describe_sources()] == [False, True, False, False, False]
    sources_panel.set_key("openalex", None)
    assert api_key("openalex") is None


def test_the_environment_wins(monkeypatch, memory_keyring):
    save_settings(load_settings())
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_URL", "http://127.0.0.1:9/s2")
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_KEY", "from-env")
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_RATE", "0")
    own = load_settings().source_settings(SemanticScholar)
    assert (own.url, own.key, own.requests_per_second) == ("http://127.0.0.1:9/s2", "from-env", 0.0)


def test_defaults_follow_each_source(memory_keyring):
    own = load_settings().source_settings(SemanticScholar)
    assert (own.url, own.key, own.requests_per_second, own.timeout) == (SemanticScholar.default_url, None, 1.0, 20.0)


def test_bad_settings_are_clear_errors(monkeypatch):
    settings_path().parent.mkdir(parents=True)
    settings_path().write_text("{not json", encoding="utf-8")
    with pytest.raises(CitedeskError, match="cannot be read"):
        load_settings()
    settings_path().write_text(json.dumps({"sources": {"scite": {"requests_per_second": "fast"}}}), encoding="utf-8")
    with pytest.raises(CitedeskError, match="'fast' is not a number"):
        load_settings().source_settings(plugins.build_registry().sources["scite"])
    with pytest.raises(CitedeskError, match="No source called nosuch"):
        sources_panel.change_settings(enable=["nosuch"])
    with pytest.raises(CitedeskError, match="empty"):
        sources_panel.set_key("scite", "   ")
