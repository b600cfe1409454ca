"""Tests for LaTeX <-> Unicode conversion of BibTeX values."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from citedesk.library.bibtex.latex import latex_to_unicode, unicode_to_latex
from citedesk.library.bibtex.values import evaluate

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "bibtex"
LEFTOVER_ACCENT = re.compile(r"\\(?:[\"'^`~=.]|[uvHckrdbt](?![A-Za-z]))")


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"{\"o}", "ö"),
        (r"\"{o}", "ö"),
        (r"\"o", "ö"),
        (r"{\" o}", "ö"),
        (r"\" {o}", "ö"),
        (r"\'e", "é"),
        (r"\'{\i}", "í"),
        (r"\'\i", "í"),
        (r"\^o", "ô"),
        (r"\`a", "à"),
        (r"\~n", "ñ"),
        (r"\=a", "ā"),
        (r"\.z", "ż"),
        (r"\u{g}", "ğ"),
        (r"\v{c}", "č"),
        (r"\v c", "č"),
        (r"\H{o}", "ő"),
        (r"\c{c}", "ç"),
        (r"{\c C}", "Ç"),
        (r"\k{a}", "ą"),
        (r"\r{a}", "å"),
        (r"\d{s}", "ṣ"),
        (r"\b{b}", "ḇ"),
        (r"\t{oo}", "o\u0361o"),
        (r"\'{\^e}", "ế"),
        (r"\~{}", "~"),
        (r"\^{}", "^"),
        (r"\'{}", "\u00b4"),
        (r"\v{}", "\u02c7"),
    ],
)
def test_accent_spellings(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"Stra{\ss}e", "Straße"),
        (r"Stra\ss e", "Straße"),
        (r"{\o}", "ø"),
        (r"{\O}", "Ø"),
        (r"{\aa}", "å"),
        (r"{\AA}se", "Åse"),
        (r"{\ae}", "æ"),
        (r"{\AE}", "Æ"),
        (r"{\oe}uvre", "œuvre"),
        (r"{\OE}", "Œ"),
        (r"{\l}", "ł"),
        (r"{\L}{\'o}d{\'z}", "Łódź"),
        (r"Aks{\i}n", "Aksın"),
        (r"{\j}", "ȷ"),
        (r"{\dh}", "ð"),
        (r"{\th}", "þ"),
        (r"{\ng}", "ŋ"),
    ],
)
def test_special_letters(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\& \% \$ \# \_ \{ \}", "& % $ # _ { }"),
        ("n.s.~2", "n.s.\u00a02"),
        ("12--23", "12–23"),
        ("yes---no", "yes—no"),
        ("``quoted''", "“quoted”"),
        (r"a\textendash b\textemdash c", "a–b—c"),
        (r"Dijkstra\textquoteright s", "Dijkstra’s"),
        (r"wait\ldots{} and \dots", "wait… and …"),
        (r"Foo\textregistered{} \copyright", "Foo® ©"),
        (r"\textasciitilde user", "~user"),
        (r"\S 3 and \P 2, \pounds 5", "§3 and ¶2, £5"),
        (r"\TeX{} and \LaTeX\ are", "TeX and LaTeX are"),
    ],
)
def test_escapes_punctuation_and_text_macros(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\emph{Deep} learning", "Deep learning"),
        (r"\textit{a} \textbf{b} \textsc{c} \texttt{d} \textrm{e}", "a b c d e"),
        (r"$\mathrm{CO}_2$", "CO_2"),
        (r"\url{http://example.org/~me/a_b}", "http://example.org/~me/a_b"),
        (r"\mbox{X-ray}", "X-ray"),
        (r"19\textsuperscript{th} H\textsubscript{2}O", "19th H2O"),
        (r"{\em Fast} {\bf and} {\it small} {\sc things}", "Fast and small things"),
        (r"\href{http://x.org}{the site}", "the site"),
        (r"{\noopsort{1973a}}Knuth", "Knuth"),
    ],
)
def test_formatting_commands_keep_their_argument(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"$\alpha$-helix", "α-helix"),
        (r"$\beta$ and $\Omega$", "β and Ω"),
        (r"$3 \times 4 \pm 1$", "3 × 4 ± 1"),
        (r"$a \leq b \geq c$", "a ≤ b ≥ c"),
        (r"$x \rightarrow \infty$", "x → ∞"),
        (r"$a \sim b \cdot c$", "a ∼ b · c"),
        (r"costs \$5", "costs $5"),
    ],
)
def test_simple_math(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        (r"\foo{bar} baz", "bar baz"),
        (r"\mkbibquote{Intention} und", "Intention und"),
        (r"\AmSTeX rocks", "AmSTeX rocks"),
        ("{An} {{Nested}} title", "An Nested title"),
        ("  spread\n\tover   lines  ", "spread over lines"),
        ("{unbalanced", "unbalanced"),
        ("unbalanced}}", "unbalanced"),
        ("trailing\\", "trailing"),
        ("\\", ""),
        (r"\"", '"'),
        ("a\\\\b", "a b"),
        ("", ""),
    ],
)
def test_unknown_macros_and_malformed_input(latex: str, expected: str) -> None:
    assert latex_to_unicode(latex) == expected


def test_result_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Müller")
    assert latex_to_unicode(decomposed) == "Müller"


LATEX_PIECES = st.sampled_from(
    [
        "\\",
        "{",
        "}",
        "$",
        "~",
        "-",
        "`",
        "'",
        '"',
        "^",
        "=",
        ".",
        " ",
        "\n",
        "a",
        "o",
        "i",
        "u",
        "v",
        "c",
        "t",
        r"\"",
        r"\'",
        r"\v",
        r"\i",
        r"\ss",
        r"\emph",
        r"\alpha",
        r"\{",
        r"\}",
        r"\url",
        "\\\\",
        r"\foo",
    ]
)
LATEXISH_TEXT = st.lists(st.one_of(LATEX_PIECES, st.characters()), max_size=40).map("".join)


@given(LATEXISH_TEXT)
def test_latex_to_unicode_never_raises_nor_invents_braces(text: str) -> None:
    result = latex_to_unicode(text)
    assert result.count("{") <= text.count("\\{")
    assert result.count("}") <= text.count("\\}")


@given(LATEXISH_TEXT)
def test_latex_to_unicode_output_is_nfc_and_collapsed(text: str) -> None:
    result = latex_to_unicode(text)
    assert unicodedata.is_normalized("NFC", result)
    assert not re.search(r"[ \t\n\r\f\v]{2}|[\t\n\r\f\v]", result)
    assert result == result.strip(" ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Müller", r"M{\"u}ller"),
        ("café", r"caf{\'e}"),
        ("naïve", r"na{\"\i}ve"),
        ("Jiří", r"Ji{\v{r}}{\'\i}"),
        ("Straße", r"Stra{\ss}e"),
        ("Øre Åse", r"{\O}re {\AA}se"),
        ("Łódź", r"{\L}{\'o}d{\'z}"),
        ("œuvre æther", r"{\oe}uvre {\ae}ther"),
        ("Aksın", r"Aks{\i}n"),
        ("Çelik", r"{\c{C}}elik"),
        ("Erdős", r"Erd{\H{o}}s"),
        ("ǘ", r"{\'{\"u}}"),
        ("a–b", "a--b"),
    ],
)
def test_unicode_to_latex(text: str, expected: str) -> None:
    assert unicode_to_latex(text) == expected


@pytest.mark.parametrize("text", [r"A & B 50% {Foo} \emph{x} $x$ #1 ~", "plain ASCII"])
def test_unicode_to_latex_leaves_ascii_alone(text: str) -> None:
    assert unicode_to_latex(text) == text


def test_unicode_to_latex_leaves_unmapped_characters() -> None:
    assert unicode_to_latex("漢字 ĳ ħ") == "漢字 ĳ ħ"


LATIN_LETTERS = st.characters(
    min_codepoint=0x41,
    max_codepoint=0x17F,
    whitelist_categories=("Lu", "Ll"),
)
LATIN_WORDS = st.lists(st.text(LATIN_LETTERS, min_size=1, max_size=8), min_size=1, max_size=5)


@given(LATIN_WORDS)
def test_unicode_to_latex_round_trips_latin_letters(words: list[str]) -> None:
    text = " ".join(words)
    assert latex_to_unicode(unicode_to_latex(text)) == unicodedata.normalize("NFC", text)


LATIN1_LETTERS = st.characters(min_codepoint=0xC0, max_codepoint=0xFF, whitelist_categories=("Lu", "Ll"))


@given(st.text(LATIN1_LETTERS))
def test_unicode_to_latex_makes_latin1_letters_ascii(text: str) -> None:
    assert unicode_to_latex(text).isascii()


CORPUS_FILES = [
    "biber/t/tdata/examples.bib",
    "biber/t/tdata/names.bib",
    "pybtex/examples/xampl.bib",
    "text-bibtex-btparse/btparse/tests/data/foreign.bib",
    "python-bibtexparser/v1/bibtexparser/tests/data/traps.bib",
    pytest.param("pybtex/examples/tugboat/tugboat.bib", marks=pytest.mark.slow),
]


def evaluated_field_values(path: Path) -> list[str]:
    """Every field value of a corpus file, with @string macros and `#` resolved."""
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"), parse_stack=[])
    macros: dict[str, str] = {}
    for string in library.strings:
        macros[string.key] = evaluate(string.value, macros)
    return [evaluate(field.value, macros) for entry in library.entries for field in entry.fields]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared BibTeX corpus not available")
@pytest.mark.parametrize("relative_path", CORPUS_FILES)
def test_corpus_values_decode_without_accent_macros(relative_path: str) -> None:
    values = evaluated_field_values(CORPUS / relative_path)
    assert values
    for value in values:
        decoded = latex_to_unicode(value)
        assert not LEFTOVER_ACCENT.search(decoded), (value, decoded)
        assert decoded.count("{") <= value.count("\\{"), (value, decoded)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared BibTeX corpus not available")
def test_corpus_accented_authors_decode() -> None:
    values = evaluated_field_values(CORPUS / "biber/t/tdata/examples.bib")
    decoded = {latex_to_unicode(value) for value in values}
    assert any("Aksın, Özge and Türkmen, Hayati" in value for value in decoded)
    assert any("Çetinkaya, Bekir" in value for value in decoded)
    assert "Revue d'Histoire Ecclésiastique" in decoded
