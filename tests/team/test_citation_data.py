"""Citation data through the shared library: one member's statements (with their classifications and sources) and
citing works reach the others, who see the same report; a relabelled statement travels; nothing is doubled."""

from __future__ import annotations

import json

from team import client, no_keyring, paper_id  # noqa: F401

from citedesk import jobs
from citedesk.library.db import open_library
from citedesk.library.tallies import update_tallies
from citedesk.reads import Reads

MORE = [
    {
        "cited_key": "smith2019",
        "citing_title": "A later study of peer workers",
        "citing_year": 2023,
        "text": "Smith and Lee (2019) replicated the earlier findings in community care.",
        "label": "supporting",
    }
]


def report_of(library, key: str):
    with Reads.open(library) as reads:
        paper = reads.paper_id_of_key(key)
        counts = reads.counts(paper)
        items = sorted((item.text, item.stance.value, item.work.title) for item in reads.statements(paper))
    return counts, items


def statement_rows(library) -> int:
    db = open_library(library)
    try:
        return db.execute("SELECT count(*) FROM statements").fetchone()[0]
    finally:
        db.close()


def test_one_members_statements_reach_the_other_with_their_stances_and_counts(tmp_path, small_library, shared_url):
    b = client(tmp_path, "b")
    first = jobs.connect_shared(small_library, shared_url)
    assert first.data_sent > 0 and "citation data" in first.summary()
    taken = jobs.connect_shared(b, shared_url)
    assert taken.data_received > 0
    assert report_of(b, "tse2017") == report_of(small_library, "tse2017")
    assert report_of(b, "tse2017")[0].citation_statements == 5
    assert statement_rows(b) == statement_rows(small_library)

    rows = tmp_path / "more.jsonl"
    rows.write_text("".join(json.dumps(row) + "\n" for row in MORE), encoding="utf-8")
    jobs.import_statements(b, rows)  # the other member loads (or fetches) statements for another paper
    assert jobs.sync_shared(b).data_sent > 0
    jobs.sync_shared(small_library)
    assert report_of(small_library, "smith2019") == report_of(b, "smith2019")
    assert report_of(small_library, "smith2019")[1][0][1] == "supporting"

    again = jobs.sync_shared(b), jobs.sync_shared(small_library)
    assert all(report.data_sent == 0 and report.data_received == 0 for report in again)  # nothing echoes
    assert statement_rows(b) == statement_rows(small_library)  # nothing doubled


def test_a_relabelled_statement_travels(tmp_path, small_library, shared_url):
    b = client(tmp_path, "b")
    jobs.connect_shared(small_library, shared_url)
    jobs.connect_shared(b, shared_url)
    db = open_library(small_library)
    with db.atomic():
        db.execute(
            "UPDATE statements SET stance = 'contrasting', confidence = 0.91, classifier_version = 'test-1' "
            "WHERE text LIKE 'Peer support%' OR id = (SELECT min(id) FROM statements)"
        )
        update_tallies(db)  # as the classifier does after relabelling
    db.close()
    assert jobs.sync_shared(small_library).data_sent >= 1
    jobs.sync_shared(b)
    assert report_of(b, "tse2017") == report_of(small_library, "tse2017")
