"""The plug-in registry: the built-ins register like a third party; a plug-in that cannot be loaded, a hook
that fails, a thing of the wrong type or API version, or a name already taken is one line in `broken`, and
everything else keeps working; sources written for the old `citedesk.sources` group still load."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from citedesk import plugins
from citedesk.classify.plugin import StanceClassifier, Verdict
from citedesk.commands import Command
from citedesk.commands_builtin import plugin_lines
from citedesk.formats.base import Format
from citedesk.library.facets import Facet
from citedesk.model import PaperRef, Stance
from citedesk.plugins import build_registry, hookimpl

BUILT_IN_SOURCES = ["semanticscholar", "openalex", "crossref", "opencitations", "scite"]


class Tiny(StanceClassifier):
    name, version = "tiny", "tiny-1"

    def classify(self, sentences):
        return [Verdict(Stance.MENTIONING, 0.5) for _ in sentences]


class FromTheFuture(Tiny):
    name, api_version = "future", 2


class Hello(Command):
    name, help = "hello", "say hello"

    def run(self, args, registry):
        print("hello")
        return 0


def plugin(name: str, **hooks) -> types.ModuleType:
    """A plug-in module implementing the given hooks (each returns its list)."""
    module = types.ModuleType(name)
    for hook, things in hooks.items():
        setattr(module, hook, hookimpl(things if callable(things) else (lambda things=things: things)))
    return module


class EntryPoint:
    """An installed package's entry point, as importlib.metadata gives it (without a distribution)."""

    def __init__(self, name: str, group: str, loaded=None, error: Exception | None = None) -> None:
        self.name, self.group, self.value, self.loaded, self.error = (
            name,
            group,
            f"{name}_package:plugin",
            loaded,
            error,
        )

    def load(self):
        if self.error:
            raise self.error
        return self.loaded


@pytest.fixture
def installed(monkeypatch):
    """The entry points the registry finds: none but those a test adds."""
    points: list[EntryPoint] = []
    monkeypatch.setattr(plugins, "entry_points", lambda group: [p for p in points if p.group == group])
    return points


def test_the_built_ins_register_through_the_hooks(installed):
    registry = build_registry()
    assert list(registry.sources) == BUILT_IN_SOURCES
    assert {"bibtex", "ris", "csljson"} <= set(registry.formats)
    assert list(registry.classifiers) == ["linear", "minilm"]
    assert list(registry.facets) == ["section", "year", "type", "relationship", "author", "venue"]
    assert list(registry.commands) == [
        "plugins",
        "cite",
        "watch",
        "unwatch",
        "news",
        "attach",
        "attachment-folder",
        "share",
        "sync",
    ]
    assert {info.origin for info in registry.plugins} == {plugins.BUILT_IN} and registry.broken == []


def test_a_plug_in_that_raises_on_import_is_one_line(installed):
    installed.append(EntryPoint("crashes", "citedesk", error=ImportError("No module named 'numpy2'")))
    installed.append(EntryPoint("fine", "citedesk", plugin("fine", citedesk_classifiers=[Tiny()])))
    registry = build_registry()
    assert registry.broken == ["crashes: could not be loaded (ImportError: No module named 'numpy2')"]
    assert "tiny" in registry.classifiers and list(registry.sources) == BUILT_IN_SOURCES


def test_a_hook_that_raises_is_one_line_and_the_plug_ins_other_hooks_still_count(installed):
    def failing():
        raise RuntimeError("a bug")

    installed.append(
        EntryPoint("half", "citedesk", plugin("half", citedesk_formats=failing, citedesk_classifiers=[Tiny()]))
    )
    registry = build_registry()
    assert registry.broken == ["half: citedesk_formats failed (RuntimeError: a bug)"]
    assert "tiny" in registry.classifiers


def test_a_thing_of_the_wrong_type_or_api_version_or_a_taken_name_is_refused(installed):
    installed.append(
        EntryPoint(
            "odd",
            "citedesk",
            plugin(
                "odd",
                citedesk_formats=["not a format"],
                citedesk_classifiers=[FromTheFuture(), Tiny()],
                citedesk_statement_facets=[Facet("section", "Section again", lambda item: ())],
                citedesk_sources=[Tiny],
            ),
        )
    )
    registry = build_registry()
    assert registry.broken == [
        "odd: <class 'test_plugins.Tiny'> is not a source (a named Source)",
        "odd: 'not a format' is not a format (a named Format)",
        "odd: the classifier 'future' is built for plug-in API 2, not 1",
        "odd: a facet named 'section' is already installed",
    ]
    assert "tiny" in registry.classifiers and registry.facets["section"].label == "Section"  # the built-in stays


