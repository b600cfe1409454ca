"""A plain-language reading of one paper's citation report, computed from the stored data alone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import sqlite_utils

from citedesk.library.facets_builtin import UNKNOWN_YEAR
from citedesk.library.paper_report import SourceCounts, source_counts
from citedesk.library.queries import paper_by_id
from citedesk.library.statements import Counts, paper_counts, statements_per_year, work_id_of_paper
from citedesk.model import GIVEN_STANCE, Section, Stance, count

FEW_STATEMENTS = 10  # fewer citing statements than this are too few to read much into
TREND_RATIO = 1.5  # the later half of the years has this many times the earlier half's statements: a rise (or a fall)

_CLASSIFIED = "('supporting', 'mentioning', 'contrasting')"
_STANDING_SQL = """
WITH others AS (SELECT coalesce({column}, 0) AS value FROM papers WHERE statements > 0 AND id != :paper),
ranked AS (SELECT value, row_number() OVER (ORDER BY value) AS place, count(*) OVER () AS n FROM others)
SELECT (SELECT count(*) FROM others) AS others,
       (SELECT avg(value) FROM ranked WHERE place IN ((n + 1) / 2, (n + 2) / 2)) AS median,
       (SELECT count(*) FROM others WHERE value < :value) AS fewer,
       (SELECT count(*) FROM others WHERE value = :value) AS same
"""
_CLASSIFICATION_SQL = f"""
SELECT count(DISTINCT c.citing_work_id) AS with_statements,
       coalesce(sum(s.classifier_version = :given), 0) AS given,
       coalesce(sum(s.classifier_version IS NULL), 0) AS not_yet,
       coalesce(sum(s.stance NOT IN {_CLASSIFIED} AND s.classifier_version IS NOT NULL), 0) AS unsure,
       avg(CASE WHEN s.stance IN {_CLASSIFIED} THEN s.confidence END) AS mean_confidence,
       count(CASE WHEN s.stance IN {_CLASSIFIED} THEN s.confidence END) AS with_confidence
FROM citations c JOIN statements s ON s.citation_id = c.id
WHERE c.cited_work_id = :work
"""
_ORIGINS_SQL = """
SELECT s.source, s.classifier_version, count(*), max(s.fetched_at)
FROM citations c JOIN statements s ON s.citation_id = c.id
WHERE c.cited_work_id = ?
GROUP BY s.source, s.classifier_version
"""
_SECTIONS_SQL = """
SELECT s.section, count(*)
FROM citations c JOIN statements s ON s.citation_id = c.id
WHERE c.cited_work_id = ?
GROUP BY s.section
"""
_RELATIONSHIP_SQL = """
SELECT coalesce(sum(self_citation = 1), 0), coalesce(sum(self_citation = 0), 0), coalesce(sum(self_citation IS NULL), 0)
FROM citations WHERE cited_work_id = ?
"""
_SECTION_PLACES = {
    Section.INTRODUCTION: "the introduction",
    Section.METHODS: "the methods",
    Section.RESULTS: "the results",
    Section.DISCUSSION: "the discussion",
    Section.OTHER: "other sections",
}
_OTHER_NOUNS = {"cited_by": "citation", "citing_publications": "citing publication", "references_count": "reference"}


@dataclass(frozen=True)
class Standing:
    """Where one of the paper's stance counts stands among the library's other papers with citing statements."""

    value: int  # the paper's own count
    others: int  # the library's other papers with citing statements
    median: float  # their median count
    fewer: int  # how many of them have a lower count
    same: int  # how many have the same count

    @property
    def more(self) -> int:
        return self.others - self.fewer - self.same

    @property
    def percentile(self) -> float:
        """The share of the others with a lower count, in percent."""
        return 100 * self.fewer / self.others if self.others else 0.0


@dataclass(frozen=True)
class StatementOrigin:
    """Where some of the paper's stored statements came from: a source (or file) and the day last stored."""

    source: str
    statements: int
    stored_on: str  # YYYY-MM-DD, the latest of its statements'


