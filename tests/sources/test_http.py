"""HttpClient against a real local server: JSON, paths, errors, retries, rate limits, cancel and secrets."""

from __future__ import annotations

import email.utils
import itertools
import logging
import re
import threading
import time

import pytest
from server import RecordedRequest, Reply, reply

from citedesk import __version__
from citedesk.model import Cancelled
from citedesk.sources.errors import BadKey, BadResponse, NotFound, Offline, RateLimited, ServerError
from citedesk.sources.http import HostLimits, HttpClient, parse_retry_after, quote_path, redact

KEY = "s3cr3t-KEY-0123456789"
S2_TOO_MANY = {
    "message": "Too Many Requests. Please wait and try again or apply for a key for higher rate limits.",
    "code": "429",
}
CROSSREF_400 = {
    "status": "failed",
    "message-type": "validation-failure",
    "message": [
        {
            "type": "parameter-not-allowed",
            "value": "query.*",
            "message": "This route does not support field query parameters",
        }
    ],
}


class FakeTime:
    """A clock that only moves when the fake sleep is called; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def make_client(server, fake: FakeTime | None = None, label: str = "OpenAlex", path: str = "", **options) -> HttpClient:
    """A client of the test server: no client-side rate limit, fake time when given, its own limiter registry."""
    options.setdefault("requests_per_second", 0)
    if fake is not None:
        options.setdefault("sleep", fake.sleep)
        options.setdefault("clock", fake.clock)
    options.setdefault("host_limits", HostLimits())
    return HttpClient(label, server.url + path, **options)


def within(value: float, low: float, high: float) -> bool:
    return low <= value <= high


# -- requests as sent --------------------------------------------------------------------------------------------


def test_get_returns_the_json_and_sends_default_headers_and_params(api_server):
    api_server.route("/works/W1", {"id": "W1", "cited_by_count": 3})
    with make_client(
        api_server, headers={"x-api-key": "k"}, params={"mailto": "me@example.org"}, mailto="me@example.org"
    ) as client:
        assert client.get_json("/works/W1", {"select": "id,cited_by_count", "skipped": None}) == {
            "id": "W1",
            "cited_by_count": 3,
        }
    [request] = api_server.requests
    assert request.method == "GET"
    assert request.query == {"mailto": "me@example.org", "select": "id,cited_by_count"}
    assert request.headers["user-agent"] == f"CiteDesk/{__version__} (+mailto:me@example.org)"
    assert request.headers["accept"] == "application/json"
    assert request.headers["x-api-key"] == "k"


def test_call_params_override_default_params_and_a_user_agent_can_be_given(api_server):
    api_server.route("/works", {"results": []})
    with make_client(api_server, params={"per_page": "25", "mailto": "a@b.org"}, user_agent="Tester/1") as client:
        client.get_json("/works", {"per_page": 100, "filter": "cites:W1|W2"})
    [request] = api_server.requests
    assert request.query == {"per_page": "100", "mailto": "a@b.org", "filter": "cites:W1|W2"}
    assert request.headers["user-agent"] == "Tester/1"


def test_post_sends_a_json_body_and_keeps_params_in_the_query(api_server):
    api_server.route("/graph/v1/paper/batch", [{"paperId": "a"}, None], method="POST")
    with make_client(api_server, label="Semantic Scholar", path="/graph/v1") as client:
        answer = client.post_json("/paper/batch", {"ids": ["DOI:10.1000/x", "CorpusId:1"]}, {"fields": "title"})
    assert answer == [{"paperId": "a"}, None]
    [request] = api_server.requests
    assert (request.method, request.path, request.query) == ("POST", "/graph/v1/paper/batch", {"fields": "title"})
    assert request.json() == {"ids": ["DOI:10.1000/x", "CorpusId:1"]}
    assert request.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    [
        "/works/doi:10.1000/x",
        "/paper/DOI:10.1093/mind/lix.236.433",
        "/works/https://doi.org/10.7717/peerj.4375",
        "/citations/doi:10.1186/1756-8722-6-59",
    ],
)
def test_paths_with_dois_go_out_unchanged(api_server, path):
    api_server.route("/api" + path, {"ok": True})
    with make_client(api_server, path="/api/") as client:
        assert client.get_json(path) == {"ok": True}
    assert api_server.requests[0].path == "/api" + path


@pytest.mark.parametrize(
    "doi",
    [
        "10.1002/(SICI)1097-4636(199706)35:4<479::AID-JBM8>3.0.CO;2-H",
        "10.1000/a#b?c d",
        "10.1000/100%pure",
        "10.1000/[brackets]{braces}",
    ],
)
def test_characters_that_must_be_encoded_are_percent_encoded(api_server, doi):
    api_server.route("/works/doi:" + doi, {"ok": True})
    with make_client(api_server) as client:
        assert client.get_json("/works/doi:" + doi) == {"ok": True}
    [request] = api_server.requests
    assert request.decoded_path == "/works/doi:" + doi
    assert not set(request.path) & set("<> #?[]{}") and request.query == {}


def test_escapes_already_in_a_path_are_kept():
    assert quote_path("/works/doi:10.1000%2Fx") == "/works/doi:10.1000%2Fx"
    assert quote_path("/a b/100%") == "/a%20b/100%25"


def test_redirects_are_followed(api_server):
    api_server.route("/works/W1", api_server.redirect("/works/W2"))
    api_server.route("/works/W2", {"id": "W2"})
    with make_client(api_server) as client:
        assert client.get_json("/works/W1") == {"id": "W2"}
    assert [request.path for request in api_server.requests] == ["/works/W1", "/works/W2"]


# -- errors that no retry fixes ----------------------------------------------------------------------------------


def test_404_is_not_found_and_names_what(api_server):
    api_server.route("/graph/v1/paper/0", api_server.reply(404, json={"error": "Paper with id 0 not found"}))
    with make_client(api_server, label="Semantic Scholar", path="/graph/v1") as client:
        with pytest.raises(NotFound) as caught:
            client.get_json("/paper/0")
    assert str(caught.value) == "Semantic Scholar does not know /paper/0 (404 Not Found): Paper with id 0 not found"
    assert len(api_server.requests) == 1


def test_crossref_404_in_plain_text_is_not_found(api_server):
    api_server.route("/works/10.1000/nothing", api_server.text("Resource not found.", status=404))
    with make_client(api_server, label="Crossref") as client:
        with pytest.raises(NotFound, match=re.escape("Crossref does not know /works/10.1000/nothing")):
            client.get_json("/works/10.1000/nothing")


def test_403_with_a_key_is_a_refused_key(api_server):
    api_server.route("/paper/x", api_server.reply(403, json={"message": "Forbidden"}))
    with make_client(api_server, label="Semantic Scholar", headers={"x-api-key": KEY}, secrets=[KEY]) as client:
        with pytest.raises(BadKey) as caught:
            client.get_json("/paper/x")
    assert str(caught.value) == "Semantic Scholar refused the API key (403 Forbidden): check the key in the settings"
    assert len(api_server.requests) == 1


def test_401_without_a_key_asks_for_one_with_the_servers_message(api_server):
    api_server.route(
        "/works", api_server.reply(401, json={"error": "Invalid or missing API key", "message": "API key not found"})
    )
    with make_client(api_server) as client:
        with pytest.raises(BadKey) as caught:
            client.get_json("/works")
    assert str(caught.value) == (
        "OpenAlex needs an API key (401 Unauthorized: Invalid or missing API key: API key not found): "
        "add one in the settings"
    )


def test_scite_expired_token_message_is_shown(api_server):
    api_server.route("/tallies/10.1000/x", api_server.reply(401, json={"detail": "API token has expired"}))
    with make_client(api_server, label="scite", secrets=["a-long-scite-token"]) as client:
        with pytest.raises(BadKey, match="API token has expired"):
            client.get_json("/tallies/10.1000/x")


def test_semantic_scholar_400_shows_its_error(api_server):
    api_server.route("/paper/x", api_server.reply(400, json={"error": "Unrecognized or unsupported fields: [unknown]"}))
    with make_client(api_server, label="Semantic Scholar") as client:
        with pytest.raises(BadResponse) as caught:
            client.get_json("/paper/x", {"fields": "unknown"})
    assert (
        str(caught.value)
        == "Semantic Scholar rejected the request (400): Unrecognized or unsupported fields: [unknown]"
    )
    assert len(api_server.requests) == 1


def test_crossref_400_shows_the_messages_of_its_list(api_server):
    api_server.route("/works", api_server.reply(400, json=CROSSREF_400))
    with make_client(api_server, label="Crossref") as client:
        with pytest.raises(BadResponse) as caught:
            client.get_json("/works", {"query.title": "x"})
    assert (
        str(caught.value) == "Crossref rejected the request (400): This route does not support field query parameters"
    )


# -- broken answers ----------------------------------------------------------------------------------------------


def test_malformed_json_is_a_bad_response(api_server):
    api_server.route("/x", api_server.malformed())
    with make_client(api_server, label="OpenCitations") as client:
        with pytest.raises(BadResponse, match=r"^OpenCitations answered with malformed JSON"):
            client.get_json("/x")


def test_json_cut_in_the_middle_is_a_bad_response_that_suggests_truncation(api_server):
    api_server.route("/x", api_server.cut_json({"data": [{"oci": "0200-0300"}] * 5}))
    with make_client(api_server, label="OpenCitations") as client:
        with pytest.raises(BadResponse) as caught:
            client.get_json("/x")
    assert str(caught.value) == "OpenCitations answered with malformed JSON (truncated?)"


def test_a_body_shorter_than_its_content_length_is_retried_then_a_bad_response(api_server, fake):
    api_server.route("/x", api_server.truncate({"data": [1, 2, 3]}, missing=50))
    with make_client(api_server, fake, label="OpenCitations", retries=1) as client:
        with pytest.raises(BadResponse, match=r"^OpenCitations answered with a truncated response"):
            client.get_json("/x")
    assert len(api_server.requests) == 2 and len(fake.sleeps) == 1


def test_an_html_page_with_status_200_is_a_bad_response(api_server):
    api_server.route("/works/10.1000/x", api_server.html())
    with make_client(api_server, label="Crossref") as client:
        with pytest.raises(BadResponse, match=r"^Crossref answered with an HTML page instead of JSON"):
            client.get_json("/works/10.1000/x")


def test_an_empty_body_is_a_bad_response(api_server):
    api_server.route("/x", api_server.reply(200, body=b"", content_type="application/json"))
    with make_client(api_server, label="scite") as client:
        with pytest.raises(BadResponse, match="empty response"):
            client.get_json("/x")


# -- retries -----------------------------------------------------------------------------------------------------


def test_429_with_retry_after_waits_exactly_that_long_once(api_server, fake):
    api_server.route(
        "/paper/x", api_server.reply(429, json=S2_TOO_MANY, headers={"Retry-After": "2"}), {"paperId": "x"}
    )
    with make_client(api_server, fake, label="Semantic Scholar") as client:
        assert client.get_json("/paper/x") == {"paperId": "x"}
    assert fake.sleeps == [2.0]
    assert len(api_server.requests) == 2


def test_retry_after_as_an_http_date(api_server, fake):
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    api_server.route("/x", api_server.reply(503, headers={"Retry-After": when}), {"ok": 1})
    with make_client(api_server, fake) as client:
        assert client.get_json("/x") == {"ok": 1}
    [wait] = fake.sleeps
    assert within(wait, 28, 30)


def test_retry_after_longer_than_the_cap_gives_up_naming_the_time(api_server, fake):
    api_server.route("/x", api_server.reply(429, headers={"Retry-After": "3600"}))
    with make_client(api_server, fake) as client:
        with pytest.raises(RateLimited) as caught:
            client.get_json("/x")
    assert re.fullmatch(
        r"OpenAlex: too many requests \(429\) — the server asks to wait 60 min "
        r"\(until \d\d:\d\d\); try again then",
        str(caught.value),
    )
    assert fake.sleeps == [] and len(api_server.requests) == 1


def test_429_forever_is_rate_limited_after_the_retries(api_server, fake):
    api_server.route("/works", api_server.reply(429, json={"error": "Too many requests"}))
    with make_client(api_server, fake, retries=3) as client:
        with pytest.raises(RateLimited) as caught:
            client.get_json("/works")
    assert str(caught.value) == (
        "OpenAlex: too many requests (429) — still limited after 3 retries; try again in a few minutes"
    )
    assert len(api_server.requests) == 4
    assert [within(wait, low, low * 1.25) for wait, low in zip(fake.sleeps, (1, 2, 4), strict=True)] == [True] * 3


def test_server_errors_are_retried_with_growing_backoff(api_server, fake):
    api_server.route("/x", api_server.reply(500), api_server.html(status=502), api_server.reply(503), {"ok": True})
    with make_client(api_server, fake, retries=4) as client:
        assert client.get_json("/x") == {"ok": True}
    assert len(api_server.requests) == 4
    assert [within(wait, low, low * 1.25) for wait, low in zip(fake.sleeps, (1, 2, 4), strict=True)] == [True] * 3


def test_backoff_is_capped(api_server, fake):
    api_server.route("/x", api_server.reply(504))
    with make_client(api_server, fake, retries=6, max_backoff=5) as client:
        with pytest.raises(ServerError) as caught:
            client.get_json("/x")
    assert max(fake.sleeps) <= 5 and len(fake.sleeps) == 6
    assert str(caught.value) == (
        "OpenAlex had a server error (504 Gateway Timeout) — still failing after 6 retries; try again later"
    )


def test_a_timeout_is_retried_then_offline(api_server, fake):
    api_server.route("/slow", api_server.delay(5, {"late": True}))
    with make_client(api_server, fake, label="Semantic Scholar", timeout=0.2, retries=1) as client:
        started = time.monotonic()
        with pytest.raises(Offline) as caught:
            client.get_json("/slow")
    assert str(caught.value) == "Semantic Scholar timed out after 0.2 s"
    assert len(api_server.requests) == 2 and len(fake.sleeps) == 1
    assert time.monotonic() - started < 2


def test_a_refused_connection_is_offline(refused_url, fake):
    with HttpClient(
        "Crossref",
        refused_url,
        requests_per_second=0,
        retries=2,
        sleep=fake.sleep,
        clock=fake.clock,
        host_limits=HostLimits(),
    ) as client:
        with pytest.raises(Offline) as caught:
            client.get_json("/works/10.1000/x")
    assert str(caught.value) == "Crossref could not be reached: no network connection (connection refused)"
    assert len(fake.sleeps) == 2


def test_a_dropped_connection_is_retried_then_offline(api_server, fake):
    api_server.route("/x", api_server.close_connection())
    with make_client(api_server, fake, retries=1) as client:
        with pytest.raises(Offline, match="closed the connection without answering"):
            client.get_json("/x")
    assert len(api_server.requests) == 2


def test_a_dropped_connection_then_an_answer_succeeds(api_server, fake):
    api_server.route("/x", api_server.close_connection(), {"ok": 1})
    with make_client(api_server, fake) as client:
        assert client.get_json("/x") == {"ok": 1}


def test_retries_are_logged_at_info(api_server, fake, caplog):
    caplog.set_level(logging.INFO, logger="citedesk.sources.http")
    api_server.route("/x", api_server.reply(502), {"ok": 1})
    with make_client(api_server, fake) as client:
        client.get_json("/x")
    [record] = [record for record in caplog.records if record.name == "citedesk.sources.http"]
    assert record.levelno == logging.INFO and "502 Bad Gateway" in record.getMessage()


# -- rate limits -------------------------------------------------------------------------------------------------


def test_crossref_rate_limit_headers_space_the_next_requests(api_server, fake):
    api_server.route(
        "/works/10.1000/x",
        api_server.reply(
            200, json={"status": "ok"}, headers={"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s"}
        ),
    )
    with make_client(api_server, fake, label="Crossref") as client:
        for _ in range(3):
            client.get_json("/works/10.1000/x")
    assert fake.sleeps == pytest.approx([0.2, 0.2])


@pytest.mark.parametrize("prefix", ["x-ratelimit", "ratelimit"])
def test_a_used_up_quota_makes_the_next_request_wait_for_the_reset(api_server, fake, prefix):
    api_server.route(
        "/works/W1",
        api_server.reply(200, json={"id": "W1"}, headers={f"{prefix}-remaining": "0", f"{prefix}-reset": "3"}),
    )
    api_server.route("/works/W2", {"id": "W2"})
    with make_client(api_server, fake) as client:
        client.get_json("/works/W1")
        assert fake.sleeps == []
        client.get_json("/works/W2")
    assert fake.sleeps == [3.0]


def test_a_quota_with_remaining_requests_does_not_wait(api_server, fake):
    api_server.route(
        "/x", api_server.reply(200, json={}, headers={"ratelimit-remaining": "99", "ratelimit-reset": "1"})
    )
    with make_client(api_server, fake) as client:
        client.get_json("/x")
        client.get_json("/x")
    assert fake.sleeps == []


def test_the_rate_limit_spaces_requests_evenly(api_server, fake):
    api_server.route("/x", {})
    with make_client(api_server, fake, requests_per_second=4) as client:
        for _ in range(4):
            client.get_json("/x")
    assert fake.sleeps == pytest.approx([0.25, 0.25, 0.25])


def test_two_clients_of_one_host_share_its_limit(api_server, fake):
    api_server.route("/x", {})
    limits = HostLimits()
    with (
        make_client(api_server, fake, requests_per_second=2, host_limits=limits) as first,
        make_client(api_server, fake, requests_per_second=2, host_limits=limits) as second,
    ):
        first.get_json("/x")
        second.get_json("/x")
        first.get_json("/x")
    assert fake.sleeps == pytest.approx([0.5, 0.5])


def test_clients_of_different_hosts_do_not_wait_for_each_other(api_server, fake):
    api_server.route("/x", {})
    limits = HostLimits()
    with (
        make_client(api_server, fake, requests_per_second=1, host_limits=limits) as first,
        HttpClient(
            "Other",
            f"http://localhost:{api_server.port}",
            requests_per_second=1,
            sleep=fake.sleep,
            clock=fake.clock,
            host_limits=limits,
        ) as second,
    ):
        first.get_json("/x")
        second.get_json("/x")
    assert fake.sleeps == []


def test_threads_with_two_clients_of_one_host_are_spaced_in_real_time(api_server):
    api_server.route("/x", {})
    limits = HostLimits()
    clients = [make_client(api_server, requests_per_second=10, host_limits=limits) for _ in range(2)]

    def fetch_twice(client: HttpClient) -> None:
        client.get_json("/x")
        client.get_json("/x")

    threads = [threading.Thread(target=fetch_twice, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    for client in clients:
        client.close()
    times = sorted(api_server.times("/x"))
    assert len(times) == 4
    assert min(later - earlier for earlier, later in itertools.pairwise(times)) >= 0.05  # 0.1 s, less arrival jitter


def test_the_process_wide_registry_is_used_by_default(api_server):
    api_server.route("/x", {})
    with (
        HttpClient("A", api_server.url, requests_per_second=10) as first,
        HttpClient("B", api_server.url, requests_per_second=10) as second,
    ):
        first.get_json("/x")
        second.get_json("/x")
    earlier, later = api_server.times("/x")
    assert later - earlier >= 0.05  # 0.1 s, less arrival jitter


# -- cancel ------------------------------------------------------------------------------------------------------


def test_cancel_during_a_long_wait_raises_cancelled_quickly(api_server):
    api_server.route("/x", api_server.reply(503, headers={"Retry-After": "60"}))
    pressed = threading.Event()
    timer = threading.Timer(0.2, pressed.set)
    with make_client(api_server, cancelled=pressed.is_set) as client:
        timer.start()
        started = time.monotonic()
        try:
            with pytest.raises(Cancelled):
                client.get_json("/x")
        finally:
            timer.cancel()
            timer.join()
    assert time.monotonic() - started < 0.6
    assert len(api_server.requests) == 1


def test_cancel_during_backoff_with_the_default_sleep(api_server):
    api_server.route("/x", api_server.reply(500))
    pressed = threading.Event()
    timer = threading.Timer(0.15, pressed.set)
    with make_client(api_server, cancelled=pressed.is_set, backoff=30) as client:
        timer.start()
        started = time.monotonic()
        try:
            with pytest.raises(Cancelled):
                client.get_json("/x")
        finally:
            timer.cancel()
            timer.join()
    assert time.monotonic() - started < 0.6


def test_nothing_is_sent_once_cancelled(api_server):
    api_server.route("/x", {})
    with make_client(api_server, cancelled=lambda: True) as client:
        with pytest.raises(Cancelled):
            client.get_json("/x")
    assert api_server.requests == []


# -- secrets -----------------------------------------------------------------------------------------------------


def echo_the_key(request: RecordedRequest) -> Reply:
    """A server that repeats the key in its error message, as some do."""
    return reply(400, json={"error": f"bad request {request.target}", "message": f"key {KEY} is not valid here"})


@pytest.mark.parametrize(
    "route, error",
    [
        ("/echo", BadResponse),
        ("/forbidden", BadKey),
        ("/missing", NotFound),
        ("/limited", RateLimited),
        ("/slow", Offline),
        ("/truncated", BadResponse),
    ],
)
def test_keys_never_appear_in_errors_or_logs(api_server, fake, caplog, route, error):
    caplog.set_level(logging.DEBUG)
    api_server.route(re.compile("/echo/.*"), echo_the_key)
    api_server.route(re.compile("/forbidden/.*"), api_server.reply(403, json={"message": f"Forbidden for key {KEY}"}))
    api_server.route(re.compile("/limited/.*"), api_server.reply(429, json={"error": f"{KEY} used up"}))
    api_server.route(re.compile("/slow/.*"), api_server.delay(5))
    api_server.route(re.compile("/truncated/.*"), api_server.truncate({"key": KEY}))
    with make_client(
        api_server,
        fake,
        params={"api_key": KEY},
        headers={"Authorization": f"Bearer {KEY}"},
        secrets=[KEY],
        retries=1,
        timeout=0.2,
    ) as client:
        with pytest.raises(error) as caught:
            client.get_json(f"{route}/{KEY}")
        assert KEY not in repr(client)
    assert api_server.requests[0].query == {"api_key": KEY}  # the key did reach the server
    texts = [str(caught.value), repr(caught.value)]
    cause = caught.value.__cause__ or caught.value.__context__
    while cause is not None:
        texts.append(repr(cause))
        cause = cause.__cause__ or cause.__context__
    assert all(KEY not in text for text in texts), texts
    assert caplog.records and KEY not in caplog.text
    assert "api_key=***" in caplog.text


def test_a_refused_connection_hides_the_key_too(refused_url, fake, caplog):
    caplog.set_level(logging.DEBUG)
    with HttpClient(
        "OpenAlex",
        refused_url,
        requests_per_second=0,
        params={"api_key": KEY},
        secrets=[KEY],
        retries=1,
        sleep=fake.sleep,
        clock=fake.clock,
        host_limits=HostLimits(),
    ) as client:
        with pytest.raises(Offline) as caught:
            client.get_json("/works")
    assert KEY not in str(caught.value) and KEY not in caplog.text


def test_redact_hides_secrets_and_credential_parameters():
    assert redact("GET /x?api_key=abc&mailto=a@b.org", []) == "GET /x?api_key=***&mailto=a@b.org"
    assert redact("token is my key+1 or my%20key%2B1", ["my key+1"]) == "token is *** or ***"


def test_retry_after_parsing():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after(email.utils.formatdate(1_000_060, usegmt=True), now=lambda: 1_000_000) == 60.0
    assert parse_retry_after(email.utils.formatdate(0, usegmt=True)) == 0.0


# -- the client's life -------------------------------------------------------------------------------------------


def test_close_twice_is_harmless_and_closed_clients_refuse_to_send(api_server):
    api_server.route("/x", {})
    client = make_client(api_server)
    client.close()
    client.close()
    with pytest.raises(RuntimeError):
        client.get_json("/x")


# -- the test server itself --------------------------------------------------------------------------------------


def test_the_server_picks_routes_by_method_and_query_and_reports_strays(api_server):
    api_server.route("/works", {"page": "cites"}, query={"filter": "cites:W1"})
    api_server.route("/works", {"page": "any"}, method="GET")
    api_server.route("/works", {"posted": True}, method="POST")
    with make_client(api_server) as client:
        assert client.get_json("/works", {"filter": "cites:W1"}) == {"page": "any"}  # later routes win
        assert client.post_json("/works", {}) == {"posted": True}
        with pytest.raises(NotFound):
            client.get_json("/nowhere")
    assert [request.path for request in api_server.unmatched] == ["/nowhere"]


def test_the_server_serves_sequences_then_repeats_the_last_and_calls_handlers(api_server):
    api_server.route("/seq", {"n": 1}, {"n": 2})
    route = api_server.route(re.compile(r"/works/W\d+"), lambda request: {"id": request.decoded_path.rsplit("/", 1)[1]})
    with make_client(api_server) as client:
        assert [client.get_json("/seq")["n"] for _ in range(3)] == [1, 2, 2]
        assert client.get_json("/works/W42") == {"id": "W42"}
    assert len(route.requests) == 1 and len(api_server.requests_to("/seq")) == 3
