"""One paper's statements: loading, filters, facet counts with the other filters applied, order and groups."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest

from citedesk import jobs
from citedesk.library.db import open_library
from citedesk.library.statement_columns import StatementLayout, parse_columns
from citedesk.library.statement_view import (
    FACETS,
    UNKNOWN_YEAR,
    Direction,
    Filters,
    Item,
    Order,
    Work,
    build_view,
    load_items,
)
from citedesk.model import IdKind, Section, Stance, WorkId

_ids = itertools.count(1)


def work(
    id_: int,
    year: int | None = 2020,
    authors: str = "Ann Smith",
    venue: str | None = "Nature",
    kind: str | None = "journal-article",
) -> Work:
    return Work(id_, f"Work {id_}", authors, year, venue, kind, None, None)


def item(
    w: Work,
    text: str = "A sentence.",
    stance: Stance = Stance.MENTIONING,
    section: Section = Section.UNKNOWN,
    confidence: float | None = 0.9,
    self_citation: bool | None = False,
    influential: bool = False,
) -> Item:
    return Item(next(_ids), text, None, section, None, stance, confidence, [], "test", w, self_citation, influential)


@pytest.fixture
def items() -> list[Item]:
    a, b, c = work(1, 2019, "Ann Smith; Bo Lee"), work(2, 2021, "Bo Lee", "Science"), work(3, None, "Cy Wu", None, None)
    return [
        item(a, "Our results support the finding of X.", Stance.SUPPORTING, Section.DISCUSSION, 0.8),
        item(a, "X introduced the method.", Stance.MENTIONING, Section.INTRODUCTION, 0.99),
        item(b, "We could not replicate X.", Stance.CONTRASTING, Section.RESULTS, 0.7, self_citation=True),
        item(b, "X is cited for its data.", Stance.MENTIONING, Section.METHODS, 0.95, influential=True),
        item(c, "Réplication of X, again.", Stance.UNCLASSIFIED, Section.UNKNOWN, None, self_citation=None),
    ]


def test_no_filter_shows_everything_grouped_by_work(items):
    view = build_view(items, Filters())
    assert view.total == len(view.items) == 5
    assert [group.work.id for group in view.groups] and sorted(g.work.id for g in view.groups) == [1, 2, 3]
    assert sum(len(group.items) for group in view.groups) == 5
    assert view.facets["stance"] == Counter(supporting=1, mentioning=2, contrasting=1, unclassified=1)
    assert view.facets["author"] == Counter({"Bo Lee": 4, "Ann Smith": 2, "Cy Wu": 1})
    assert view.facets["relationship"] == Counter({"independent": 3, "self-citation": 1, "unknown": 1})


def test_a_facet_is_counted_with_the_other_filters_only(items):
    view = build_view(items, Filters(stance=frozenset({"mentioning"}), venue=frozenset({"Nature"})))
    assert [i.text for i in view.items] == ["X introduced the method."]
    # stance counts ignore the stance filter but apply the venue filter
    assert view.facets["stance"] == Counter(supporting=1, mentioning=1)
    # venue counts ignore the venue filter but apply the stance filter
    assert view.facets["venue"] == Counter({"Nature": 1, "Science": 1})
    assert view.facets["section"] == Counter(introduction=1)


def test_year_range_excludes_unknown_years(items):
    view = build_view(items, Filters(year_from=2020))
    assert {i.work.year for i in view.items} == {2021}
    assert view.facets["year"] == Counter({2019: 2, 2021: 2, 0: 1})
    assert len(build_view(items, Filters(year_to=2019)).items) == 2


def test_text_search_ignores_case_and_accents_and_matches_word_prefixes(items):
    assert [i.text for i in build_view(items, Filters(text="replic")).items] == [
        "We could not replicate X.",
        "Réplication of X, again.",
    ]
    assert build_view(items, Filters(text="eplic")).items == []
    assert [i.text for i in build_view(items, Filters(text='"the method"')).items] == ["X introduced the method."]
    assert build_view(items, Filters(text='"method the"')).items == []
    assert build_view(items, Filters(text="  ")).total == 5


def test_search_counts_only_matching_statements(items):
    view = build_view(items, Filters(text="X"))
    assert sum(view.facets["stance"].values()) == 5
    view = build_view(items, Filters(text="data"))
    assert view.facets["stance"] == Counter(mentioning=1)


def test_orders(items):
    years = lambda order: [i.work.year for i in build_view(items, Filters(order=order)).items]  # noqa: E731
    assert years(Order.NEWEST) == [2021, 2021, 2019, 2019, None]
    assert years(Order.OLDEST) == [2019, 2019, 2021, 2021, None]
    confidences = [i.confidence for i in build_view(items, Filters(order=Order.CONFIDENCE)).items]
    assert confidences == [0.99, 0.95, 0.8, 0.7, None]
    relevance = [i.stance for i in build_view(items, Filters()).items]
    # evidence first (by confidence), then mentions (influential first), unclassified last
    assert relevance == [
        Stance.SUPPORTING,
        Stance.CONTRASTING,
        Stance.MENTIONING,
        Stance.MENTIONING,
        Stance.UNCLASSIFIED,
    ]
    assert build_view(items, Filters()).items[2].influential


def test_relevance_puts_the_most_search_hits_first():
    w = work(9)
    many, few = item(w, "graph graph graph"), item(w, "graph once")
    assert build_view([few, many], Filters(text="graph")).items == [many, few]


def test_groups_keep_the_order_of_their_first_statement(items):
    view = build_view(items, Filters(order=Order.CONFIDENCE))
    assert [g.work.id for g in view.groups] == [1, 2, 3]
    assert [i.confidence for i in view.groups[0].items] == [0.99, 0.8]


def test_unknown_year_can_be_chosen_like_a_year(items):
    view = build_view(items, Filters(undated=True))
    assert [i.text for i in view.items] == ["Réplication of X, again."]
    assert view.facets["year"] == Counter({2019: 2, 2021: 2, UNKNOWN_YEAR: 1})  # the other years stay choosable
    assert view.facets["stance"] == Counter(unclassified=1)
    # with a range too, either matches
    both = build_view(items, Filters(year_from=2021, undated=True))
    assert {i.work.year for i in both.items} == {2021, None}
    # and combined with another facet, as any year is
    assert build_view(items, Filters(undated=True, stance=frozenset({"mentioning"}))).items == []


def test_a_work_known_only_by_an_id_is_named_and_linked_by_it():
    acl = Work(1, "W06-3112", None, None, None, None, None, None)
    assert (acl.display_title, acl.link) == ("ACL Anthology W06-3112", "https://aclanthology.org/W06-3112/")
    assert acl.known_by == WorkId(IdKind.ACL, "W06-3112")
    titled = Work(2, "Re-evaluating the role of BLEU", "Chris Callison-Burch", 2006, None, None, None, None)
    assert (titled.display_title, titled.link, titled.known_by) == ("Re-evaluating the role of BLEU", None, None)
    key = Work(3, "smith2005", None, None, None, None, None, None)
    assert (key.display_title, key.link) == ("Untitled work (smith2005)", None)
    doi_only = Work(4, None, None, None, None, None, "10.3115/1073083.1073135", None)
    assert (doi_only.display_title, doi_only.link) == (
        "DOI 10.3115/1073083.1073135",
        "https://doi.org/10.3115/1073083.1073135",
    )
    s2_only = Work(5, None, None, None, None, None, None, None, s2_id="649def34f8be52c8b66281af98ae884c09aef38b")
    assert s2_only.display_title == "Semantic Scholar 649def34f8be52c8b66281af98ae884c09aef38b"
    assert Work(6, None, None, None, None, None, None, None).display_title == "Untitled work"


def test_loaded_works_carry_their_display_title_and_link(tmp_path):
    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@inproceedings{P02-1040, title = {BLEU}, author = {Papineni, Kishore}, year = 2002}\n", encoding="utf-8"
    )
    statements = tmp_path / "athar.txt"
    statements.write_text(
        "W06-3112\tP02-1040\to\tWe use BLEU (Papineni et al., 2002).\n"
        "2020.acl-main.1\tP02-1040\to\tBLEU is the usual metric.\n",
        encoding="utf-8",
    )
    library = tmp_path / "lib.sqlite"
    jobs.import_bibtex(library, [bib], workers=1)
    jobs.import_statements(
        library, statements, layout=StatementLayout(parse_columns("cited_key=1,citing_key=0,label=2,text=3"))
    )
    db = open_library(library)
    paper = db.execute("SELECT id FROM papers WHERE citekey = 'P02-1040'").fetchone()[0]
    works = {item.work.display_title: item.work.link for item in load_items(db, paper)}
    db.close()
    assert works == {
        "ACL Anthology W06-3112": "https://aclanthology.org/W06-3112/",
        "ACL Anthology 2020.acl-main.1": "https://aclanthology.org/2020.acl-main.1/",
    }


def test_every_facet_has_counts(items):
    assert set(build_view(items, Filters()).facets) == set(FACETS)


def test_load_from_a_library_both_directions(tmp_path):
    bib = tmp_path / "lib.bib"
    bib.write_text(
        "@article{cited, title={Cited}, author={Tse, Samson}, year=2017}\n"
        "@article{citing, title={Citing}, author={Tse, Samson and Lee, Bo}, year=2020, journal={J}}\n",
        encoding="utf-8",
    )
    rows = [
        {
            "cited_key": "cited",
            "citing_key": "citing",
            "text": "As Tse (2017) showed.",
            "section": "Results",
            "label": "supporting",
            "confidence": 0.8,
            "intents": ["result"],
            "is_influential": True,
        },
        {
            "cited_key": "cited",
            "citing_title": "Outside",
            "citing_year": 2021,
            "text": "See [3].",
            "marker_start": 4,
            "marker_end": 7,
            "label": "unclassified",
        },
    ]
    statements = tmp_path / "s.jsonl"
    statements.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    jobs.import_bibtex(tmp_path / "l.sqlite", [bib], workers=1)
    jobs.import_statements(tmp_path / "l.sqlite", statements)
    db = open_library(tmp_path / "l.sqlite")
    cited_by = sorted(load_items(db, 1, Direction.CITED_BY), key=lambda item: item.id)
    assert [(i.text, i.marker, i.stance, i.section, i.work.title, i.work.paper_key) for i in cited_by] == [
        ("As Tse (2017) showed.", (3, 13), Stance.SUPPORTING, Section.RESULTS, "Citing", "citing"),
        ("See [3].", (4, 7), Stance.UNCLASSIFIED, Section.UNKNOWN, "Outside", None),
    ]
    assert cited_by[0].self_citation is True and cited_by[0].influential and tuple(cited_by[0].intents) == ("result",)
    assert cited_by[1].self_citation is None
    references = load_items(db, 2, Direction.REFERENCES)
    assert [(i.text, i.work.paper_key) for i in references] == [("As Tse (2017) showed.", "cited")]
    assert load_items(db, 2, Direction.CITED_BY) == []
    db.close()
