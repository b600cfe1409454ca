"""Formatted references (Cite): ten corpus entries in APA 7 and IEEE against references written from the style
guides, papers that cannot fill a style, and the places citeproc-py departs from CSL that CiteDesk puts right.

The expected references follow the APA Publication Manual (7th ed., ch. 9-10) and the IEEE Reference Guide
(2023): order, punctuation, italics, "&" and initials, "(Ed.)", "Art. no.", report numbers, DOIs as links in
APA and "doi:" in IEEE. Titles keep the capitals the data gives them: no CSL processor re-cases a title to
sentence case, and APA's style asks it not to try.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from citedesk import jobs
from citedesk.formats.base import Date, Name, Record
from citedesk.formats.references import STYLE_NAMES, citation_styles, format_references, references_html
from citedesk.model import CitedeskError

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "bibtex"
EXAMPLES = CORPUS / "biber" / "t" / "tdata" / "examples.bib"  # biblatex's own examples: real works, every type
ACL = CORPUS / "acl-anthology-split" / "outputs" / "bibs" / "bibs_P_acl" / "all_P_acl.bib.gz"

APA = {
    "sigfridsson": "Sigfridsson, E., & Ryde, U. (1998). Comparison of methods for deriving atomic charges from the "
    "electrostatic potential and moments. <i>Journal of Computational Chemistry</i>, <i>19</i>(4), 377–395. "
    "https://doi.org/10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P",
    "kastenholz": "Kastenholz, M. A., & Hünenberger, P. H. (2006). Computation of methodology-independent ionic "
    "solvation free energies from molecular simulations: I. The electrostatic potential in molecular liquids. "
    "<i>J. Chem. Phys.</i>, <i>124</i>, Article 124106. https://doi.org/10.1063/1.2172593",
    "gillies": "Gillies, A. (1933). Herder and the Preparation of Goethe's Idea of World Literature. "
    "<i>Publications of the English Goethe Society, New Series</i>, <i>9</i>, 46–67.",
    "westfahl:space": "Westfahl, G. (2000). The True Frontier: Confronting and Avoiding the Realities of Space in "
    "American Science Fiction Films. In G. Westfahl (Ed.), <i>Space and Beyond</i> (pp. 55–65). Greenwood.",
    "chiu": "Chiu, W. W., & Chow, W. M. (1978). <i>A Hybrid Hierarchical Model of a Multiple Virtual Storage (MVS) "
    "Operating System</i> (Research Report RC-6947). IBM and HP and Sun and Sony.",
    "padhye": "Padhye, J., Firoiu, V., & Towsley, D. (1999). <i>A Stochastic Model of TCP Reno Congestion Avoidance "
    "and Control</i> (Technical Report 99-02). University of Massachusetts.",
    "malinowski": "Malinowski, B. (1972). <i>Argonauts of the Western Pacific: An account of native enterprise and "
    "adventure in the Archipelagoes of Melanesian New Guinea</i> (8th ed.). Routledge and Kegan Paul.",
    "companion": "Goossens, M., Mittelbach, F., & Samarin, A. (1994). <i>The LaTeX Companion</i> (1st ed.). "
    "Addison-Wesley.",
    "hammond": "Hammond, C. (1997). <i>The basics of crystallography and diffraction</i>. International Union of "
    "Crystallography and Oxford University Press.",
    "P02-1040": "Papineni, K., Roukos, S., Ward, T., & Zhu, W.-J. (2002). Bleu: a Method for Automatic Evaluation "
    "of Machine Translation. <i>Proceedings of the 40th Annual Meeting of the Association for Computational "
    "Linguistics</i>. http://aclweb.org/anthology/P02-1040",
}
IEEE = {
    "sigfridsson": "[1] E. Sigfridsson and U. Ryde, “Comparison of methods for deriving atomic charges from the "
    "electrostatic potential and moments,” <i>Journal of Computational Chemistry</i>, vol. 19, no. 4, "
    "pp. 377–395, 1998, doi: 10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P.",
    "kastenholz": "[1] M. A. Kastenholz and P. H. Hünenberger, “Computation of methodology-independent ionic "
    "solvation free energies from molecular simulations: I. The electrostatic potential in molecular liquids,” "
    "<i>J.\u00a0Chem. Phys.</i>, vol. 124, Art. no. 124106, 2006, doi: 10.1063/1.2172593.",  # J.~Chem.: a tie
    "gillies": "[1] A. Gillies, “Herder and the Preparation of Goethe's Idea of World Literature,” <i>Publications "
    "of the English Goethe Society</i>, vol. 9, pp. 46–67, 1933.",
    "westfahl:space": "[1] G. Westfahl, “The True Frontier: Confronting and Avoiding the Realities of Space in "
    "American Science Fiction Films,” in <i>Space and Beyond</i>, G. Westfahl, Ed., Greenwood, 2000, pp. 55–65.",
    "chiu": "[1] W. W. Chiu and W. M. Chow, “A Hybrid Hierarchical Model of a Multiple Virtual Storage (MVS) "
    "Operating System,” IBM and HP and Sun and Sony, Research report RC-6947, 1978.",
    "padhye": "[1] J. Padhye, V. Firoiu, and D. Towsley, “A Stochastic Model of TCP Reno Congestion Avoidance and "
    "Control,” University of Massachusetts, Amherst, Mass., Technical report 99-02, 1999.",
    "malinowski": "[1] B. Malinowski, <i>Argonauts of the Western Pacific: An account of native enterprise and "
    "adventure in the Archipelagoes of Melanesian New Guinea</i>, 8th ed. London: Routledge and Kegan Paul, 1972.",
    "companion": "[1] M. Goossens, F. Mittelbach, and A. Samarin, <i>The LaTeX Companion</i>, 1st ed. Reading, "
    "Mass.: Addison-Wesley, 1994.",
    "hammond": "[1] C. Hammond, <i>The basics of crystallography and diffraction</i>. Oxford: International Union "
    "of Crystallography and Oxford University Press, 1997.",
    "P02-1040": "[1] K. Papineni, S. Roukos, T. Ward, and W.-J. Zhu, “Bleu: a Method for Automatic Evaluation of "
    "Machine Translation,” in <i>Proceedings of the 40th Annual Meeting of the Association for Computational "
    "Linguistics</i>, 2002. [Online]. Available: http://aclweb.org/anthology/P02-1040",
}


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    """biblatex's examples and the BLEU paper as the ACL Anthology has it, imported."""
    folder = tmp_path_factory.mktemp("cite")
    acl = folder / "bleu.bib"
    text = gzip.decompress(ACL.read_bytes()).decode("utf-8")
    start = text.index("@InProceedings{P02-1040,")
    acl.write_text(text[start : text.index("\n}\n", start) + 3], encoding="utf-8")
    path = folder / "library.sqlite"
    jobs.import_bibtex(path, [EXAMPLES, acl])
    return path


