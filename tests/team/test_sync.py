"""Libraries shared through a real PostgreSQL server: what one sends the others take, byte for byte; edits of
the same paper on two sides are conflicts kept until chosen; deletions, tags, and cut-off pushes."""

from __future__ import annotations

import json

import pytest
from team import GRAL, client, exported_file, no_keyring, paper_id, records  # noqa: F401

from citedesk import jobs
from citedesk.jobs.sharing import Prefer
from citedesk.library.db import open_library
from citedesk.model import CitedeskError
from citedesk.team import sending


def two_members(tmp_path, shared_url):
    """A with gral.bib and B empty, both connected: the same papers on both sides."""
    a, b = client(tmp_path, "a"), client(tmp_path, "b")
    jobs.import_bibtex(a, [GRAL], workers=1)
    jobs.connect_shared(a, shared_url)
    jobs.connect_shared(b, shared_url)
    return a, b


def test_an_empty_library_takes_everything_and_exports_the_file_byte_for_byte(tmp_path, shared_url):
    a, b = client(tmp_path, "a"), client(tmp_path, "b")
    jobs.import_bibtex(a, [GRAL], workers=1)
    sent = jobs.connect_shared(a, shared_url)
    assert sent.sent == len(records(a)) > 0 and sent.conflicts == []
    taken = jobs.connect_shared(b, shared_url)
    assert taken.received == len(records(a))
    assert records(b) == records(a)
    assert exported_file(b, "gral.bib", tmp_path / "b.bib") == GRAL.read_bytes()
    assert jobs.share_status(b).waiting == 0 and jobs.share_status(b).url == shared_url.replace(":admin-secret", "")


def test_edits_tags_and_deletions_travel_and_a_second_sync_changes_nothing(tmp_path, shared_url):
    a, b = two_members(tmp_path, shared_url)
    keys = sorted(records(a))
    jobs.edit_paper(a, paper_id(a, keys[0]), fields={"note": "{Read in the group meeting}"})
    jobs.tag_papers(a, [paper_id(a, keys[1])], name="reading")
    jobs.remove_papers(a, [paper_id(a, keys[2])])
    assert jobs.share_status(a).waiting == 3
    report = jobs.sync_shared(a)
    assert (report.sent, report.deleted_there) == (2, 1)
    taken = jobs.sync_shared(b)
    assert (taken.received, taken.deleted_here) == (2, 1)
    assert records(b) == records(a)
    assert "Read in the group meeting" in records(b)[keys[0]][0]
    assert records(b)[keys[1]][3] == "reading" and keys[2] not in records(b)
    again = jobs.sync_shared(b)
    assert (again.sent, again.received, again.deleted_here) == (0, 0, 0)


def test_a_paper_edited_on_both_sides_is_a_conflict_and_both_versions_are_kept(tmp_path, shared_url):
    a, b = two_members(tmp_path, shared_url)
    key = sorted(records(a))[0]
    jobs.edit_paper(a, paper_id(a, key), fields={"note": "{A's note}"})
    jobs.edit_paper(b, paper_id(b, key), fields={"note": "{B's note}"})
    jobs.sync_shared(a)
    report = jobs.sync_shared(b)
    assert report.conflicts == [key]
    assert "B's note" in records(b)[key][0]  # nothing overwritten: B keeps its edit ...
    db = open_library(b)
    theirs = json.loads(db.execute("SELECT theirs FROM shared_conflicts").fetchone()[0])
    db.close()
    assert "A's note" in theirs["raw"]  # ... and has A's beside it
    assert jobs.sync_shared(b).conflicts == [key]  # until it chooses
    assert "A's note" in records(a)[key][0] and jobs.sync_shared(a).received == 0

    settled = jobs.sync_shared(b, prefer=Prefer.THEIRS)
    assert settled.conflicts == [] and "A's note" in records(b)[key][0]
    assert records(b) == records(a)