@dataclass(frozen=True)
class Explanation:
    """The figures of one paper's citation report and, in `paragraphs`, what they say in plain words."""

    paper_id: int
    publications: int  # citing publications (works), with or without statements
    with_statements: int  # the citing publications that come with statements
    statements: int
    supporting: int
    mentioning: int
    contrasting: int
    unclassified: int
    supporting_standing: Standing | None  # None without classified statements, or other papers with statements
    contrasting_standing: Standing | None
    years: tuple[tuple[int, int], ...]  # (year of the citing work, statements), dated ones only, oldest first
    undated: int  # statements from citing works without a year
    self_citations: int  # citing publications sharing an author with the paper
    independent: int  # citing publications known to share none
    relationship_unknown: int  # citing publications whose authors are not known
    sections: tuple[tuple[Section, int], ...]  # statements by section of the citing work, most first
    mean_confidence: float | None  # of the classified statements that have a confidence
    with_confidence: int
    unsure: int  # unclassified statements the classifier (or their source) gave no stance
    not_yet_classified: int  # statements no classifier has labelled yet
    by_citedesk: int  # statements CiteDesk's own classifier labelled
    given: int  # statements whose stance came with them from their source
    classifiers: tuple[str, ...]  # the versions of CiteDesk's classifier that labelled them
    origins: tuple[StatementOrigin, ...]  # where the stored statements came from
    external: tuple[SourceCounts, ...]  # each source's own tallies (scite's), never merged into ours
    paragraphs: tuple[str, ...] = ()

    @property
    def classified(self) -> int:
        return self.supporting + self.mentioning + self.contrasting

    @property
    def self_citation_share(self) -> float | None:
        """Self-citations among the citing publications whose authors are known, 0 to 1; None when none is."""
        known = self.self_citations + self.independent
        return self.self_citations / known if known else None


def explain_paper(
    db: sqlite_utils.Database, paper_id: int, source_labels: Mapping[str, str] | None = None
) -> Explanation:
    """The paper's report figures and their plain reading; sources named by `source_labels` where it has them
    ("semanticscholar" as "Semantic Scholar"). A CitedeskError when the paper is not in the library."""
    paper_by_id(db, paper_id)
    figures = read_figures(db, paper_id)
    return replace(figures, paragraphs=write_paragraphs(figures, source_labels or {}))


def read_figures(db: sqlite_utils.Database, paper_id: int) -> Explanation:
    """Every figure of the explanation, read with a few aggregate queries; no paragraphs yet."""
    counts = paper_counts(db, paper_id)
    work_id = work_id_of_paper(db, paper_id)
    work = work_id if work_id is not None else -1
    classification = db.execute(_CLASSIFICATION_SQL, {"given": GIVEN_STANCE, "work": work}).fetchone()
    with_statements, given, not_yet, unsure, mean_confidence, with_confidence = classification
    self_citations, independent, unknown = db.execute(_RELATIONSHIP_SQL, [work]).fetchone()
    origins, classifiers = read_origins(db, work)
    years, undated = split_years(db, paper_id)
    return Explanation(
        paper_id=paper_id,
        publications=counts.cited_by,
        with_statements=with_statements,
        statements=counts.citation_statements,
        supporting=counts.supporting,
        mentioning=counts.mentioning,
        contrasting=counts.contrasting,
        unclassified=counts.unclassified,
        supporting_standing=read_standing(db, paper_id, "supporting", counts),
        contrasting_standing=read_standing(db, paper_id, "contrasting", counts),
        years=years,
        undated=undated,
        self_citations=self_citations,
        independent=independent,
        relationship_unknown=unknown,
        sections=read_sections(db, work),
        mean_confidence=mean_confidence,
        with_confidence=with_confidence,
        unsure=unsure,
        not_yet_classified=not_yet,
        by_citedesk=counts.citation_statements - given - not_yet,
        given=given,
        classifiers=classifiers,
        origins=origins,
        external=source_counts(db, paper_id),
    )


def read_standing(db: sqlite_utils.Database, paper_id: int, column: str, counts: Counts) -> Standing | None:
    """How the paper's count in this tally column compares with the library's other papers with statements,
    counted in one query over the papers' tallies; None when there is nothing to compare."""
    value = int(getattr(counts, column))
    if counts.supporting + counts.mentioning + counts.contrasting == 0:
        return None
    sql = _STANDING_SQL.format(column=column)
    others, median, fewer, same = db.execute(sql, {"paper": paper_id, "value": value}).fetchone()
    return Standing(value, others, float(median), fewer, same) if others else None


