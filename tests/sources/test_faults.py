"""Servers that never finish, never stop failing or answer too much: the client gives up in time, Cancel and
Ctrl-C take effect at once, a failing source is paused, and oversize or absurdly nested answers are refused."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from server import reply

from citedesk import jobs
from citedesk.library.db import open_library
from citedesk.model import Cancelled
from citedesk.sources.errors import BadResponse, Offline, ServerError
from citedesk.sources.http import DEFAULT_MAX_BYTES, HostLimits, HttpClient

DRIPPED = {"data": [{"paperId": f"p{n}", "title": "A paper that takes for ever to arrive"} for n in range(20)]}
DEEP = b"[" * 100_000 + b"]" * 100_000  # valid JSON, nested deeper than Python's decoder can follow


def make_client(server, **options) -> HttpClient:
    """A client of the test server with no client-side rate limit and its own limiter registry."""
    options.setdefault("requests_per_second", 0)
    options.setdefault("host_limits", HostLimits())
    return HttpClient(options.pop("label", "Semantic Scholar"), server.url, **options)


# -- a server that never finishes ------------------------------------------------------------------------------


def test_a_dripping_body_gives_up_at_the_deadline_without_retrying(api_server):
    api_server.route("/paper", api_server.drip(DRIPPED, interval=0.3))  # minutes for the whole body
    started = time.monotonic()
    with make_client(api_server, timeout=20, deadline=1.5, retries=3) as client:
        with pytest.raises(Offline, match=r"^Semantic Scholar took longer than 1.5 s to answer"):
            client.get_json("/paper")
    assert time.monotonic() - started < 5
    assert len(api_server.requests) == 1  # a server this slow is not asked again and again


def test_headers_that_never_come_give_up_at_the_deadline_too(api_server):
    api_server.route("/paper", api_server.delay(30, {}))
    started = time.monotonic()
    with make_client(api_server, timeout=20, deadline=1, retries=0) as client:
        with pytest.raises(Offline, match="took longer than 1 s"):
            client.get_json("/paper")
    assert time.monotonic() - started < 5


def test_cancel_during_a_drip_takes_effect_at_once(api_server):
    api_server.route("/paper", api_server.drip(DRIPPED, interval=5))  # the next byte comes 5 s after the first
    with make_client(api_server, cancelled=lambda: pressed_since(api_server, 0.5), timeout=20) as client:
        with pytest.raises(Cancelled):
            client.get_json("/paper")
    assert len(api_server.requests) == 1
    assert time.monotonic() - api_server.requests[0].time < 2.5  # pressed at 0.5 s, gone long before the next byte


def pressed_since(server, seconds: float) -> bool:
    """Cancel, as a person presses it: `seconds` after the server received the first request."""
    requests = server.requests
    return bool(requests) and time.monotonic() - requests[0].time > seconds


def test_a_slow_answer_within_the_deadline_is_read_whole(api_server):
    api_server.route("/paper", api_server.drip({"paperId": "abc"}, interval=0.05, size=4))
    with make_client(api_server, deadline=10) as client:
        assert client.get_json("/paper") == {"paperId": "abc"}


# -- answers too large or too deep -----------------------------------------------------------------------------


def test_a_content_length_over_the_cap_is_refused_before_reading(api_server):
    api_server.route(
        "/paper", reply(body=b"{}", headers={"Content-Length": "200000000"}, content_type="application/json")
    )
    started = time.monotonic()
    with make_client(api_server, timeout=20, retries=2) as client:
        with pytest.raises(BadResponse) as caught:
            client.get_json("/paper")
    assert str(caught.value) == (
        "Semantic Scholar answered with 200 MB, more than the 20 MB allowed; the answer was refused"
    )
    assert time.monotonic() - started < 5 and len(api_server.requests) == 1


def test_an_endless_body_is_refused_at_the_default_cap(api_server):
    api_server.route("/paper", api_server.endless())  # chunked: no Content-Length to check first
    with make_client(api_server, retries=2) as client:
        with pytest.raises(BadResponse, match=r"answered with more than the 20 MB allowed; the answer was refused$"):
            client.get_json("/paper")
    assert DEFAULT_MAX_BYTES == 20_000_000 and len(api_server.requests) == 1


def test_the_cap_can_be_changed_for_a_client_and_for_one_request(api_server):
    api_server.route("/small", {"data": "x" * 3000})
    with make_client(api_server, max_bytes=1000) as client:
        with pytest.raises(BadResponse, match=r"answered with 3 kB, more than the 1 kB allowed"):
            client.get_json("/small")
        assert client.get_json("/small", max_bytes=10_000) == {"data": "x" * 3000}
    with make_client(api_server) as client:
        with pytest.raises(BadResponse, match="more than the 1 kB allowed"):
            client.get_json("/small", max_bytes=1000)


def test_json_nested_too_deeply_is_refused_without_a_traceback(api_server):
    api_server.route("/paper", reply(body=DEEP, content_type="application/json"))
    with make_client(api_server) as client:
        with pytest.raises(BadResponse) as caught:
            client.get_json("/paper")
    assert str(caught.value) == "Semantic Scholar answered with JSON nested too deeply to read; the answer was refused"


def test_a_deeply_nested_error_body_is_still_a_server_error(api_server):
    api_server.route("/paper", reply(500, body=DEEP, content_type="application/json"))
    with make_client(api_server, retries=0) as client:
        with pytest.raises(ServerError, match=r"server error \(500 Internal Server Error\)"):
            client.get_json("/paper")


# -- refreshing against such servers ---------------------------------------------------------------------------


def library_of(tmp_path: Path, papers: int) -> Path:
    entries = [
        f"@article{{p{n:02d}, title = {{Paper {n}}}, author = {{Author, A}}, year = 2000, doi = {{10.5555/p{n}}}}}"
        for n in range(papers)
    ]
    (tmp_path / "many.bib").write_text("\n".join(entries), encoding="utf-8")
    jobs.import_bibtex(tmp_path / "many.sqlite", [tmp_path / "many.bib"], workers=1)
    return tmp_path / "many.sqlite"


@pytest.fixture
def s2(monkeypatch, tmp_path, api_server):
    """Semantic Scholar pointed at the test server, unthrottled, without retries; settings under tmp_path."""
    monkeypatch.setenv("CITEDESK_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_URL", api_server.url + "/s2")
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_RATE", "0")
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_RETRIES", "0")
    monkeypatch.delenv("CITEDESK_SEMANTICSCHOLAR_KEY", raising=False)
    return api_server


def fetch_statuses(library: Path) -> list[str]:
    db = open_library(library)
    try:
        return [status for (status,) in db.execute("SELECT status FROM fetches ORDER BY paper_id")]
    finally:
        db.close()


def test_a_source_failing_for_three_papers_in_a_row_is_paused_with_one_message(s2, tmp_path):
    library = library_of(tmp_path, 10)
    s2.route(re.compile(r"/s2/paper/.*"), reply(500, json={"message": "Internal Server Error"}))
    report = jobs.refresh(library, None, sources=["semanticscholar"])
    (problem,) = report.problems
    assert problem.source == "Semantic Scholar"
    assert problem.reason == (
        "Semantic Scholar failed for 3 papers in a row (500 Internal Server Error); "
        "skipped for the remaining 7 papers of this refresh"
    )
    assert (report.fetched, report.not_found) == (0, 0)  # the skipped papers are not "not found"
    assert len(s2.requests) == 3
    assert fetch_statuses(library) == ["failed"] * 3  # asked again by the next refresh; the others never asked


def test_failures_between_answers_do_not_pause_the_source(s2, tmp_path):
    library = library_of(tmp_path, 6)
    failing = {"10.5555/p0", "10.5555/p1", "10.5555/p3", "10.5555/p4"}

    def lookup(request):
        doi = request.decoded_path.split("DOI:")[-1]
        return reply(500) if doi in failing else {"paperId": None}

    s2.route(re.compile(r"/s2/paper/DOI:.*"), lookup)
    report = jobs.refresh(library, None, sources=["semanticscholar"])
    assert len(report.problems) == 4 and all("server error (500" in p.reason for p in report.problems)
    assert {p.key for p in report.problems} == {"p00", "p01", "p03", "p04"}
    assert (report.fetched, report.not_found) == (2, 2)


def test_a_deeply_nested_answer_in_a_refresh_is_a_refused_answer_and_nothing_is_stored(s2, tmp_path):
    library = library_of(tmp_path, 1)
    s2.route(re.compile(r"/s2/paper/DOI:.*"), {"paperId": "abc", "title": "Paper 0"})
    s2.route("/s2/paper/abc/citations", reply(body=DEEP, content_type="application/json"))
    s2.route("/s2/paper/abc/references", {"offset": 0, "data": []})
    report = jobs.refresh(library, None, sources=["semanticscholar"])
    (problem,) = report.problems
    assert problem.reason == "Semantic Scholar answered with JSON nested too deeply to read; the answer was refused"
    assert report.fetched == 0 and fetch_statuses(library) == ["failed"]
    db = open_library(library)
    assert db.execute("SELECT count(*) FROM citations").fetchone() == (0,)
    db.close()


def test_cancel_during_a_dripping_refresh_ends_at_once(s2, tmp_path):
    library = library_of(tmp_path, 3)
    s2.route(re.compile(r"/s2/paper/DOI:.*"), s2.drip({"paperId": None, "title": "x" * 50}, interval=5))
    with pytest.raises(Cancelled):
        jobs.refresh(library, None, sources=["semanticscholar"], cancelled=lambda: pressed_since(s2, 0.5))
    assert time.monotonic() - s2.requests[0].time < 2.5
    assert len(s2.requests) == 1 and fetch_statuses(library) == []  # nothing half-fetched was stored


# -- Ctrl-C in a terminal --------------------------------------------------------------------------------------


def test_ctrl_c_during_citedesk_refresh_ends_at_once_with_the_cancelled_message(s2, tmp_path):
    library = library_of(tmp_path, 3)
    s2.route(re.compile(r"/s2/paper/DOI:.*"), s2.drip({"paperId": None, "title": "x" * 50}, interval=2))
    environment = {**os.environ, "CITEDESK_LIBRARY": str(library)}
    child = subprocess.Popen(
        [sys.executable, "-m", "citedesk", "refresh", "--all", "--source", "semanticscholar"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # as in a terminal
    try:
        waited = time.monotonic()
        while not s2.requests and time.monotonic() - waited < 60:
            time.sleep(0.05)
        assert s2.requests, "the refresh never asked the server"
        time.sleep(0.3)  # the body is dripping now
        child.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        _out, err = child.communicate(timeout=30)
        ended = time.monotonic()
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert "Traceback" not in err, err
    assert child.returncode == 130, (child.returncode, err)
    assert "citedesk: cancelled" in err
    assert ended - interrupted < 5