def plain(html: str) -> str:
    return html.replace("<i>", "").replace("</i>", "").replace("&amp;", "&")


@pytest.mark.parametrize("style, expected", [("apa", APA), ("ieee", IEEE)])
@pytest.mark.parametrize("key", list(APA))
def test_ten_corpus_entries_read_as_the_style_guide_writes_them(library, style, expected, key):
    (reference,) = jobs.cite_keys(library, [key], style=style)
    assert reference.html.replace("&amp;", "&") == expected[key].replace("&amp;", "&")
    assert reference.text == plain(expected[key])


def test_several_papers_are_numbered_in_the_order_given(library):
    references = jobs.cite_keys(library, ["companion", "hammond"], style="ieee")
    assert [reference.text[:16] for reference in references] == ["[1] M. Goossens,", "[2] C. Hammond, "]
    assert [reference.key for reference in references] == ["companion", "hammond"]
    html = references_html(references)
    assert html.count('<div class="csl-entry">') == 2 and "<i>The LaTeX Companion</i>" in html


def test_an_unknown_key_or_style_is_one_sentence(library):
    with pytest.raises(CitedeskError, match="Not in the library: nosuch"):
        jobs.cite_keys(library, ["nosuch"])
    with pytest.raises(CitedeskError, match="No citation style called 'harvard1'; the styles are apa, "):
        jobs.cite_keys(library, ["companion"], style="harvard1")


TITLE_ONLY = Record("article-journal", "anon", (("title", "A title only"),))
BOOK = Record("book", "book", (("title", "A book"), ("edition", "2")))


@pytest.mark.parametrize(
    "style, title_only, book",
    [
        ("apa", "A title only. (n.d.).", "A book (2nd ed.). (n.d.)."),
        ("ieee", "[1] “A title only.”", "[2] A book, 2nd ed."),
        ("chicago-author-date", "A Title Only. n.d.", "A Book. n.d. 2nd ed."),
        ("modern-language-association", "A Title Only.", "A Book. 2nd ed."),
    ],
)
def test_a_paper_without_authors_or_a_year_gets_a_reference_with_what_it_has(style, title_only, book):
    """The title takes the authors' place once, not twice (citeproc-py repeated it after the date), and no
    label is printed for an edition the paper does not have (Chicago printed "Edition.")."""
    assert [reference.text for reference in format_references([TITLE_ONLY, BOOK], style)] == [title_only, book]


def test_every_shipped_style_formats_a_reference():
    record = Record(
        "paper-conference",
        "bleu",
        (("title", "Bleu: a Method for Automatic Evaluation of Machine Translation"), ("page", "311-318")),
        (("author", (Name("Papineni", "Kishore"), Name("Roukos", "Salim"))),),
        (("issued", Date(((2002,),))),),
    )
    styles = citation_styles()
    assert [style.name for style in styles] == list(STYLE_NAMES)
    assert styles[0].title == "APA Style 7th edition"
    for style in styles:
        (reference,) = format_references([record], style.name)
        assert "Papineni" in reference.text and "2002" in reference.text, style.name
        assert "311" in reference.text, style.name


def test_a_reference_is_formatted_the_same_from_two_threads_at_once():
    from concurrent.futures import ThreadPoolExecutor

    records = [
        Record("book", f"b{n}", (("title", f"Book {n}"),), (("author", (Name("Author", "An"),)),)) for n in range(20)
    ]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda record: format_references([record], "apa")[0].text, records))
    assert results == [f"Author, A. (n.d.). Book {n}." for n in range(20)]