def read_origins(db: sqlite_utils.Database, work_id: int) -> tuple[tuple[StatementOrigin, ...], tuple[str, ...]]:
    """The sources the statements came from (most statements first), and the versions of CiteDesk's classifier
    that labelled them."""
    statements: dict[str, int] = {}
    stored_on: dict[str, str] = {}
    classifiers: set[str] = set()
    for source, version, number, fetched_at in db.execute(_ORIGINS_SQL, [work_id]):
        name = source or "an unnamed source"
        statements[name] = statements.get(name, 0) + number
        stored_on[name] = max(stored_on.get(name, ""), (fetched_at or "")[:10])
        if version is not None and version != GIVEN_STANCE:
            classifiers.add(version)
    origins = [StatementOrigin(name, number, stored_on[name]) for name, number in statements.items()]
    origins.sort(key=lambda origin: (-origin.statements, origin.source))
    return tuple(origins), tuple(sorted(classifiers))


def read_sections(db: sqlite_utils.Database, work_id: int) -> tuple[tuple[Section, int], ...]:
    """Statements by section of the citing work, most first (ties in the order of a paper)."""
    found: dict[Section, int] = {}
    known = {section.value for section in Section}
    for value, number in db.execute(_SECTIONS_SQL, [work_id]):
        section = Section(value) if value in known else Section.UNKNOWN
        found[section] = found.get(section, 0) + number
    order = list(Section)
    return tuple(sorted(found.items(), key=lambda item: (-item[1], order.index(item[0]))))


def split_years(db: sqlite_utils.Database, paper_id: int) -> tuple[tuple[tuple[int, int], ...], int]:
    """Statements per year of the citing work (oldest first), and how many have no year."""
    per_year = {year: sum(stances.values()) for year, stances in statements_per_year(db, paper_id).items()}
    undated = per_year.pop(UNKNOWN_YEAR, 0)
    return tuple(sorted(per_year.items())), undated


# the paragraphs


def write_paragraphs(figures: Explanation, labels: Mapping[str, str]) -> tuple[str, ...]:
    """The plain reading of the figures, a paragraph per subject; the cases without statements their own."""
    if figures.statements == 0:
        return tuple(say_without_statements(figures, labels))
    paragraphs = [
        say_totals(figures),
        say_standing(figures),
        say_years(figures),
        join_sentences([say_self_citations(figures), say_sections(figures)]),
        say_confidence(figures),
        join_sentences([say_classification(figures, labels), *say_external(figures, labels)]),
    ]
    return tuple(paragraph for paragraph in paragraphs if paragraph)


def say_without_statements(figures: Explanation, labels: Mapping[str, str]) -> list[str]:
    """A paper with no stored statement: nothing known, only citing publications, or only a source's tallies."""
    if figures.publications:
        lead = (
            f"The library stores {count(figures.publications, 'citing publication')} for this paper, but none "
            "comes with a citation statement, so there are no stances to explain."
        )
        return [lead, *filter(None, [say_self_citations(figures), join_sentences(say_external(figures, labels))])]
    if figures.external:
        return [
            "No citing statements are stored for this paper in the library, so CiteDesk has classified nothing "
            "itself; what is known comes only from other sources' own tallies.",
            join_sentences(say_external(figures, labels)),
            "The statements behind those tallies are not stored here, so their years, sections, self-citations "
            "and confidence cannot be shown.",
        ]
    return [
        "No citing publications or statements are stored for this paper yet, so there is nothing to explain. "
        "Fetching its citations from the sources, or importing a file of citing statements, gives CiteDesk "
        "something to count."
    ]


def say_totals(figures: Explanation) -> str:
    """How many publications and statements, what types they are, and whether there are enough of them."""
    sentences = [
        f"The library stores {count(figures.publications, 'citing publication')} and "
        f"{count(figures.statements, 'citation statement')} for this paper."
    ]
    silent = figures.publications - figures.with_statements
    if silent:
        sentences.append(
            f"Of the publications, {silent:,} {_agree(silent, 'comes', 'come')} with no statement, only the fact that "
            f"{_agree(silent, 'it', 'they')} {_agree(silent, 'cites', 'cite')} it."
        )
    sentences.append(say_types(figures))
    if figures.statements < FEW_STATEMENTS:
        sentences.append(
            f"With only {count(figures.statements, 'statement')}, these counts are too few to read much into."
        )
    return join_sentences(sentences)


