"""A paper's files and links: the attachment fields real .bib files carry, where relative paths lead, which link
is the full text, and a file attached in JabRef's format that survives an export and a re-import."""

from __future__ import annotations

from pathlib import Path

import pytest

from citedesk import jobs
from citedesk.library import attachments
from citedesk.library.attachments import Attached, Link, LinkKind, attached_files, full_text, links_of
from citedesk.library.bibtex.values import evaluate
from citedesk.library.citation_store import paper_refs as refs
from citedesk.library.citation_store import store_result
from citedesk.library.db import open_library
from citedesk.library.queries import paper_by_key, paper_id_of_key
from citedesk.model import CitedeskError, SourceResult, WorkRecord
from citedesk.reads import Reads


@pytest.mark.parametrize(
    "value, expected",
    [
        # JabRef: Description:path:Type, `;` between files
        (
            "{Published version:papers/Smith2010.pdf:PDF;:notes/Smith2010.epub:ePUB}",
            [("Published version", "papers/Smith2010.pdf", "PDF"), ("", "notes/Smith2010.epub", "ePUB")],
        ),
        # JabRef on Windows: the drive's colon and the backslashes escaped
        (
            r"{R1:C\:\\Users\\jfd1\\group\\papers\\2019\\R1_electronics.pdf:PDF;Published version:C\:\\Users\\jfd1\\BLS Stats\\final.pdf:PDF}",
            [
                ("R1", r"C:\Users\jfd1\group\papers\2019\R1_electronics.pdf", "PDF"),
                ("Published version", r"C:\Users\jfd1\BLS Stats\final.pdf", "PDF"),
            ],
        ),
        # old JabRef: description = file name, a relative Windows path
        (
            r"{Aal2005 - pi-hype.pdf:Pi-Kalkül\\Aal2005 - pi-hype.pdf:PDF}",
            [("Aal2005 - pi-hype.pdf", r"Pi-Kalkül\Aal2005 - pi-hype.pdf", "PDF")],
        ),
        # a remote PDF, its scheme's colon escaped
        (r"{:http\://arxiv.org/pdf/0803.0142v1:PDF}", [("", "http://arxiv.org/pdf/0803.0142v1", "PDF")]),
        # Zotero / Better BibTeX in JabRef's form, with a MIME type
        (
            "{Full Text PDF:/home/ann/Zotero/storage/F64PVIN4/Robinson_2007_Theories of globalization.pdf:application/pdf}",
            [
                (
                    "Full Text PDF",
                    "/home/ann/Zotero/storage/F64PVIN4/Robinson_2007_Theories of globalization.pdf",
                    "application/pdf",
                )
            ],
        ),
        # Better BibTeX plain: paths only, `;` between them, `\:` and `\;` escaped
        (
            r"{~/BBTTEST/MobileHCI '10 2010 Pielot.pdf;files/Anonymous\:2010p7822/MobileHCI '10 2010 Pielot.pdf}",
            [
                ("", "~/BBTTEST/MobileHCI '10 2010 Pielot.pdf", ""),
                ("", "files/Anonymous:2010p7822/MobileHCI '10 2010 Pielot.pdf", ""),
            ],
        ),
        (
            r"{~/BBTTEST/Beck and Stolterman - 2017 - Literature\; Or, Shoul.pdf}",
            [("", "~/BBTTEST/Beck and Stolterman - 2017 - Literature; Or, Shoul.pdf", "")],
        ),
        # BibDesk: a plain path whose folder name holds a `;`
        (
            "{/Users/x/Bibdesk/Secondary/Iliffe.R;Smith.G/IliffeSmith - The Cambridge Companion to Newton (2016).pdf}",
            [
                (
                    "",
                    "/Users/x/Bibdesk/Secondary/Iliffe.R;Smith.G/IliffeSmith - The Cambridge Companion to Newton (2016).pdf",
                    "",
                )
            ],
        ),
        # Mendeley: the drive's colon as `$\backslash$:`, `_` as `{\_}`; on Linux the leading slash dropped
        (
            r"{:C$\backslash$:/Users/x/AppData/Local/Mendeley Ltd./Mendeley Desktop/Downloaded/Smith et al. - 2010 - Peer{\_}support.pdf:pdf}",
            [
                (
                    "",
                    "C:/Users/x/AppData/Local/Mendeley Ltd./Mendeley Desktop/Downloaded/Smith et al. - 2010 - Peer_support.pdf",
                    "pdf",
                )
            ],
        ),
        (
            '{:home/x/.local/share/data/Mendeley Ltd./Mendeley Desktop/Downloaded/M{\\"{u}}ller - 2012 - Title.pdf:pdf}',
            [
                (
                    "",
                    "home/x/.local/share/data/Mendeley Ltd./Mendeley Desktop/Downloaded/Müller - 2012 - Title.pdf",
                    "pdf",
                )
            ],
        ),
        # calibre: JabRef's items joined with ", "
        (
            '":/home/u/My library/Bielefeldt/Rechte.epub:EPUB, :/home/u/My library/Bielefeldt/Rechte.pdf:PDF"',
            [
                ("", "/home/u/My library/Bielefeldt/Rechte.epub", "EPUB"),
                ("", "/home/u/My library/Bielefeldt/Rechte.pdf", "PDF"),
            ],
        ),
        # Bookends / BibDesk file URLs, and a web address in the field
        (
            "{file://localhost/Users/user/Documents/Bookends/Attachments/Ahmad%20et%20al%202015.pdf}",
            [("", "file://localhost/Users/user/Documents/Bookends/Attachments/Ahmad%20et%20al%202015.pdf", "")],
        ),
        (
            "{https://hal.inria.fr/hal-02090402/file/scilab-1.1.tar.gz}",
            [("", "https://hal.inria.fr/hal-02090402/file/scilab-1.1.tar.gz", "")],
        ),
        ("{fenz2010resource.pdf}", [("", "fenz2010resource.pdf", "")]),
        ("{{}}", []),
    ],
)
def test_attachment_fields_as_tools_write_them(value, expected):
    assert attached_files(evaluate(value, {})) == [Attached(*item) for item in expected]