def test_prefer_mine_sends_my_version_over_theirs(tmp_path, shared_url):
    a, b = two_members(tmp_path, shared_url)
    key = sorted(records(a))[0]
    jobs.edit_paper(a, paper_id(a, key), fields={"note": "{A's note}"})
    jobs.edit_paper(b, paper_id(b, key), fields={"note": "{B's note}"})
    jobs.sync_shared(a)
    assert jobs.sync_shared(b).conflicts == [key]
    assert jobs.sync_shared(b, prefer=Prefer.MINE).conflicts == []
    jobs.sync_shared(a)
    assert "B's note" in records(a)[key][0] and records(a) == records(b)


def test_a_push_cut_off_after_the_server_committed_is_finished_by_the_next_sync(tmp_path, shared_url, monkeypatch):
    a, b = client(tmp_path, "a"), client(tmp_path, "b")
    jobs.import_bibtex(a, [GRAL], workers=1)

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # as if the process died between the server's commit and ours

    noted = sending._note_sent
    monkeypatch.setattr(sending, "_note_sent", killed)
    with pytest.raises(KeyboardInterrupt):
        jobs.connect_shared(a, shared_url)
    monkeypatch.setattr(sending, "_note_sent", noted)
    report = jobs.sync_shared(a)
    assert report.sent == len(records(a)) and report.conflicts == [] and report.problems == []
    jobs.connect_shared(b, shared_url)
    assert records(b) == records(a)  # once each: nothing sent twice


def test_not_connected_and_unreachable_are_one_sentence(tmp_path, postgres):
    a = client(tmp_path, "a")
    jobs.import_bibtex(a, [GRAL], workers=1)
    with pytest.raises(CitedeskError, match="not connected to a shared library"):
        jobs.sync_shared(a)
    with pytest.raises(CitedeskError, match=r"Cannot reach the shared library postgresql://nobody@127\.0\.0\.1:1/x"):
        jobs.connect_shared(a, "postgresql://nobody:pw@127.0.0.1:1/x")
    assert jobs.share_status(a).url is None


def test_a_read_only_role_takes_the_library_and_its_writes_are_refused_in_one_sentence(tmp_path, postgres, shared_url):
    a, b = client(tmp_path, "a"), client(tmp_path, "b")
    jobs.import_bibtex(a, [GRAL], workers=1)
    jobs.connect_shared(a, shared_url)
    database = shared_url.rsplit("/", 1)[1]
    postgres.create_role("reader", "reader-secret")
    postgres.sql('GRANT SELECT ON ALL TABLES IN SCHEMA public TO "reader"', database)
    reader_url = postgres.url(database, "reader", "reader-secret")
    jobs.connect_shared(b, reader_url)
    assert records(b) == records(a)
    key = sorted(records(b))[0]
    jobs.edit_paper(b, paper_id(b, key), fields={"note": "{not allowed}"})
    refused = jobs.sync_shared(b)
    [problem] = refused.problems
    assert problem.reason.startswith("Your role may read the shared library but not write to it (permission denied")
    assert problem.reason.endswith("1 change kept in this library only; ask its owner for write access")
    assert jobs.share_status(b).waiting == 0 and jobs.share_status(b).kept_here == 1  # not queued forever
    assert jobs.sync_shared(b).problems == []  # and not refused again at every sync
    assert "not allowed" not in records(a)[key][0] and "not allowed" in records(b)[key][0]
    other = sorted(records(a))[1]
    jobs.edit_paper(a, paper_id(a, other), fields={"note": "{from a writer}"})
    jobs.sync_shared(a)
    assert jobs.sync_shared(b).received == 1 and "from a writer" in records(b)[other][0]  # it still reads


