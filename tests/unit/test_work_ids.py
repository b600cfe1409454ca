"""Works known only by an identifier: which scheme it is in, how the window names it and where it links."""

from __future__ import annotations

import pytest

from citedesk.library.identifiers import normalize_acl
from citedesk.library.work_ids import display_title, id_label, id_url, recognise_id, stand_in_id
from citedesk.model import IdKind, WorkId


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("W06-3112", "W06-3112"),
        ("P02-1040", "P02-1040"),
        ("w06-3112", "W06-3112"),
        ("2020.acl-main.1", "2020.acl-main.1"),
        ("2021.findings-emnlp.12", "2021.findings-emnlp.12"),
        ("2022.lrec-1.5", "2022.lrec-1.5"),
        ("ACL:W06-3112", "W06-3112"),
        ("https://aclanthology.org/W06-3112/", "W06-3112"),
        ("https://www.aclweb.org/anthology/P02-1040.pdf", "P02-1040"),
        ("1706.03762", None),  # arXiv
        ("W2741809807", None),  # OpenAlex
        ("W06-31125", None),
        ("WW6-3112", None),
        ("P02 1040", None),
        ("", None),
        (None, None),
    ],
)
def test_acl_anthology_ids_old_and_new_style(value, expected):
    assert normalize_acl(value) == expected


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("W06-3112", IdKind.ACL, "W06-3112"),
        ("2020.acl-main.1", IdKind.ACL, "2020.acl-main.1"),
        ("10.3115/1073083.1073135", IdKind.DOI, "10.3115/1073083.1073135"),
        ("https://doi.org/10.1000/XYZ", IdKind.DOI, "10.1000/xyz"),
        ("arXiv:1706.03762v5", IdKind.ARXIV, "1706.03762"),
        ("1706.03762", IdKind.ARXIV, "1706.03762"),
        ("W2741809807", IdKind.OPENALEX, "W2741809807"),
        ("https://openalex.org/W2741809807", IdKind.OPENALEX, "W2741809807"),
        ("649DEF34F8BE52C8B66281AF98AE884C09AEF38B", IdKind.S2, "649def34f8be52c8b66281af98ae884c09aef38b"),
        ("CorpusId:215416146", IdKind.S2, "CorpusId:215416146"),
    ],
)
def test_recognised_ids(text, kind, value):
    assert recognise_id(text) == WorkId(kind, value)


@pytest.mark.parametrize("text", ["Bootstrapping", "BLEU: a method", "smith2005", "", None, "W06-3112 and more"])
def test_titles_and_keys_are_not_recognised_ids(text):
    assert recognise_id(text) is None


def test_labels_and_links():
    cases = {
        WorkId(IdKind.ACL, "W06-3112"): ("ACL Anthology W06-3112", "https://aclanthology.org/W06-3112/"),
        WorkId(IdKind.ACL, "2020.acl-main.1"): (
            "ACL Anthology 2020.acl-main.1",
            "https://aclanthology.org/2020.acl-main.1/",
        ),
        WorkId(IdKind.DOI, "10.1002/(sici)1097-4571<3::aid>"): (
            "DOI 10.1002/(sici)1097-4571<3::aid>",
            "https://doi.org/10.1002/(sici)1097-4571%3C3::aid%3E",
        ),
        WorkId(IdKind.ARXIV, "hep-th/9901001"): ("arXiv hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001"),
        WorkId(IdKind.OPENALEX, "W2741809807"): ("OpenAlex W2741809807", "https://openalex.org/W2741809807"),
        WorkId(IdKind.S2, "649def34f8be52c8b66281af98ae884c09aef38b"): (
            "Semantic Scholar 649def34f8be52c8b66281af98ae884c09aef38b",
            "https://www.semanticscholar.org/paper/649def34f8be52c8b66281af98ae884c09aef38b",
        ),
        WorkId(IdKind.S2, "CorpusId:215416146"): (
            "Semantic Scholar CorpusId:215416146",
            "https://api.semanticscholar.org/CorpusID:215416146",
        ),
        WorkId(IdKind.OTHER, "smith2005"): ("Untitled work (smith2005)", None),
    }
    for work_id, (label, url) in cases.items():
        assert (id_label(work_id), id_url(work_id)) == (label, url)


def test_a_title_that_is_an_id_stands_in_for_the_work_whatever_else_is_known():
    assert stand_in_id("W06-3112") == WorkId(IdKind.ACL, "W06-3112")
    assert stand_in_id("W06-3112", "Ann Smith", 2006) == WorkId(IdKind.ACL, "W06-3112")


def test_a_key_like_word_stands_in_only_when_nothing_else_is_known():
    assert stand_in_id("smith2005") == WorkId(IdKind.OTHER, "smith2005")
    assert stand_in_id("GPT-3", "Tom Brown", None) is None
    assert stand_in_id("word2vec", None, 2013) is None
    assert stand_in_id("Bootstrapping") is None  # a one-word title, not a key


def test_without_a_title_the_work_is_known_by_its_ids_best_first():
    assert stand_in_id(None, doi="10.1/x", s2_id="abc") == WorkId(IdKind.DOI, "10.1/x")
    assert stand_in_id("  ", s2_id="649def34f8be52c8b66281af98ae884c09aef38b").kind is IdKind.S2
    assert stand_in_id(None, openalex_id="W1") == WorkId(IdKind.OPENALEX, "W1")
    assert stand_in_id(None) is None


def test_display_title():
    assert display_title("W06-3112", WorkId(IdKind.ACL, "W06-3112")) == "ACL Anthology W06-3112"
    assert display_title("  A title ", None) == "A title"
    assert display_title(None, None) == "Untitled work"