BIB = r"""@Comment{{jabref-meta: fileDirectory:pdfs;}}

@article{{jabref2010,
  title = {{Peer support}},
  year = 2010,
  doi = {{10.1000/peer.2010}},
  file = {{Published version:papers/jabref2010.pdf:PDF;:notes/jabref2010.epub:ePUB;:pdfs/jabref2010-supplement.pdf:PDF}},
}}

@article{{zotero2011,
  title = {{Zotero's}},
  file = {{Full Text PDF:{zotero}:application/pdf}},
}}

@article{{mendeley2012,
  title = {{Mendeley's}},
  file = {{:{mendeley}:pdf;:C$\backslash$:/Users/x/Mendeley Desktop/Downloaded/Smith - 2012 - Peer{{\_}}support.pdf:pdf}},
}}

@article{{folders2013,
  title = {{Relative paths}},
  file = {{both.pdf;bibonly.pdf;inner.pdf;gone.pdf}},
  pdf = {{old-jabref.pdf}},
}}

@article{{links2014,
  title = {{Links only}},
  doi = {{10.1000/links.2014}},
  eprint = {{1706.03762}},
  archiveprefix = {{arXiv}},
  url = {{https://example.org/papers/links\_2014.html}},
}}

@misc{{urlonly, title = {{A web page}}, url = {{https://example.org/only}}}}
@misc{{arxivonly, title = {{A preprint}}, eprint = {{2007.14454}}, eprinttype = {{arxiv}}, url = {{https://arxiv.org/abs/2007.14454}}}}
@misc{{doionly, title = {{DOI}}, doi = {{10.1000/only}}, url = {{https://doi.org/10.1000/only}}}}
@misc{{nothing, title = {{Nothing at all}}}}
"""


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4\n")
    return path


@pytest.fixture
def library(tmp_path):
    """A library of entries as JabRef, Zotero and Mendeley write them; its .bib in bib/, attachments in files/."""
    bib = tmp_path / "bib"
    for name in (
        "papers/jabref2010.pdf",
        "pdfs/jabref2010-supplement.pdf",
        "both.pdf",
        "bibonly.pdf",
        "pdfs/inner.pdf",
    ):
        touch(bib / name)
    zotero = touch(tmp_path / "Zotero" / "storage" / "F64PVIN4" / "zotero2011.pdf")
    mendeley = touch(tmp_path / "Mendeley Desktop" / "Downloaded" / "Müller - 2012 - Title.pdf")
    touch(tmp_path / "files" / "both.pdf")
    source = bib / "refs.bib"
    text = BIB.format(zotero=zotero, mendeley=str(mendeley).lstrip("/").replace("_", r"{\_}"))
    source.write_text(text, encoding="utf-8")
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [source], workers=1)
    jobs.set_attachment_folder(path, tmp_path / "files")
    db = open_library(path)
    yield db
    db.close()