def test_a_member_role_with_the_grants_the_readme_names_can_send_and_take(tmp_path, postgres, shared_url):
    a, b = client(tmp_path, "a"), client(tmp_path, "b")
    jobs.import_bibtex(a, [GRAL], workers=1)
    jobs.connect_shared(a, shared_url)  # the owner: creates the schema
    database = shared_url.rsplit("/", 1)[1]
    postgres.create_role("ann", "ann-secret")
    for grant in (  # as the README says
        'GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO "ann"',
        'GRANT USAGE ON SEQUENCE citedesk_seq TO "ann"',
    ):
        postgres.sql(grant, database)
    jobs.connect_shared(b, postgres.url(database, "ann", "ann-secret"))
    key = sorted(records(b))[0]
    jobs.edit_paper(b, paper_id(b, key), fields={"note": "{from a member}"})
    (tmp_path / "new.bib").write_text("@misc{ann2026, title = {Added by a member}, year = 2026}\n", encoding="utf-8")
    jobs.import_bibtex(b, [tmp_path / "new.bib"], workers=1)
    report = jobs.sync_shared(b)
    assert report.problems == [] and report.sent == 2
    jobs.sync_shared(a)
    assert records(a) == records(b)


def test_two_members_who_imported_the_same_file_end_with_one_copy_and_a_changed_entry_is_a_conflict(
    tmp_path, shared_url
):
    a, b = client(tmp_path, "a"), client(tmp_path, "b")
    jobs.import_bibtex(a, [GRAL], workers=1)
    jobs.import_bibtex(b, [GRAL], workers=1)
    key, tagged = sorted(records(a))[:2]
    jobs.edit_paper(b, paper_id(b, key), fields={"note": "{b's own copy}"})
    jobs.tag_papers(b, [paper_id(b, tagged)], name="b-reading")
    jobs.connect_shared(a, shared_url)
    report = jobs.connect_shared(b, shared_url)
    assert report.problems == [] and report.conflicts == [key]  # the one entry that differs
    jobs.sync_shared(b, prefer=Prefer.MINE)
    jobs.sync_shared(a)
    assert records(a) == records(b)  # one copy of each paper, b's note and b's tag on both
    assert "b's own copy" in records(a)[key][0] and records(a)[tagged][3] == "b-reading"
    assert exported_file(a, "gral.bib", tmp_path / "a.bib") == exported_file(b, "gral.bib", tmp_path / "b.bib")
    db = open_library(a)
    assert db.execute("SELECT count(*) FROM source_files").fetchone()[0] == 1  # one file, both members' papers
    db.close()
    import psycopg

    with psycopg.connect(shared_url) as conn:
        assert conn.execute("SELECT count(*) FROM papers WHERE NOT deleted").fetchone()[0] == len(records(a))


def test_an_edit_that_takes_another_shared_papers_key_is_said_and_the_rest_is_sent(tmp_path, shared_url):
    a, b = two_members(tmp_path, shared_url)
    first, second, third = sorted(records(a))[:3]
    jobs.edit_paper(a, paper_id(a, first), fields={}, citekey="renamed-here")
    jobs.sync_shared(a)
    jobs.edit_paper(b, paper_id(b, second), fields={}, citekey="renamed-here")  # b had not seen a's rename
    jobs.edit_paper(b, paper_id(b, third), fields={"note": "{still sent}"})
    report = jobs.sync_shared(b)
    assert report.problems[0].reason == (
        "renamed-here is not sent: another paper in the shared library has that key; rename one of them"
    )
    jobs.sync_shared(a)
    assert "still sent" in records(a)[third][0]
    # b also takes a's rename of the first paper to the key its own second paper has: kept as a conflict, said
    assert any("renamed renamed-here in the shared library" in p.reason for p in report.problems)
    [conflict] = jobs.shared_conflicts(b)
    assert conflict.citekey == first
    with pytest.raises(CitedeskError, match="Another paper here has the key renamed-here: rename it first"):
        jobs.settle_conflict(b, conflict.paper_id, {c.name: c.theirs for c in conflict.fields})
    jobs.settle_conflict(b, conflict.paper_id, {c.name: c.mine for c in conflict.fields})  # keep my key
    jobs.edit_paper(b, paper_id(b, "renamed-here"), fields={}, citekey="second-renamed")
    jobs.sync_shared(b)
    jobs.sync_shared(a)
    assert records(a) == records(b) and {first, "second-renamed"} <= set(records(a))