def say_types(figures: Explanation) -> str:
    """The four stance tallies, or why there are none."""
    if figures.classified == 0 and figures.not_yet_classified == figures.statements:
        return "None of the statements has been classified yet, so they say nothing yet about support or contrast."
    if figures.classified == 0 and figures.not_yet_classified == 0:
        return (
            "All of them are unclassified: the classifier was not sure enough of any stance for them, so they say "
            "nothing about support or contrast."
        )
    if figures.classified == 0:
        return (
            f"None of them has a stance: the classifier was not sure enough of any for {figures.unsure:,}, and "
            f"{figures.not_yet_classified:,} {_agree(figures.not_yet_classified, 'has', 'have')} not been classified yet, so they "
            "say nothing about support or contrast."
        )
    parts = [
        f"{number:,} {stance.value}" + (f" ({_percent(number, figures.statements)})" if number else "")
        for stance, number in (
            (Stance.SUPPORTING, figures.supporting),
            (Stance.MENTIONING, figures.mentioning),
            (Stance.CONTRASTING, figures.contrasting),
            (Stance.UNCLASSIFIED, figures.unclassified),
        )
    ]
    return (
        f"By type: {join_words(parts)}. Supporting statements back up what the paper says, contrasting ones "
        "dispute it, and mentioning ones cite it without taking a side."
    )


def say_standing(figures: Explanation) -> str:
    """How the supporting and contrasting counts compare with the library's other papers with statements."""
    supporting, contrasting = figures.supporting_standing, figures.contrasting_standing
    if supporting is None or contrasting is None:
        alone = "No other paper in the library has citing statements to compare this one with."
        return alone if figures.classified else ""
    return join_sentences(
        [
            f"The library has {count(supporting.others, 'other paper')} with citing statements.",
            compare(supporting, "supporting"),
            compare(contrasting, "contrasting"),
        ]
    )


def compare(standing: Standing, stance: str) -> str:
    """ "For supporting statements, 138 of them (88%) have fewer than this paper's 1, 13 as many and 5 more; their
    median is 0."."""
    lead, value = f"For {stance} statements,", f"{standing.value:,}"
    median = f"their median is {_number(standing.median)}"
    if standing.same == standing.others:
        return f"{lead} all of them have as many as this paper: {value}."
    for number, than in ((standing.fewer, "fewer"), (standing.more, "more")):
        if number == standing.others:
            return f"{lead} all of them have {than} than this paper's {value}; {median}."
    if standing.value == 0:
        same = f"{standing.same:,} of them ({_percent(standing.same, standing.others)})"
        return (
            f"{lead} {same} {_agree(standing.same, 'has', 'have')} none either and {standing.more:,} {_agree(standing.more, 'has', 'have')} some; "
            f"{median}."
        )
    fewer = f"{standing.fewer:,} of them ({_percent(standing.fewer, standing.others)})" if standing.fewer else "none"
    return (
        f"{lead} {fewer} {_agree(standing.fewer, 'has', 'have')} fewer than this paper's {value}, "
        f"{_none_or(standing.same)} as many and {_none_or(standing.more)} more; {median}."
    )


def say_years(figures: Explanation) -> str:
    """When the citing works were published: first and last year, the peak, and a rise or fall where the two
    halves of the years differ enough (with enough statements)."""
    if not figures.years:
        return "None of the citing works has a known year, so the statements cannot be placed in time."
    dated = sum(number for _, number in figures.years)
    sentences = [say_span(figures.years, dated, bool(figures.undated))]
    if dated >= FEW_STATEMENTS and figures.years[-1][0] > figures.years[0][0]:
        sentences.append(say_trend(figures.years))
    if figures.undated:
        sentences.append(
            f"The other {count(figures.undated, 'statement')} {_agree(figures.undated, 'comes', 'come')} from citing works with no "
            f"known year and {_agree(figures.undated, 'is', 'are')} left out of these years."
        )
    return join_sentences(sentences)