def links(db, key: str) -> list[tuple[LinkKind, str, str, bool]]:
    return [(link.kind, link.label, link.target, link.exists) for link in links_of(db, paper_id_of_key(db, key))]


def test_jabref_files_resolve_against_the_bib_folder_and_its_jabref_file_directory(library, tmp_path):
    bib = tmp_path / "bib"
    assert links(library, "jabref2010") == [
        (LinkKind.PDF, "PDF (Published version)", str(bib / "papers/jabref2010.pdf"), True),
        (LinkKind.PDF, "PDF", str(bib / "pdfs/jabref2010-supplement.pdf"), True),
        (LinkKind.FILE, "EPUB", str(tmp_path / "files/notes/jabref2010.epub"), False),  # missing: where it belongs
        (LinkKind.DOI, "DOI", "https://doi.org/10.1000/peer.2010", True),
    ]


def test_zotero_and_mendeley_paths(library, tmp_path):
    assert links(library, "zotero2011") == [
        (LinkKind.PDF, "PDF", str(tmp_path / "Zotero/storage/F64PVIN4/zotero2011.pdf"), True)
    ]
    mendeley, windows = links(library, "mendeley2012")
    assert mendeley == (
        LinkKind.PDF,
        "PDF",
        str(tmp_path / "Mendeley Desktop/Downloaded/Müller - 2012 - Title.pdf"),
        True,
    )
    assert windows[2:] == ("C:/Users/x/Mendeley Desktop/Downloaded/Smith - 2012 - Peer_support.pdf", False)


def test_relative_paths_try_the_attachment_folder_then_the_bib_folder(library, tmp_path):
    files, bib = tmp_path / "files", tmp_path / "bib"
    assert [(target, exists) for _, _, target, exists in links(library, "folders2013")] == [
        (str(files / "both.pdf"), True),  # in both: the attachment folder first
        (str(bib / "bibonly.pdf"), True),
        (str(bib / "pdfs/inner.pdf"), True),  # in the folder the .bib's jabref-meta names
        (str(files / "gone.pdf"), False),
        (str(files / "old-jabref.pdf"), False),  # the pdf field, read the same way
    ]


def test_ids_and_url_become_links_and_a_url_that_repeats_an_id_is_left_out(library):
    assert links(library, "links2014") == [
        (LinkKind.DOI, "DOI", "https://doi.org/10.1000/links.2014", True),
        (LinkKind.ARXIV, "arXiv", "https://arxiv.org/abs/1706.03762", True),
        (LinkKind.URL, "Web page", "https://example.org/papers/links_2014.html", True),
    ]
    assert [kind for kind, *_ in links(library, "arxivonly")] == [LinkKind.ARXIV]
    assert [kind for kind, *_ in links(library, "doionly")] == [LinkKind.DOI]
    assert links(library, "nothing") == []


def give_open_access(db, key: str, url: str | None, source: str = "openalex") -> None:
    [ref] = refs(db, [key])
    store_result(db, ref, SourceResult(source=source, work=WorkRecord(oa_url=url)), "2026-03-01T10:00:00+00:00")


def test_full_text_prefers_an_attached_pdf_then_open_access_then_doi_arxiv_and_url(library):
    def best(key: str) -> Link | None:
        return full_text(library, paper_id_of_key(library, key))

    give_open_access(library, "jabref2010", "https://example.org/oa/jabref2010.pdf")
    assert best("jabref2010").target.endswith("papers/jabref2010.pdf")
    assert best("folders2013").target.endswith("files/both.pdf")
    give_open_access(library, "links2014", "https://example.org/oa/links2014.pdf")
    assert (best("links2014").kind, best("links2014").label) == (LinkKind.OPEN_ACCESS_PDF, "Open access PDF")
    assert best("doionly").kind is LinkKind.DOI
    assert best("arxivonly").kind is LinkKind.ARXIV
    assert best("urlonly").target == "https://example.org/only"
    assert best("nothing") is None


