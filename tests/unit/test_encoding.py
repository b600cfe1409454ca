"""Tests for detecting a .bib file's encoding, BOM and newlines, and writing the same bytes back."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citedesk.library.bibtex.encoding import Decoded, decode_bytes, detect_newline, encode_text

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "bibtex"
GBK_FILE = CORPUS / "python-bibtexparser" / "main" / "tests" / "resources" / "gbk_test.bib"

ENTRY = "@article{muller2019,\n  title = {Müller's Straße, café and naïve},\n  year = 2019,\n}\n"


def round_trip(data: bytes) -> bytes:
    """The bytes written back for what `decode_bytes` read."""
    decoded = decode_bytes(data)
    return encode_text(decoded.text, decoded.encoding, decoded.bom)


def is_cjk(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def test_utf8_is_decoded_without_bom() -> None:
    decoded = decode_bytes(ENTRY.encode("utf-8"))
    assert decoded == Decoded(ENTRY, "utf-8", False, "\n")


def test_utf8_bom_is_stripped_from_text_and_remembered() -> None:
    data = codecs.BOM_UTF8 + ENTRY.encode("utf-8")
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding, decoded.bom) == (ENTRY, "utf-8", True)
    assert round_trip(data) == data


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_bom(bom: bytes, encoding: str) -> None:
    data = bom + ENTRY.encode(encoding)
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding, decoded.bom) == (ENTRY, encoding, True)
    assert round_trip(data) == data


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised_by_its_zero_bytes(encoding: str) -> None:
    data = ENTRY.encode(encoding)
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding, decoded.bom) == (ENTRY, encoding, False)
    assert round_trip(data) == data


def test_cp1252_with_jabref_encoding_header() -> None:
    text = "% Encoding: windows-1252\n\n@book{k,\n  title = {“Smart” quotes cost 5 € for Müller},\n}\n"
    data = text.encode("cp1252")
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp1252"
    assert decoded.text == text
    assert round_trip(data) == data


def test_latin1_without_header_keeps_accented_letters() -> None:
    data = ENTRY.encode("latin-1")
    decoded = decode_bytes(data)
    assert decoded.text == ENTRY
    assert not decoded.bom
    assert round_trip(data) == data


def test_latin1_control_range_bytes_fall_back_to_latin1() -> None:
    # 0x81 and 0x8d are undefined in cp1252: only Latin-1 can decode them.
    data = b"@misc{k, note = {\x81\x8d \xe9}}\n"
    decoded = decode_bytes(data)
    assert decoded.encoding == "latin-1"
    assert decoded.text == data.decode("latin-1")
    assert round_trip(data) == data


def test_header_that_lies_about_utf8_falls_back_to_cp1252() -> None:
    text = "% Encoding: UTF-8\n@article{k, title = {Müller “quoted”}}\n"
    data = text.encode("cp1252")
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp1252"
    assert decoded.text == text
    assert round_trip(data) == data


def test_gbk_file_decodes_to_cjk_characters() -> None:
    data = GBK_FILE.read_bytes()
    decoded = decode_bytes(data)
    assert any(is_cjk(char) for char in decoded.text)
    assert "Test Title" in decoded.text
    assert round_trip(data) == data


def test_crlf_newlines_are_detected() -> None:
    decoded = decode_bytes(ENTRY.replace("\n", "\r\n").encode("utf-8"))
    assert decoded.newline == "\r\n"


def test_lf_newlines_are_detected() -> None:
    assert decode_bytes(ENTRY.encode("utf-8")).newline == "\n"


def test_newline_is_the_style_most_lines_use() -> None:
    assert detect_newline("a\r\nb\r\nc\nd") == "\r\n"
    assert detect_newline("a\nb\nc\r\nd") == "\n"
    assert detect_newline("no newline at all") == "\n"


def test_empty_file() -> None:
    assert round_trip(b"") == b""
    assert decode_bytes(b"").text == ""


@given(st.binary(max_size=2048))
def test_any_bytes_are_written_back_exactly(data: bytes) -> None:
    assert round_trip(data) == data


_HEADER_NAMES = [
    "UTF-8",
    "utf8",
    "windows-1252",
    "latin1",
    "ISO-8859-1",
    "utf-16",
    "utf-8-sig",
    "GBK",
    "ascii",
    "utf-7",
    "koi8-r",
    "shift_jis",
    "macroman",
    "no-such-codec",
]


@given(
    st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]),
    st.sampled_from(_HEADER_NAMES),
    st.binary(max_size=512),
)
def test_any_bytes_after_a_bom_and_an_encoding_header_are_written_back_exactly(
    bom: bytes, header: str, body: bytes
) -> None:
    data = bom + f"% Encoding: {header}\n".encode("ascii") + body
    assert round_trip(data) == data


@given(st.text(max_size=300), st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "gb18030"]), st.booleans())
def test_encoded_text_is_decoded_back_to_the_same_text(text: str, encoding: str, bom: bool) -> None:
    if encoding == "gb18030":
        bom = False
    data = encode_text(text, encoding, bom)
    assert round_trip(data) == data


@pytest.mark.parametrize("codec", ["idna", "punycode"])
def test_header_naming_a_non_text_codec_does_not_raise(codec: str) -> None:
    data = f"% Encoding: {codec}\n@misc{{a..b}}\n".encode("ascii")
    assert round_trip(data) == data