def say_span(years: tuple[tuple[int, int], ...], dated: int, some_undated: bool) -> str:
    """The first and last year of the citing works, and the year with the most statements."""
    first, last = years[0][0], years[-1][0]
    if first == last:
        kind = "dated statement" if some_undated else "statement"
        if dated == 1:
            return f"The one {kind} comes from a work published in {first}."
        every = "Both" if dated == 2 else f"All {dated:,}"
        return f"{every} {kind}s come from works published in {first}."
    the_dated = f"The {dated:,} dated statements" if some_undated else "The statements"
    most = max(number for _, number in years)
    peaks = [str(year) for year, number in years if number == most]
    each = " each" if len(peaks) > 1 else ""
    return (
        f"{the_dated} come from works published from {first} to {last}, "
        f"with the most, {most:,}{each}, in {join_words(peaks)}."
    )


def say_trend(years: tuple[tuple[int, int], ...]) -> str:
    """The statements of the earlier and the later half of the years (the middle one of an odd span left out)."""
    first, last = years[0][0], years[-1][0]
    half = (last - first + 1) // 2
    early = sum(number for year, number in years if year < first + half)
    late = sum(number for year, number in years if year > last - half)
    halves = f"{early:,} from {_span(first, first + half - 1)} and {late:,} from {_span(last - half + 1, last)}"
    if late > early and late >= TREND_RATIO * early:
        return f"Their number has risen over time: {halves}."
    if early > late and early >= TREND_RATIO * late:
        return f"Their number has fallen over time: {halves}."
    return f"Their number has neither clearly risen nor fallen: {halves}."


def say_self_citations(figures: Explanation) -> str:
    """The share of citing publications that share an author with the paper, among those whose authors are known."""
    known = figures.self_citations + figures.independent
    if not known:
        return (
            "Whether any citing publication shares an author with this paper cannot be told: their authors are "
            "not known."
        )
    if figures.self_citations:
        said = (
            f"Of the {count(known, 'citing publication')} whose authors are known, {figures.self_citations:,} "
            f"({_percent(figures.self_citations, known)}) {_agree(figures.self_citations, 'shares', 'share')} an author with this "
            f"paper ({'a self-citation' if figures.self_citations == 1 else 'self-citations'})"
        )
    elif known == 1:
        said = "The one citing publication whose authors are known shares no author with this paper"
    else:
        said = (
            f"None of the {known:,} citing publications whose authors are known shares an author with this "
            "paper: there are no self-citations among them"
        )
    if figures.relationship_unknown:
        said += f"; the authors of {count(figures.relationship_unknown, 'other citing publication')} are not known"
    return said + "."


def say_sections(figures: Explanation) -> str:
    """Which sections of the citing works the statements come from."""
    known = [(section, number) for section, number in figures.sections if section is not Section.UNKNOWN]
    if not known:
        return "The statements do not say which section of the citing work they come from."
    parts = [f"{number:,} in {_SECTION_PLACES[section]}" for section, number in known]
    unknown = figures.statements - sum(number for _, number in known)
    tail = f"; for {unknown:,} the section is not known" if unknown else ""
    return f"By section of the citing work: {join_words(parts)}{tail}."


def say_confidence(figures: Explanation) -> str:
    """How sure the classification is: the mean confidence, the unclassified ones, and what confidence means."""
    if not figures.classified:
        return ""
    sentences = []
    if figures.with_confidence and figures.mean_confidence is not None:
        sentences.append(say_mean_confidence(figures))
    elif figures.classified:
        sentences.append("The classified statements came with no confidence.")
    if figures.unsure:
        sentences.append(
            f"The classifier was not sure enough of any stance for {count(figures.unsure, 'statement')}, which "
            f"{_agree(figures.unsure, 'is', 'are')} left unclassified."
        )
    if figures.not_yet_classified:
        sentences.append(f"No classifier has labelled {count(figures.not_yet_classified, 'statement')} yet.")
    sentences.append(
        "Confidence is the classifier's own estimate of the probability that its label is right: it says how "
        "sure the label is, not how good the paper is."
    )
    return join_sentences(sentences)


def say_mean_confidence(figures: Explanation) -> str:
    mean = _percent(figures.mean_confidence or 0, 1)
    if figures.with_confidence == figures.classified == 1:
        return f"The confidence of the one classified statement is {mean}."
    if figures.with_confidence == figures.classified:
        return f"The mean confidence of the {count(figures.classified, 'classified statement')} is {mean}."
    without = figures.classified - figures.with_confidence
    return (
        f"The mean confidence of the {count(figures.with_confidence, 'classified statement')} that "
        f"{_agree(figures.with_confidence, 'has', 'have')} one is {mean}; {without:,} came without one."
    )