def test_connecting_to_another_shared_library_sends_everything_there(tmp_path, postgres, shared_url):
    a = client(tmp_path, "a")
    jobs.import_bibtex(a, [GRAL], workers=1)
    jobs.connect_shared(a, shared_url)
    jobs.disconnect_shared(a)
    other = postgres.url("another_lab")
    report = jobs.connect_shared(a, other)
    assert report.sent == len(records(a)) and report.problems == []
    b = client(tmp_path, "b")
    jobs.connect_shared(b, other)
    assert records(b) == records(a)


def test_a_conflict_settled_field_by_field_sends_the_mix_to_everyone(tmp_path, shared_url):
    a, b = two_members(tmp_path, shared_url)
    key = "rashid2016"
    jobs.edit_paper(a, paper_id(a, key), fields={"note": "{A's note}", "year": "{2017}"})
    jobs.edit_paper(b, paper_id(b, key), fields={"note": "{B's note}", "keywords": "{sensors}"})
    jobs.sync_shared(a)
    jobs.sync_shared(b)
    [conflict] = jobs.shared_conflicts(b)
    assert conflict.theirs_by == "citedesk_admin" and len(conflict.theirs_at or "") == len("2026-12-07 16:10")
    rows = {choice.name: choice for choice in conflict.fields}
    assert (rows["note"].mine, rows["note"].theirs) == ("{B's note}", "{A's note}")
    assert rows["year"].theirs == "{2017}" and rows["keywords"].theirs is None and not rows["(key)"].differs
    chosen = {choice.name: choice.mine for choice in conflict.fields}
    chosen["year"] = rows["year"].theirs  # their year, my note and keywords
    jobs.settle_conflict(b, conflict.paper_id, chosen)
    assert jobs.shared_conflicts(b) == [] and jobs.sync_shared(b).conflicts == []
    jobs.sync_shared(a)
    raw = records(a)[key][0]
    assert "{2017}" in raw and "B's note" in raw and "sensors" in raw and "A's note" not in raw
    assert records(a) == records(b)


def test_a_paper_deleted_there_and_edited_here_can_be_kept_or_let_go(tmp_path, shared_url):
    a, b = two_members(tmp_path, shared_url)
    kept, gone = sorted(records(a))[:2]
    jobs.remove_papers(a, [paper_id(a, kept), paper_id(a, gone)])
    jobs.sync_shared(a)
    for key in (kept, gone):
        jobs.edit_paper(b, paper_id(b, key), fields={"note": "{still useful}"})
    jobs.sync_shared(b)
    found = {conflict.citekey: conflict for conflict in jobs.shared_conflicts(b)}
    assert set(found) == {kept, gone} and all(conflict.theirs_deleted for conflict in found.values())
    jobs.settle_conflict(b, found[kept].paper_id, {c.name: c.mine for c in found[kept].fields})
    jobs.accept_deletion(b, found[gone].paper_id)
    assert jobs.sync_shared(b).conflicts == []
    jobs.sync_shared(a)
    assert kept in records(a) and "still useful" in records(a)[kept][0] and gone not in records(a)
    assert records(a) == records(b)


def test_a_listening_client_hears_another_members_change_within_a_second(tmp_path, shared_url):
    import threading
    import time

    a, b = two_members(tmp_path, shared_url)
    heard: list[float] = []
    stop = threading.Event()
    listener = threading.Thread(target=jobs.watch_shared, args=(b, lambda: heard.append(time.monotonic()), stop.is_set))
    listener.start()
    try:
        deadline = time.monotonic() + 10
        while not heard and time.monotonic() < deadline:  # the first call: what was written while nobody listened
            time.sleep(0.05)
        before = len(heard)
        jobs.edit_paper(a, paper_id(a, "rashid2016"), fields={"note": "{live}"})
        jobs.sync_shared(a)
        sent = time.monotonic()
        while len(heard) == before and time.monotonic() < sent + 5:
            time.sleep(0.02)
        assert len(heard) > before and heard[-1] - sent < 1.0
    finally:
        stop.set()
        listener.join(5)
    assert not listener.is_alive()
