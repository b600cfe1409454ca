"""Tests for DOI and arXiv identifier normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citedesk.library.identifiers import (
    arxiv_from_fields,
    doi_from_url,
    normalize_arxiv,
    normalize_doi,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("  10.1000/ABC  ", "10.1000/abc"),
        ("doi:10.1000/xyz", "10.1000/xyz"),
        ("DOI: 10.1000/xyz", "10.1000/xyz"),
        ("https://doi.org/10.1000/xyz", "10.1000/xyz"),
        ("http://dx.doi.org/10.1000/xyz", "10.1000/xyz"),
        ("https://www.doi.org/10.1000/xyz", "10.1000/xyz"),
        ("doi.org/10.1000/xyz", "10.1000/xyz"),
        ("https://doi.org/10.1000%2Fxyz", "10.1000/xyz"),
        ("10.1016/0927-0256(96)00008-0", "10.1016/0927-0256(96)00008-0"),
        ("10.1016%2F0927-0256%2896%2900008-0", "10.1016/0927-0256(96)00008-0"),
        (r"10.1002/andp.19053220806\_x", "10.1002/andp.19053220806_x"),
        ("{10.1000/xyz}", "10.1000/xyz"),
        ("{https://doi.org/10.1000/XYZ}", "10.1000/xyz"),
        ("10.1/x", None),
        ("10.1000/", None),
        ("10.1000/has space", None),
        ("not a doi", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_doi(value: str | None, expected: str | None) -> None:
    assert normalize_doi(value) == expected


@given(st.text())
def test_normalize_doi_is_idempotent_on_any_text(value: str) -> None:
    doi = normalize_doi(value)
    if doi is not None:
        assert normalize_doi(doi) == doi


DOI_LIKE = st.from_regex(r"(doi:|https://doi\.org/|)10\.\d{4,9}/[A-Za-z0-9.()_\-]{1,20}", fullmatch=True)


@given(DOI_LIKE)
def test_normalize_doi_is_idempotent_on_doi_like_text(value: str) -> None:
    doi = normalize_doi(value)
    assert doi is not None
    assert normalize_doi(doi) == doi
    assert doi == doi.lower()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://doi.org/10.1000/xyz", "10.1000/xyz"),
        ("https://dl.acm.org/doi/pdf/10.1145/3442188.3445922", "10.1145/3442188.3445922"),
        (
            "https://link.springer.com/chapter/10.1007/978-3-030-58452-8_13",
            "10.1007/978-3-030-58452-8_13",
        ),
        ("https://doi.org/10.1000/xyz?download=true#top", "10.1000/xyz"),
        ("https://doi.org/10.1000%2FXYZ", "10.1000/xyz"),
        ("https://arxiv.org/abs/1706.03762", None),
        ("", None),
        (None, None),
    ],
)
def test_doi_from_url(url: str | None, expected: str | None) -> None:
    assert doi_from_url(url) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1706.03762", "1706.03762"),
        ("arXiv:1706.03762v5", "1706.03762"),
        ("arxiv: 1706.03762", "1706.03762"),
        ("https://arxiv.org/abs/1706.03762", "1706.03762"),
        ("http://arxiv.org/abs/1706.03762v2", "1706.03762"),
        ("https://arxiv.org/pdf/1706.03762v1.pdf", "1706.03762"),
        ("https://export.arxiv.org/abs/2101.00001", "2101.00001"),
        ("0704.0001", "0704.0001"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("arXiv:hep-th/9901001v3", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("{1706.03762}", "1706.03762"),
        ("1713.03762", None),
        ("17060.3762", None),
        ("see 1706.03762", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_arxiv(value: str | None, expected: str | None) -> None:
    assert normalize_arxiv(value) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"eprint": "1706.03762", "archiveprefix": "arXiv"}, "1706.03762"),
        ({"eprint": "1706.03762v3", "archivePrefix": "{arXiv}"}, "1706.03762"),
        ({"eprint": "hep-th/9901001", "eprinttype": "arxiv"}, "hep-th/9901001"),
        ({"arxiv": "arXiv:1810.04805"}, "1810.04805"),
        ({"url": "https://arxiv.org/abs/1810.04805v2"}, "1810.04805"),
        ({"journal": "arXiv preprint arXiv:1810.04805"}, "1810.04805"),
        ({"journal": "ArXiv preprint arXiv:1810.04805v1, 2018."}, "1810.04805"),
        ({"eprint": "1706.03762"}, None),
        ({"eprint": "1706.03762", "eprinttype": "jstor"}, None),
        ({"url": "https://example.org/1706.03762"}, None),
        ({"journal": "Nature"}, None),
        ({}, None),
    ],
)
def test_arxiv_from_fields(fields: dict[str, str], expected: str | None) -> None:
    assert arxiv_from_fields(fields) == expected


FIELD_NAMES = st.sampled_from(["eprint", "archiveprefix", "arxiv", "url", "journal"])


@given(st.dictionaries(FIELD_NAMES, st.text()))
def test_arxiv_from_fields_never_raises(fields: dict[str, str]) -> None:
    found = arxiv_from_fields(fields)
    assert found is None or normalize_arxiv(found) == found
