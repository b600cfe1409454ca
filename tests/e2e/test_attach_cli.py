"""`citedesk attach` and `attachment-folder`: a PDF written into the entry in JabRef's format, kept through an
export and a re-import, listed by `citedesk show`, and one sentence for what cannot be attached."""

from __future__ import annotations

from test_cli import make_env, one_error_line, run

BIB = """@article{tse2017,
  title = {Peer support workers in Hong Kong},
  author = {Tse, Samson},
  year = 2017,
  doi = {10.1016/j.psychres.2017.05.007},
}
"""


def test_an_attached_pdf_survives_export_and_re_import(tmp_path):
    papers = tmp_path / "papers"
    (papers / "2017").mkdir(parents=True)
    (papers / "2017" / "Tse: peer support.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (tmp_path / "lib.bib").write_text(BIB, encoding="utf-8")
    env = make_env(tmp_path / "library.sqlite")
    run("import", tmp_path / "lib.bib", env=env)
    assert run("attachment-folder", papers, env=env).stdout.strip() == f"Attachment folder: {papers}"
    run("attach", "tse2017", papers / "2017" / "Tse: peer support.pdf", env=env)

    shown = run("show", "tse2017", env=env).stdout
    assert f"PDF:              {papers / '2017' / 'Tse: peer support.pdf'}\n" in shown
    assert "DOI:              https://doi.org/10.1016/j.psychres.2017.05.007" in shown
    exported = tmp_path / "out.bib"
    run("export", "--output", exported, env=env)
    text = exported.read_text(encoding="utf-8")
    assert "file = {:2017/Tse\\: peer support.pdf:PDF}" in text  # relative, with JabRef's escaped colon

    again = make_env(tmp_path / "again.sqlite")
    run("import", exported, env=again)
    run("attachment-folder", papers, env=again)
    assert (
        f"PDF:              {papers / '2017' / 'Tse: peer support.pdf'}\n" in run("show", "tse2017", env=again).stdout
    )
    run("attachment-folder", "--reset", env=again)  # elsewhere: the file is not found, and says so
    assert "Tse: peer support.pdf  (missing)" in run("show", "tse2017", env=again).stdout


def test_attach_says_in_one_line_what_is_wrong(tmp_path):
    (tmp_path / "lib.bib").write_text(BIB, encoding="utf-8")
    env = make_env(tmp_path / "library.sqlite")
    run("import", tmp_path / "lib.bib", env=env)
    missing = one_error_line(run("attach", "tse2017", tmp_path / "nope.pdf", env=env, check_ok=False))
    assert missing == f"citedesk: There is no file {tmp_path / 'nope.pdf'}; nothing was attached"
    folder = one_error_line(run("attach", "tse2017", tmp_path, env=env, check_ok=False))
    assert folder == f"citedesk: {tmp_path} is a folder, not a file; nothing was attached"
    not_a_folder = one_error_line(run("attachment-folder", tmp_path / "lib.bib", env=env, check_ok=False))
    assert not_a_folder.endswith("is a file, not a folder; the attachment folder is unchanged")
    unknown = one_error_line(run("attach", "nosuch", tmp_path / "lib.bib", env=env, check_ok=False))
    assert unknown.startswith("citedesk: No paper with the key 'nosuch'")