def test_a_missing_pdf_gives_way_to_the_open_access_copy_which_no_later_source_erases(library):
    paper_id = paper_id_of_key(library, "folders2013")
    library.execute("UPDATE papers SET fields = ? WHERE id = ?", ['[["file", "{gone.pdf}"]]', paper_id])
    assert full_text(library, paper_id) is None
    give_open_access(library, "folders2013", "https://example.org/oa/a.pdf")
    give_open_access(library, "folders2013", None, source="crossref")  # knows no copy: the stored one stays
    assert full_text(library, paper_id) == Link(
        LinkKind.OPEN_ACCESS_PDF, "Open access PDF", "https://example.org/oa/a.pdf", True
    )
    stored = library.execute("SELECT oa_url, oa_source, oa_fetched_at FROM works WHERE paper_id = ?", [paper_id])
    assert stored.fetchone() == ("https://example.org/oa/a.pdf", "openalex", "2026-03-01T10:00:00+00:00")
    assert links_of(library, paper_id)[0].exists is False and len(links_of(library, paper_id)) == 2


def test_the_attachment_folder_defaults_to_attachments_beside_the_library(tmp_path):
    path = tmp_path / "lib" / "library.sqlite"
    assert jobs.attachment_folder(path) == tmp_path / "lib" / "attachments"
    assert jobs.set_attachment_folder(path, tmp_path / "pdfs") == tmp_path / "pdfs"
    assert jobs.attachment_folder(path) == tmp_path / "pdfs"
    assert jobs.set_attachment_folder(path, None) == tmp_path / "lib" / "attachments"


ENTRY = "@article{tse2019,\n  author  = {Tse, Ann},\n  title   = {A {Study} of Things},\n  year    = 2019,\n}"


@pytest.fixture
def plain(tmp_path):
    """A library with one entry without files; its attachment folder is tmp/attachments."""
    source = tmp_path / "refs.bib"
    source.write_text(ENTRY + "\n", encoding="utf-8")
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [source], workers=1)
    with Reads.open(path) as reads:
        return path, reads.paper_id_of_key("tse2019")


def raw_of(path, key: str = "tse2019") -> str:
    with Reads.open(path) as reads:
        return reads.paper_by_key(key).raw


def test_attaching_writes_jabrefs_format_and_changes_only_that_field(plain, tmp_path):
    path, paper_id = plain
    inside = touch(tmp_path / "attachments" / "Tse 2019; a:b.pdf")
    outside = touch(tmp_path / "elsewhere" / "supplement.pdf")
    state = jobs.attach_file(path, paper_id, inside)
    assert raw_of(path) == ENTRY[:-1] + "  file    = {:Tse 2019\\; a\\:b.pdf:PDF},\n}"
    jobs.attach_file(path, paper_id, outside)
    written = f"{{:Tse 2019\\; a\\:b.pdf:PDF;:{outside}:PDF}}"
    assert raw_of(path) == ENTRY[:-1] + f"  file    = {written},\n}}"
    with Reads.open(path) as reads:
        assert [(link.target, link.exists) for link in reads.links(paper_id)] == [
            (str(inside), True),
            (str(outside), True),
        ]
        assert reads.full_text(paper_id).target == str(inside)
    assert jobs.restore_paper_edit(path, state) == "tse2019"
    assert raw_of(path) == ENTRY


def test_attaching_appends_to_the_files_an_entry_names_in_its_own_delimiters(tmp_path):
    folder = tmp_path / "attachments"
    assert attachments.appended(None, ":a.pdf:PDF") == "{:a.pdf:PDF}"
    assert attachments.appended('":old.pdf:PDF"', ":a.pdf:PDF") == '":old.pdf:PDF;:a.pdf:PDF"'
    assert attachments.appended("{/x/old.pdf;}", ":a.pdf:PDF") == "{/x/old.pdf;:a.pdf:PDF}"
    assert attachments.jabref_item(folder / "sub" / "a b.PDF", folder) == ":sub/a b.PDF:PDF"
    assert attachments.jabref_item(Path("/data/notes.epub"), folder) == ":/data/notes.epub:EPUB"


def test_attaching_refuses_a_missing_file_a_folder_and_a_file_already_attached(plain, tmp_path):
    path, paper_id = plain
    with pytest.raises(CitedeskError, match="There is no file"):
        jobs.attach_file(path, paper_id, tmp_path / "nowhere.pdf")
    with pytest.raises(CitedeskError, match="is a folder"):
        jobs.attach_file(path, paper_id, tmp_path)
    pdf = touch(tmp_path / "attachments" / "a.pdf")
    jobs.attach_file(path, paper_id, pdf)
    with pytest.raises(CitedeskError, match=r"a\.pdf is already attached to tse2019"):
        jobs.attach_file(path, paper_id, pdf)


