"""End to end through the real command line: `python -m citedesk ...` as a subprocess, on small real
.bib files from the shared corpus, with every library under tmp_path (never the person's own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
BIBTEX = SHARED / "corpus" / "bibtex"
BIBTEXPARSER = BIBTEX / "python-bibtexparser" / "v1" / "bibtexparser" / "tests" / "data"
JABREF = BIBTEX / "jabref" / "jablib" / "src" / "test" / "resources" / "org" / "jabref" / "logic"

STRINGS = BIBTEXPARSER / "article_with_strings.bib"  # @string macros and # concatenation: Cesar2013
CP1252 = JABREF / "importer" / "fileformat" / "encoding-windows-1252-with-header.bib"  # keyless, jabref-meta
LATIN1 = BIBTEX / "biber" / "t" / "tdata" / "encoding3.bib"  # latin-1 without header: test1, "Söme title"
ERRORS = BIBTEX / "text-bibtex-btparse" / "t" / "errors.bib"  # one block that fails, at line 1
JABREF_META = (
    BIBTEX
    / "jabref"
    / "jabkit"
    / "src"
    / "test"
    / "resources"
    / "org"
    / "jabref"
    / "toolkit"
    / "commands"
    / "ArgumentProcessorTestExportMatches.bib"
)  # Einstein1920 and @Comment{jabref-meta: ...}
ACCENTS = JABREF / "importer" / "fileformat" / "BibtexImporter.examples.bib"  # aksin: {\"O}zge; Preissel2016
BOM = BIBTEXPARSER / "book_bom.bib"  # UTF-8 with BOM: Bird1987
OTHER_KEYLESS = JABREF / "exporter" / "MsBibShorttitle.bib"  # another entry without a key

ALL_FILES = (STRINGS, CP1252, LATIN1, ERRORS, JABREF_META, ACCENTS, BOM)
ALL_KEYS = ("Cesar2013", "test1", "Einstein1920", "Preissel2016", "set", "stdmodel", "aksin", "Bird1987")
ALL_ENTRIES = len(ALL_KEYS) + 1  # and the keyless entry of CP1252

HOSTILE_QUERIES = ['"', "AND(", "*", 'title:"unbalanced', "NEAR(a b", "-"]


def run(
    *args: object, env: dict[str, str], check_ok: bool = True, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run `python -m citedesk ARGS`; never a traceback, and exit 0 unless check_ok is False."""
    result = subprocess.run(
        [sys.executable, "-m", "citedesk", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    if check_ok:
        assert result.returncode == 0, f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """The single `citedesk: ...` line of a command that failed cleanly with exit 1."""
    assert result.returncode == 1, result
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("citedesk: "), result.stderr
    return lines[0]


def make_env(library: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CITEDESK_LIBRARY"] = str(library)
    return env


def listed_keys(result: subprocess.CompletedProcess) -> list[str]:
    return [line.split(" ", 1)[0] for line in result.stdout.splitlines()]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh, empty library under tmp_path, named by $CITEDESK_LIBRARY."""
    return make_env(tmp_path / "library" / "library.sqlite")


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], subprocess.CompletedProcess]:
    """One library with every corpus file imported, shared by the tests that only read it."""
    folder = tmp_path_factory.mktemp("filled")
    env = make_env(folder / "library.sqlite")
    return env, run("import", *ALL_FILES, env=env, cwd=folder)


@pytest.fixture
def filled_env(filled) -> dict[str, str]:
    return filled[0]


# ---------------------------------------------------------------- import


def test_import_prints_summary_and_reports_failed_blocks(filled) -> None:
    _, result = filled
    assert result.stdout.splitlines() == [
        f"Imported {ALL_ENTRIES} entries from {len(ALL_FILES)} files; 0 duplicates skipped, 1 block failed to parse."
    ]
    problems = [line for line in result.stderr.splitlines() if "without a key" not in line]
    assert len(problems) == 1, result.stderr
    prefix = f"{ERRORS}:1: failed to parse: "
    assert problems[0].startswith(prefix) and len(problems[0]) > len(prefix), problems


def test_import_of_jabref_file_keeps_its_meta_comment_out_of_the_papers(env, tmp_path) -> None:
    result = run("import", JABREF_META, env=env, cwd=tmp_path)
    assert result.stdout.strip() == "Imported 1 entry from 1 file; 0 duplicates skipped, 0 blocks failed to parse."
    assert result.stderr == ""
    assert listed_keys(run("list", env=env)) == ["Einstein1920"]


def test_second_import_reports_duplicates_and_imports_nothing(env, tmp_path) -> None:
    run("import", STRINGS, LATIN1, env=env, cwd=tmp_path)
    before = run("stats", env=env).stdout

    again = run("import", STRINGS, LATIN1, env=env, cwd=tmp_path)

    assert again.stdout.strip() == "Imported 0 entries from 2 files; 2 duplicates skipped, 0 blocks failed to parse."
    assert again.stderr.splitlines() == [
        f"{STRINGS}:5: skipped Cesar2013: the citation key 'Cesar2013' is already in the library",
        f"{LATIN1}:4: skipped test1: the citation key 'test1' is already in the library",
    ]
    assert listed_keys(run("list", env=env)) == ["Cesar2013", "test1"]
    papers = [line for line in run("stats", env=env).stdout.splitlines() if line.startswith("Papers:")]
    assert papers == [line for line in before.splitlines() if line.startswith("Papers:")]
    assert papers[0].split()[-1] == "2"


def test_allow_duplicates_imports_under_a_suffixed_key(env, tmp_path) -> None:
    run("import", STRINGS, env=env, cwd=tmp_path)

    result = run("import", "--allow-duplicates", STRINGS, env=env, cwd=tmp_path)

    assert result.stdout.startswith("Imported 1 entry from 1 file; 0 duplicates skipped")
    assert "imported duplicate Cesar2013 as Cesar2013-2" in result.stderr.splitlines()
    assert listed_keys(run("list", env=env)) == ["Cesar2013", "Cesar2013-2"]
    shown = run("show", "Cesar2013-2", env=env).stdout
    assert shown.startswith("Cesar2013-2  (@article)")
    assert "An amazing title" in shown


def test_entries_without_a_key_are_not_duplicates_of_each_other(env, tmp_path) -> None:
    """Two different JabRef entries written as `@Article{,`: neither is a copy of the other."""
    result = run("import", CP1252, OTHER_KEYLESS, env=env, cwd=tmp_path)
    assert "0 duplicates skipped" in result.stdout, result.stderr
    assert result.stdout.startswith("Imported 2 entries")


@pytest.mark.parametrize(
    "make_args",
    [
        pytest.param(lambda tmp: ["import", tmp / "missing.bib"], id="missing-file"),
        pytest.param(lambda tmp: ["import", STRINGS, tmp / "missing.bib"], id="good-and-missing-file"),
        pytest.param(lambda tmp: ["import", tmp], id="directory"),
        pytest.param(lambda tmp: ["--library", "/proc/nope/lib.sqlite", "import", STRINGS], id="unwritable-library"),
        pytest.param(lambda tmp: ["import", "--library", tmp, STRINGS], id="library-is-a-folder"),
    ],
)
def test_import_that_cannot_start_says_why_and_changes_nothing(make_args, env, tmp_path) -> None:
    run("import", LATIN1, env=env, cwd=tmp_path)
    before = run("stats", env=env).stdout

    result = run(*make_args(tmp_path), env=env, check_ok=False, cwd=tmp_path)

    one_error_line(result)
    assert result.stdout == ""
    assert run("stats", env=env).stdout == before


def test_import_messages_name_the_problem(env, tmp_path) -> None:
    missing = one_error_line(run("import", tmp_path / "missing.bib", env=env, check_ok=False))
    assert missing == f"citedesk: No such file: {tmp_path / 'missing.bib'}"
    folder = one_error_line(run("import", tmp_path, env=env, check_ok=False))
    assert folder == f"citedesk: {tmp_path} is a folder, not a file"
    library = one_error_line(run("--library", "/proc/nope/lib.sqlite", "import", STRINGS, env=env, check_ok=False))
    assert library.startswith("citedesk: Cannot open the library /proc/nope/lib.sqlite")


def test_a_library_that_is_not_a_database_is_refused_and_left_alone(env, tmp_path) -> None:
    library = tmp_path / "notes.sqlite"
    library.write_bytes(b"not a database\n")
    result = run("list", "--library", library, env=env, check_ok=False)
    assert one_error_line(result).startswith(f"citedesk: Cannot open the library {library}")
    assert library.read_bytes() == b"not a database\n"


def test_library_option_before_or_after_the_command_overrides_the_environment(env, tmp_path) -> None:
    library = tmp_path / "elsewhere" / "mine.sqlite"
    run("--library", library, "import", STRINGS, env=env, cwd=tmp_path)
    assert listed_keys(run("list", "--library", library, env=env)) == ["Cesar2013"]
    assert f"Library: {library}" in run("stats", "--library", library, env=env).stdout
    assert not Path(env["CITEDESK_LIBRARY"]).exists()
    assert listed_keys(run("list", env=env)) == []


# ---------------------------------------------------------------- list


def test_list_without_a_query_lists_every_paper(filled_env) -> None:
    result = run("list", env=filled_env)
    assert len(result.stdout.splitlines()) == ALL_ENTRIES
    assert set(ALL_KEYS) <= set(listed_keys(result))
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        (["amazing"], ["Cesar2013"]),
        (["cesar"], ["Cesar2013"]),  # the author, built from @string macros, without its accent
        (["Özge"], ["aksin"]),
        (["ozge"], ["aksin"]),
        (["Söme"], ["test1"]),  # decoded from Latin-1
        (["Mizoroki", "Heck"], ["aksin"]),
        (['"special and general"'], ["Einstein1920"]),
        (["zzzz-nothing-like-this"], []),
    ],
)
def test_list_with_a_query_lists_the_matches(query, keys, filled_env) -> None:
    assert listed_keys(run("list", *query, env=filled_env)) == keys


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_list_takes_any_search_text(query, filled_env) -> None:
    result = run("list", query, env=filled_env)
    assert result.stderr == ""


# ---------------------------------------------------------------- show


def test_show_prints_title_decoded_authors_raw_fields_and_citations(filled_env) -> None:
    out = run("show", "aksin", env=filled_env).stdout
    lines = out.splitlines()
    assert lines[0] == "aksin  (@article)"
    assert "Effect of immobilization on catalytic characteristics of saturated Pd-N-heterocyclic carbenes" in lines[1]
    authors = next(line for line in lines if line.strip().startswith("Authors:"))
    assert "Özge Aksın" in authors and "Büyükgüngör" in authors and "Çetinkaya" in authors
    assert "\\" not in authors and "{" not in authors
    assert "BibTeX fields" in lines
    assert '  author = {Aks{\\i}n, {\\"O}zge and T{\\"u}rkmen, Hayati' in out
    assert "  journal = jomch" in lines
    assert "Cited by 0 publications (0 citation statements)" in out
    assert "No citing statements are stored for this paper yet." in out


def test_show_resolves_string_macros_but_keeps_the_raw_field(filled_env) -> None:
    out = run("show", "cesar2013", env=filled_env).stdout  # keys are found without regard to case
    assert out.startswith("Cesar2013  (@article)")
    assert "Jean César" in out
    assert "Nice Journal" in out
    assert '  author = jean # " " # cesar' in out.splitlines()


def test_show_of_a_latin1_entry_prints_unicode(filled_env) -> None:
    assert "  Söme title" in run("show", "test1", env=filled_env).stdout.splitlines()


@pytest.mark.parametrize("key", ["no-such-key", "Cesar"])
def test_show_of_an_unknown_key_is_one_line_and_exit_1(key, filled_env) -> None:
    result = run("show", key, env=filled_env, check_ok=False)
    line = one_error_line(result)
    assert repr(key) in line
    assert result.stdout == ""


def test_show_suggests_similar_keys(filled_env) -> None:
    assert "Cesar2013" in run("show", "Cesar", env=filled_env, check_ok=False).stderr


# ---------------------------------------------------------------- export


def test_export_of_the_whole_library_imports_again_as_it_was(filled_env, tmp_path) -> None:
    out = tmp_path / "all.bib"
    result = run("export", "-o", out, env=filled_env)
    assert result.stdout.startswith(f"Wrote {ALL_ENTRIES} entries (")
    assert result.stdout.rstrip().endswith(f"to {out}")
    text = out.read_text(encoding="utf-8")  # everything written as UTF-8, Latin-1 included
    assert "@STRING{cesar = {César}}" in text
    assert "TITLE = {Söme title}" in text
    assert "@article{aksin," in text and "@Book{Einstein1920," in text

    again = run("import", out, env=make_env(tmp_path / "again.sqlite"))
    assert again.stdout.strip() == (
        f"Imported {ALL_ENTRIES} entries from 1 file; 0 duplicates skipped, 0 blocks failed to parse."
    )


def test_export_of_some_keys_brings_the_macros_they_use(filled_env, tmp_path) -> None:
    out = tmp_path / "some.bib"
    result = run("export", "-o", out, "--keys", "Cesar2013", "test1", env=filled_env)
    assert result.stdout.startswith("Wrote 2 entries")
    one = run("export", "-o", tmp_path / "one.bib", "--keys", "test1", env=filled_env)
    assert one.stdout.startswith("Wrote 1 entry (")
    text = out.read_text(encoding="utf-8")
    assert "@ARTICLE{Cesar2013," in text and "@BOOK{test1," in text
    assert "@STRING{cesar = {César}}" in text
    assert "aksin" not in text and "Einstein1920" not in text


def test_export_of_an_unknown_key_writes_nothing(filled_env, tmp_path) -> None:
    out = tmp_path / "none.bib"
    result = run("export", "-o", out, "--keys", "aksin", "no-such-key", env=filled_env, check_ok=False)
    assert "no-such-key" in one_error_line(result)
    assert not out.exists()


@pytest.mark.parametrize(
    ("source", "name"),
    [
        pytest.param(CP1252, CP1252.name, id="cp1252-jabref-meta"),
        pytest.param(LATIN1, LATIN1.name, id="latin1"),
        pytest.param(BOM, BOM.name, id="utf8-bom"),
        pytest.param(ERRORS, ERRORS.name, id="failed-block"),
        pytest.param(STRINGS, str(STRINGS), id="by-full-path"),
        pytest.param(JABREF_META, str(JABREF_META), id="jabref"),
    ],
)
def test_export_file_of_gives_back_the_imported_bytes(source, name, filled_env, tmp_path) -> None:
    out = tmp_path / "copy.bib"
    run("export", "-o", out, "--file-of", name, env=filled_env)
    assert out.read_bytes() == source.read_bytes()


def test_export_file_of_an_unknown_file_is_one_line(filled_env, tmp_path) -> None:
    result = run("export", "-o", tmp_path / "x.bib", "--file-of", "never-imported.bib", env=filled_env, check_ok=False)
    assert "never-imported.bib" in one_error_line(result)


def test_export_latex_writes_ascii(filled_env, tmp_path) -> None:
    out = tmp_path / "old.bib"
    run("export", "-o", out, "--latex", "--keys", "test1", "Cesar2013", "Preissel2016", env=filled_env)
    data = out.read_bytes()
    assert data.isascii()
    text = data.decode("ascii")
    assert 'S{\\"o}me title' in text
    assert "@STRING{cesar = {C{\\'e}sar}}" in text
    assert "Prei{\\ss}el" in text


def test_export_to_a_folder_that_does_not_exist_is_one_line(filled_env, tmp_path) -> None:
    out = tmp_path / "no" / "such" / "folder" / "out.bib"
    result = run("export", "-o", out, env=filled_env, check_ok=False)
    assert "does not exist" in one_error_line(result)
    assert not (tmp_path / "no").exists()


# ---------------------------------------------------------------- statements


STATEMENTS = [
    {
        "cited_key": "aksin",
        "citing_title": "Palladium Catalysts Revisited",
        "citing_authors": ["Ann Smith", "Bo Lee"],
        "citing_year": 2019,
        "text": "Immobilised NHC complexes lose much of their activity (Aksın et al., 2006).",
        "marker_start": 54,
        "marker_end": 74,
        "section": "2 Related Work",
        "label": "contrasting",
        "confidence": 0.8,
    },
    {
        "cited_key": "aksin",
        "citing_key": "test1",
        "text": "We follow the protocol of Aksın et al. [3].",
        "section": "methods",
    },
    {"cited_doi": "10.1000/none", "cited_key": "NoSuchKey", "citing_title": "Elsewhere", "text": "Something [1]."},
]


def write_statements(folder: Path) -> Path:
    path = folder / "statements.jsonl"
    lines = [json.dumps(row, ensure_ascii=False) for row in STATEMENTS]
    lines.insert(2, "")  # a blank line is skipped but still counted
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_statements_then_show_groups_them_by_citing_paper(env, tmp_path) -> None:
    run("import", ACCENTS, LATIN1, env=env, cwd=tmp_path)
    path = write_statements(tmp_path)

    result = run("import-statements", path, env=env, cwd=tmp_path)

    stored, classified = result.stdout.strip().splitlines()
    assert stored == "Stored 2 new statements, 0 already present; 1 cite a paper not in the library, 0 invalid rows."
    assert classified.startswith("Classified 1 statement with minilm")  # the other came with its label
    unmatched = result.stderr.splitlines()
    assert len(unmatched) == 1, result.stderr
    assert unmatched[0].endswith(":4: cites NoSuchKey, which is not in the library"), unmatched

    lines = run("show", "aksin", env=env).stdout.splitlines()
    assert any(line.startswith("Cited by 2 publications (2 citation statements)") for line in lines), lines
    first = lines.index("  2019  Palladium Catalysts Revisited")
    second = lines.index("  1999  Söme title")  # the citing paper is itself in the library
    first_text = next(i for i, line in enumerate(lines) if "Immobilised NHC complexes" in line)
    second_text = next(i for i, line in enumerate(lines) if "We follow the protocol" in line)
    assert first < first_text and second < second_text
    assert (first < first_text < second) or (second < second_text < first)
    assert "contrasting, confidence 80%; section: 2 Related Work" in "\n".join(lines)

    stats = run("stats", env=env).stdout.splitlines()
    assert [line.split()[-1] for line in stats if line.startswith("Statements:")] == ["2"]
    assert [line.split()[-1] for line in stats if line.startswith("Citing works:")] == ["1"]

    again = run("import-statements", path, env=env, cwd=tmp_path)
    assert again.stdout.startswith("Stored 0 new statements, 2 already present")


def test_show_names_a_work_known_only_by_an_acl_id_as_the_statements_pane_does(env, tmp_path) -> None:
    run("import", ACCENTS, env=env, cwd=tmp_path)
    path = tmp_path / "acl.jsonl"
    path.write_text(
        json.dumps(
            {
                "cited_key": "aksin",
                "citing_key": "W06-3112",
                "label": "mentioning",
                "text": "As reported by Aksın et al. (2006), the catalysts were reused.",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    run("import-statements", path, env=env, cwd=tmp_path)

    lines = run("show", "aksin", env=env).stdout.splitlines()
    title = lines.index("  ----  ACL Anthology W06-3112")  # no year, and its id's label as its title
    assert lines[title + 1] == "        only its id is known: https://aclanthology.org/W06-3112/"
    assert "As reported by Aksın et al. (2006)" in lines[title + 2]
    assert lines[title + 3].startswith("        [mentioning")


def test_import_statements_of_a_missing_file_is_one_line(env, tmp_path) -> None:
    result = run("import-statements", tmp_path / "missing.jsonl", env=env, check_ok=False)
    assert "missing.jsonl" in one_error_line(result)


# ---------------------------------------------------------------- the command itself


def test_no_arguments_without_a_display_says_so_in_one_line(env) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    result = run(env=env, check_ok=False)
    assert result.returncode == 1
    assert result.stderr.startswith("citedesk: there is no display") and result.stderr.count("\n") == 1
    assert "--screenshot" in result.stderr
    assert not Path(env["CITEDESK_LIBRARY"]).exists()


def test_version(env) -> None:
    from citedesk import __version__

    assert run("--version", env=env).stdout.strip() == f"citedesk {__version__}"


def test_help_lists_the_commands(env) -> None:
    out = run("--help", env=env).stdout
    for command in ("import", "export", "list", "show", "stats", "import-statements"):
        assert command in out
    assert "--library" in out
    assert "--file-of" in run("export", "--help", env=env).stdout


def test_unknown_command_is_a_usage_error(env) -> None:
    result = run("bogus", env=env, check_ok=False)
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
