"""The formats one by one: sniffing, the BibTeX <-> Record mapping, dates, and problems with their lines."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from citedesk.formats.base import Date, Name, Record
from citedesk.formats.bibtex import (
    BibTeX,
    bibtex_name,
    bibtex_text,
    entry_of_record,
    escaped,
    names_of,
)
from citedesk.formats.builtin import built_in_formats
from citedesk.formats.csljson import CSLJSON
from citedesk.formats.dates import edtf, parse_edtf, parse_ris_date
from citedesk.formats.ris import RIS
from citedesk.formats.sniffing import recognise
from citedesk.library.bibtex.latex import latex_to_unicode
from citedesk.plugins import build_registry

RIS_TEXT = (
    b"TY  - JOUR\nAU  - Shannon, Claude E.\nTI  - A Mathematical Theory of Communication\nPY  - 1948/07//\n"
    b"JO  - Bell System Technical Journal\nSP  - 379\nEP  - 423\nDO  - doi:10.1002/j.1538-7305.1948.tb01338.x\n"
    b"AB  - Contact info@example.org for @comment{x} and more\nER  - \n"
)
CSL_TEXT = (
    b'[\n  {"id": "shannon1948", "type": "article-journal", "title": "A Mathematical Theory",\n'
    b'   "author": [{"family": "Shannon", "given": "Claude E."}], "issued": {"date-parts": [[1948, 7]]}}\n]\n'
)
BIB_TEXT = b"% exported\n@article{shannon1948,\n  title = {A Mathematical Theory},\n  year = 1948,\n}\n"


def through_bibtex(records) -> tuple[Record, ...]:
    return BibTeX().read(bibtex_text(records)[0].encode(), "generated").records


# -- sniffing


def test_the_built_in_formats_are_registered():
    registry = build_registry()
    assert list(registry.formats)[:3] == ["bibtex", "ris", "csljson"]
    assert registry.formats["bibtex"].rebuilds_files and not registry.formats["ris"].rebuilds_files


def test_a_file_is_known_by_its_content_whatever_its_name():
    formats = built_in_formats()
    assert recognise(RIS_TEXT, "exported.txt", formats).name == "ris"
    assert recognise(CSL_TEXT, "zotero.json", formats).name == "csljson"
    assert recognise(RIS_TEXT, "really-ris.bib", formats).name == "ris"
    assert recognise(BIB_TEXT, "library.txt", formats).name == "bibtex"
    assert recognise(b"\xef\xbb\xbf" + RIS_TEXT, "bom.ris", formats).name == "ris"


def test_bibtex_is_not_fooled_by_an_at_sign_in_ris_or_json():
    bibtex = BibTeX()
    assert not bibtex.sniff(RIS_TEXT)
    assert not bibtex.sniff(b'[{"type": "book", "note": "@article{x, title={y}}"}]')
    assert bibtex.sniff(b"Some notes first.\n\n@comment{jabref-meta: x}\n") and bibtex.sniff(b"@string{a = {b}}")


def test_without_a_sniff_the_extension_decides_and_else_nothing():
    formats = built_in_formats()
    assert recognise(b"JF  - Journal only\nER  -\n", "broken.ris", formats).name == "ris"
    assert recognise(b"just some words\n", "notes.txt", formats) is None
    assert not CSLJSON().sniff(b'{"name": "citedesk", "version": "1"}')


# -- the BibTeX mapping


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        max_size=40,
    )
)
def test_escaped_text_reads_back_as_the_same_text(text):
    """The same text, as BibTeX values are read: NFC, runs of spaces and line breaks as one space."""
    assert latex_to_unicode(escaped(text)) == unicodedata.normalize(
        "NFC", re.sub(r"[ \t\n\r\f\v]+", " ", text).strip(" ")
    )


def test_names_survive_bibtex():
    people = (
        Name("Maaten", "Laurens", particle="van der"),
        Name("de la Cruz", "Juan"),
        Name(literal="World Health Organization"),
        Name("King", "Martin Luther", suffix="Jr."),
        Name("Plato"),
        Name("Smith & Sons, Inc", "A."),
    )
    assert names_of(" and ".join(map(bibtex_name, people))) == people


def test_a_record_survives_bibtex():
    record = Record(
        "paper-conference",
        "k1",
        (
            ("title", "Dash--dash 50% of $x_1$ & {braces} ~ ^"),
            ("container-title", "Proc. ACL"),
            ("page", "10–20"),
            ("call-number", "QA76"),
            ("URL", "https://x.org/~a_b%20c"),
        ),
        (("author", (Name("Doe", "Jane"),)), ("director", (Name("Roe", "Rob"),))),
        (
            ("issued", Date(((2011, 5, 25), (2012, 6, 26)), circa=True)),
            ("accessed", Date(((2020, 1, 2),))),
        ),
        ("deep learning", "NLP"),
    )
    assert through_bibtex([record]) == (record,)


def test_types_survive_bibtex_with_entrysubtype_where_needed():
    for record_type in (
        "article-journal",
        "article-newspaper",
        "chapter",
        "thesis",
        "webpage",
        "post-weblog",
        "motion_picture",
        "broadcast",
        "interview",
        "document",
    ):
        record = Record(record_type, "k", (("title", "T"),))
        assert through_bibtex([record])[0].type == record_type
    assert entry_of_record(Record("article-newspaper", "k"))[2] == [("entrysubtype", "{newspaper}")]


def test_issued_is_year_and_month_when_it_can_be():
    fields = dict(entry_of_record(Record(dates=(("issued", Date(((1948, 7),))),)))[2])
    assert fields == {"year": "{1948}", "month": "jul"}
    fields = dict(entry_of_record(Record(dates=(("issued", Date(((2017, 24),))),)))[2])
    assert fields == {"date": "{2017-24}", "year": "{2017}"}


def test_the_key_loses_what_bibtex_cannot_hold():
    assert entry_of_record(Record(key="123456 sxdbgsd, {x}"))[1] == "123456sxdbgsdx"


# -- dates


def test_edtf_dates():
    assert parse_edtf("2011-05-25~/2012-06-26~") == Date(((2011, 5, 25), (2012, 6, 26)), circa=True)
    assert parse_edtf("2014-12-31/") == Date(((2014, 12, 31), (0,)))
    assert parse_edtf("1993-00-00") == Date(((1993,),))
    assert parse_edtf("2017-13") == Date(((2017, 21),))  # CSL's spring is EDTF's
    assert parse_edtf("-0333") == Date(((-334,),))  # EDTF's year 0 is 1 BC, CSL's -1
    assert parse_edtf("30-Mar-2020") is None and parse_edtf("13th cent") is None
    for text in ("2011-05-25~/2012-06-26~", "2014-12-31/", "-0333", "2017-24"):
        assert edtf(parse_edtf(text)) == text


def test_ris_dates():
    assert parse_ris_date("2001/09/01/") == Date(((2001, 9, 1),))
    assert parse_ris_date("2015/october") == Date(((2015, 10),))
    assert parse_ris_date("2013/02/15/received") == Date(((2013, 2, 15),))
    assert parse_ris_date("in press") == Date(literal="in press")
    assert parse_ris_date("///") is None


# -- RIS and CSL JSON


def test_ris_reads_the_mapped_tags():
    record = RIS().read(RIS_TEXT, "x.ris").records[0]
    assert record.type == "article-journal"
    assert record.names_of("author") == (Name("Shannon", "Claude E."),)
    assert record.get("page") == "379-423" and record.get("DOI") == "10.1002/j.1538-7305.1948.tb01338.x"
    assert record.get("container-title") == "Bell System Technical Journal"
    assert record.date() == Date(((1948, 7),))


def test_ris_lines_outside_a_record_are_one_problem_with_their_line():
    data = b"1.\nTY  - JOUR\nTI  - First\nER  - \n\nJF  - Stray\nVL  - 2\nER  -\nTY  - BOOK\nTI  - Last\n"
    result = RIS().read(data, "x.ris")
    assert [record.get("title") for record in result.records] == [
        "First",
        "Last",
    ]  # the last lacks its ER
    assert [(problem.line, problem.reason.split(" (")[0]) for problem in result.problems] == [
        (6, "RIS lines outside a record")
    ]


def test_broken_json_is_a_problem_at_its_line_and_the_items_before_it_are_read():
    data = b'[\n {"id": "a", "type": "book", "title": "A"},\n "not an item",\n {"id": "b", "title": \n]'
    result = CSLJSON().read(data, "x.json")
    assert [record.key for record in result.records] == ["a"]
    assert [problem.line for problem in result.problems] == [3, 5]
    assert result.problems[1].reason.startswith("not valid JSON")


def test_csl_json_markup_is_dropped_and_seasons_are_months():
    data = (
        b'[{"id": "b", "type": "book", "title": "Frithuswith (<i>d.</i> 727)",'
        b' "issued": {"date-parts": [[2017]], "season": 4}}]'
    )
    record = CSLJSON().read(data, "x.json").records[0]
    assert record.get("title") == "Frithuswith (d. 727)" and record.date() == Date(((2017, 24),))
    assert b'"date-parts": [\n' in CSLJSON().write([record])
    assert CSLJSON().read(CSLJSON().write([record]), "y.json").records == (record,)


def test_biblatex_fields_read_as_a_style_needs_them():
    """biblatex's subtitle joins the title, its localisation keys (type, series) become words, its langid a
    language tag, an arXiv eprint a link, and \\hyphen a hyphen."""
    from citedesk.formats.bibtex import record_of_entry

    record = record_of_entry(
        "thesis",
        "geer",
        [
            ("title", "Earl, Saint, Bishop, Skald~-- and Music"),
            ("subtitle", "The Orkney Earldom of the Twelfth Century"),
            ("type", "phdthesis"),
            ("series", "newseries"),
            ("langid", "british"),
            ("eprint", "hep-th/9603067"),
            ("eprinttype", "arxiv"),
            ("note", "methodology\\hyphen independent"),
        ],
    )
    assert (
        record.get("title") == "Earl, Saint, Bishop, Skald\u00a0– and Music: The Orkney Earldom of the Twelfth Century"
    )
    assert record.get("genre") == "PhD thesis"
    assert record.get("collection-title") == "new series"
    assert record.get("language") == "en-GB"
    assert record.get("URL") == "https://arxiv.org/abs/hep-th/9603067"
    assert record.get("note") == "methodology-independent"
    own_link = record_of_entry(
        "online", "x", [("eprint", "1234.5678"), ("archiveprefix", "arXiv"), ("url", "https://example.org/x")]
    )
    assert own_link.get("URL") == "https://example.org/x"  # a URL of its own is kept, not replaced
    plain = record_of_entry("report", "y", [("type", "Working paper"), ("language", "English")])
    assert plain.get("genre") == "Working paper" and plain.get("language") == "English"
