"""The selected paper's report, read in the background: a summary first, then the report, and never a queue
of reads for papers nobody looks at any more."""

from __future__ import annotations

import pytest

from citedesk.gui.report_loader import ReportLoader
from citedesk.gui.tasks import TaskRunner
from citedesk.reads import Order, Reads

pytestmark = pytest.mark.gui


@pytest.fixture
def loader(qtbot, small_library):
    runner = TaskRunner()
    loader = ReportLoader(runner, small_library, lambda: Order.NEWEST, ())
    loader.reports = []  # what it said, in order
    loader.summaryRead.connect(lambda summary: loader.reports.append(("summary", summary.paper.citekey)))
    loader.reportRead.connect(lambda report, shown: loader.reports.append(("report", report.paper.citekey, shown)))
    loader.failed.connect(lambda message: loader.reports.append(("failed", message)))
    yield loader
    runner.wait(10_000)


def paper_ids(library) -> dict[str, int]:
    with Reads.open(library) as reads:
        return {key: reads.paper_id_of_key(key) for key in ("tse2017", "smith2019", "nolan2015")}


def test_a_selected_paper_is_read_once(qtbot, loader, small_library):
    tse = paper_ids(small_library)["tse2017"]
    with qtbot.waitSignal(loader.reportRead, timeout=10_000):
        assert loader.select(tse)
    assert loader.report.paper.citekey == "tse2017" and loader.report.view.items[0].work.year == 2022  # newest first
    summary = [said for said in loader.reports if said[0] == "summary"]
    assert loader.reports[-1] == ("report", "tse2017", bool(summary))  # the summary, if it came first, showed it
    assert not loader.select(tse)  # already read: nothing more
    qtbot.waitUntil(lambda: loader.loading is None)
    assert loader.reports[-1][:2] == ("report", "tse2017") and len(loader.reports) <= 2


def test_papers_passed_over_while_a_read_runs_are_never_shown(qtbot, loader, small_library):
    ids = paper_ids(small_library)
    loader.select(ids["tse2017"])
    loader.select(ids["smith2019"])  # while tse2017 is read: waits for it
    loader.select(ids["nolan2015"])
    qtbot.waitUntil(lambda: loader.report is not None and loader.report.paper.citekey == "nolan2015", timeout=10_000)
    qtbot.waitUntil(lambda: loader.loading is None)
    assert {said[1] for said in loader.reports} == {"nolan2015"}


def test_a_change_while_reading_reads_the_paper_again(qtbot, loader, small_library):
    tse = paper_ids(small_library)["tse2017"]
    loader.select(tse)
    loader.reload()  # the library changed meanwhile
    assert loader.stale
    qtbot.waitUntil(lambda: [said[0] for said in loader.reports].count("report") == 2, timeout=10_000)
    assert not loader.stale


def test_a_paper_that_is_gone_says_so(qtbot, loader):
    with qtbot.waitSignal(loader.failed, timeout=10_000) as failed:
        loader.select(10_000)
    assert failed.args == ["That paper is no longer in the library"]
    assert loader.report is None


def test_selecting_nothing_forgets_the_report(qtbot, loader, small_library):
    with qtbot.waitSignal(loader.reportRead, timeout=10_000):
        loader.select(paper_ids(small_library)["tse2017"])
    assert loader.select(None) and loader.report is None and loader.paper_id is None