def test_the_package_a_thing_comes_from_is_its_origin(installed, tmp_path, monkeypatch):
    (tmp_path / "greeting.py").write_text(
        "from citedesk.commands import Command\nfrom citedesk.plugins import hookimpl\n\n"
        "class Hello(Command):\n    name, help = 'hello', 'say hello'\n\n"
        "    def run(self, args, registry):\n        print('hello')\n        return 0\n\n"
        "@hookimpl\ndef citedesk_commands():\n    return [Hello()]\n",
        encoding="utf-8",
    )
    info = tmp_path / "greeting-3.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: greeting\nVersion: 3.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[citedesk]\ngreeting = greeting\n", encoding="utf-8")
    monkeypatch.undo()  # the real entry points, with this folder on the path
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = build_registry()
    hello = next(info for info in registry.plugins if info.name == "hello")
    assert (hello.kind, hello.version, hello.origin) == ("commands", "3.0", "greeting")
    assert "command     hello              3.0                  greeting" in plugin_lines(registry)


def test_a_source_written_for_the_old_group_still_loads(tmp_path, monkeypatch):
    (tmp_path / "oldstyle_plugin.py").write_text(
        "from citedesk.sources.base import Source\nfrom citedesk.sources.hookspecs import hookimpl\n"
        "from citedesk.model import SourceResult\n\n"
        "class OldStyle(Source):\n"
        "    name, label, default_url, requests_per_second = 'oldstyle', 'Old Style', 'https://example.org', 1.0\n\n"
        "    def fetch(self, paper, cancelled):\n        return SourceResult(self.name, found=False)\n\n"
        "@hookimpl\ndef citedesk_sources():\n    return [OldStyle]\n",
        encoding="utf-8",
    )
    info = tmp_path / "oldstyle-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: oldstyle\nVersion: 0.3\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[citedesk.sources]\noldstyle = oldstyle_plugin\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = build_registry()
    assert list(registry.sources) == [*BUILT_IN_SOURCES, "oldstyle"] and registry.broken == []
    assert registry.origin("sources", "oldstyle") == "oldstyle"
    source = registry.sources["oldstyle"]
    assert source.asks_about(PaperRef(1, "k", doi="10.1000/x")) and source.lookup_ids(PaperRef(1, "k")) == []
    from citedesk.sources.registry import installed_sources  # the old way to ask, still there

    assert "oldstyle" in installed_sources(registry).sources


def test_a_registered_command_is_a_subcommand_and_its_bug_one_line(installed, capsys):
    from citedesk import cli

    class Broken(Command):
        name, help = "broken", "fails"

        def run(self, args, registry):
            raise KeyError("oops")

    class Import(Hello):
        name = "import"  # a built-in command's name

    installed.append(EntryPoint("extra", "citedesk", plugin("extra", citedesk_commands=[Hello(), Broken(), Import()])))
    assert cli.main(["hello"]) == 0 and capsys.readouterr().out == "hello\n"
    assert cli.main(["broken"]) == 1
    assert capsys.readouterr().err == "citedesk: the command 'broken' failed (KeyError: 'oops')\n"
    cli.main(["plugins"])
    assert "broken plug-in: extra: a command named 'import' is already built in" in capsys.readouterr().out


def test_plugins_lists_a_broken_plug_in_in_one_line_and_no_traceback(tmp_path):
    (tmp_path / "broken_plugin.py").write_text("import no_such_module\n", encoding="utf-8")
    info = tmp_path / "broken_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[citedesk]\nbroken = broken_plugin\n", encoding="utf-8")
    env = {
        "PYTHONPATH": str(tmp_path),
        "CITEDESK_CONFIG": str(tmp_path / "config"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "citedesk", "plugins"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0 and done.stderr == ""
    broken = [line for line in done.stdout.splitlines() if line.startswith("broken plug-in:")]
    assert broken == [
        "broken plug-in: broken: could not be loaded (ModuleNotFoundError: No module named 'no_such_module')"
    ]
    assert any(line.startswith("source      semanticscholar") for line in done.stdout.splitlines())


def test_a_format_needs_to_be_a_format_instance(installed):
    class Shapeless(Format):
        name, label, extensions = "shapeless", "Shapeless", (".shp",)

    installed.append(EntryPoint("formats", "citedesk", plugin("formats", citedesk_formats=[Shapeless, Shapeless()])))
    registry = build_registry()
    assert "shapeless" in registry.formats and len(registry.broken) == 1 and "is not a format" in registry.broken[0]
