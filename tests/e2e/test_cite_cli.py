"""`citedesk cite`: references of papers in a style, as text or HTML, and one sentence for what cannot be cited."""

from __future__ import annotations

from test_cli import BIBTEX, make_env, one_error_line, run

EXAMPLES = BIBTEX / "biber" / "t" / "tdata" / "examples.bib"


def test_cite_prints_the_references_in_the_style_asked_for(tmp_path):
    env = make_env(tmp_path / "library.sqlite")
    run("import", EXAMPLES, env=env)
    apa = run("cite", "companion", env=env).stdout
    assert apa == "Goossens, M., Mittelbach, F., & Samarin, A. (1994). The LaTeX Companion (1st ed.). Addison-Wesley.\n"
    ieee = run("cite", "companion", "hammond", "--style", "ieee", env=env).stdout.splitlines()
    assert [line[:16] for line in ieee] == ["[1] M. Goossens,", "[2] C. Hammond, "]
    html = run("cite", "companion", "--format", "html", env=env).stdout
    assert html.startswith(
        '<div class="csl-entry">Goossens, M., Mittelbach, F., &amp; Samarin, A. (1994). <i>The LaTeX'
    )
    styles = run("cite", "--list-styles", env=env).stdout.splitlines()
    assert styles[0].split() == ["apa", "APA", "Style", "7th", "edition"] and len(styles) == 9


def test_cite_says_in_one_line_what_is_wrong(tmp_path):
    env = make_env(tmp_path / "library.sqlite")
    run("import", EXAMPLES, env=env)
    assert one_error_line(run("cite", env=env, check_ok=False)).startswith("citedesk: Name the papers to cite")
    assert one_error_line(run("cite", "nosuch", env=env, check_ok=False)) == "citedesk: Not in the library: nosuch"
    wrong_style = one_error_line(run("cite", "companion", "--style", "harvard1", env=env, check_ok=False))
    assert wrong_style.startswith("citedesk: No citation style called 'harvard1'; the styles are apa, ")
    assert "command     cite" in run("plugins", env=env).stdout  # a built-in command, registered as a plug-in