def say_classification(figures: Explanation, labels: Mapping[str, str]) -> str:
    """Where the counts came from: the stored statements' sources and who gave them their stances."""
    origins = [
        f"{origin.statements:,} from {labels.get(origin.source, origin.source)}"
        + (f" (stored on {origin.stored_on})" if origin.stored_on else "")
        for origin in figures.origins
    ]
    sentences = [f"These counts are CiteDesk's own, from the statements stored in this library: {join_words(origins)}."]
    classifier = "CiteDesk's classifier" + (f" ({', '.join(figures.classifiers)})" if figures.classifiers else "")
    one = figures.statements == 1
    if figures.by_citedesk == figures.statements:
        sentences.append(f"{classifier} gave {'it its stance' if one else 'all of them their stances'}.")
    elif figures.given == figures.statements and one:
        sentences.append("It came with its stance from its source, and CiteDesk keeps it.")
    elif figures.given == figures.statements:
        sentences.append("All of them came with their stances from their source, and CiteDesk keeps those.")
    else:
        sentences.append(say_labellers(figures, classifier))
    return join_sentences(sentences)


def say_labellers(figures: Explanation, classifier: str) -> str:
    """Who gave the statements their stances, when not all got them the same way."""
    parts = []
    if figures.by_citedesk:
        parts.append(f"{classifier} gave {figures.by_citedesk:,} of them their stances")
    if figures.given:
        parts.append(
            f"{figures.given:,} came with {_agree(figures.given, 'its', 'their')} stance from {_agree(figures.given, 'its', 'their')} source"
        )
    if figures.not_yet_classified:
        parts.append(
            f"{figures.not_yet_classified:,} {_agree(figures.not_yet_classified, 'has', 'have')} not been classified yet"
        )
    return "; ".join(parts) + "."


def say_external(figures: Explanation, labels: Mapping[str, str]) -> list[str]:
    """One sentence per source's own tallies, with the day they were fetched; kept apart from ours."""
    sentences = []
    for other in figures.external:
        name = labels.get(other.source, other.source)
        fetched = f", fetched on {other.fetched_on}," if other.fetched_on else ""
        if figures.statements:
            sentences.append(f"{name}'s own tallies{fetched} are kept apart from these: {_tallies(other.counts)}.")
        else:
            sentences.append(f"{name}'s own tallies{fetched} count {_tallies(other.counts)}.")
        total = [other.counts.get(stance.value) for stance in Stance]
        if figures.statements and None not in total:
            sentences.append(
                f"{name} counts {count(sum(n or 0 for n in total), 'statement')} where "
                f"{figures.statements:,} {_agree(figures.statements, 'is', 'are')} stored here."
            )
    return sentences


def _tallies(counts: Mapping[str, int]) -> str:
    """ "3 supporting, 47 mentioning, 0 contrasting and 1 unclassified statements; 31 citations and 48 references"."""
    stances = [f"{counts[stance.value]:,} {stance.value}" for stance in Stance if stance.value in counts]
    noun = "statement" if sum(counts.get(stance.value, 0) for stance in Stance) == 1 else "statements"
    others = [count(number, _OTHER_NOUNS[name]) for name, number in counts.items() if name in _OTHER_NOUNS]
    return "; ".join(part for part in (f"{join_words(stances)} {noun}" if stances else "", join_words(others)) if part)


# words


def join_sentences(sentences: Iterable[str]) -> str:
    return " ".join(sentence for sentence in sentences if sentence)


def join_words(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"; "" for none."""
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _percent(part: float, whole: float) -> str:
    """A share in whole percent, never rounded to 0% or 100% when it is not."""
    share = 100 * part / whole
    if 0 < share < 1:
        return "under 1%"
    if 99 < share < 100:
        return "over 99%"
    return f"{round(share)}%"


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _none_or(number: int) -> str:
    return f"{number:,}" if number else "none"


def _agree(number: int, one: str, many: str) -> str:
    """The word that agrees with a number: "is" for 1, "are" for the rest (and so "has", "comes", "its"...)."""
    return one if number == 1 else many


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"