def test_an_existing_jabref_file_field_keeps_its_name_and_files(tmp_path):
    source = tmp_path / "refs.bib"
    source.write_text("@Article{k,\n  Title = {T},\n  File = {Draft:draft.pdf:PDF},\n}\n", encoding="utf-8")
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [source], workers=1)
    pdf = touch(tmp_path / "attachments" / "final.pdf")
    with Reads.open(path) as reads:
        paper_id = reads.paper_id_of_key("k")
    jobs.attach_file(path, paper_id, pdf)
    assert raw_of(path, "k") == "@Article{k,\n  Title = {T},\n  File = {Draft:draft.pdf:PDF;:final.pdf:PDF},\n}"


@pytest.mark.parametrize("where", ["same attachment folder", "bib in the attachment folder", "outside"])
def test_an_attached_file_survives_export_and_reimport(plain, tmp_path, where):
    path, paper_id = plain
    folder = tmp_path / ("elsewhere" if where == "outside" else "attachments")
    pdf = touch(folder / "Tse 2019.pdf")
    jobs.attach_file(path, paper_id, pdf)
    exported = (folder if where == "bib in the attachment folder" else tmp_path / "out") / "export.bib"
    exported.parent.mkdir(exist_ok=True)
    jobs.export_bibtex(path, exported, paper_ids=[paper_id])
    assert "  file    = {:" in exported.read_text(encoding="utf-8")
    other = tmp_path / "other" / "library.sqlite"
    jobs.import_bibtex(other, [exported], workers=1)
    if where == "same attachment folder":
        jobs.set_attachment_folder(other, tmp_path / "attachments")
    db = open_library(other)
    try:
        paper = paper_by_key(db, "tse2019")
        assert dict(paper.fields)["file"] == ("{:Tse 2019.pdf:PDF}" if where != "outside" else f"{{:{pdf}:PDF}}")
        assert full_text(db, paper.id) == Link(LinkKind.PDF, "PDF", str(pdf), True)
    finally:
        db.close()


def test_a_file_name_written_in_seven_bit_latex_still_resolves(plain, tmp_path):
    path, paper_id = plain
    pdf = touch(tmp_path / "attachments" / "Müller Straße.pdf")
    jobs.attach_file(path, paper_id, pdf)
    exported = tmp_path / "attachments" / "export.bib"
    jobs.export_bibtex(path, exported, paper_ids=[paper_id], seven_bit=True)
    assert exported.read_bytes().isascii()
    other = tmp_path / "other" / "library.sqlite"
    jobs.import_bibtex(other, [exported], workers=1)
    with Reads.open(other) as reads:
        assert reads.full_text(reads.paper_id_of_key("tse2019")) == Link(LinkKind.PDF, "PDF", str(pdf), True)


def test_an_acl_anthology_page_gives_its_open_access_pdf(tmp_path):
    bib = tmp_path / "acl.bib"
    bib.write_text(
        "@inproceedings{P02-1040, title = {Bleu}, author = {Papineni, Kishore}, year = 2002,\n"
        "  url = {http://aclweb.org/anthology/P02-1040}}\n"
        "@inproceedings{new, title = {New}, year = 2020, url = {https://aclanthology.org/2020.acl-main.1/}}\n"
        "@inproceedings{other, title = {Elsewhere}, year = 2020, url = {https://example.org/anthology/P02-1040}}\n",
        encoding="utf-8",
    )
    library = tmp_path / "library.sqlite"
    jobs.import_bibtex(library, [bib], workers=1)
    with Reads.open(library) as reads:
        found = {key: reads.full_text(reads.paper_id_of_key(key)) for key in ("P02-1040", "new", "other")}
        bleu = reads.links(reads.paper_id_of_key("P02-1040"))
    assert found["P02-1040"].target == "https://aclanthology.org/P02-1040.pdf"
    assert found["P02-1040"].kind is LinkKind.OPEN_ACCESS_PDF
    assert found["new"].target == "https://aclanthology.org/2020.acl-main.1.pdf"
    assert found["other"].kind is LinkKind.URL  # not the Anthology: only its page
    assert [link.label for link in bleu] == ["Open access PDF", "Web page"]
