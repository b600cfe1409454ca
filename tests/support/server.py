"""A real HTTP server on 127.0.0.1 for source tests: canned JSON, answers in sequence, handlers and network faults.

Tests get it through the `api_server` fixture (tests/sources/conftest.py), which starts one server on an
ephemeral port per test and shuts it down afterwards. Register routes, point a client at `api_server.url`,
then assert on what the server received::

    from citedesk.sources.http import HttpClient

    def test_a_paper_is_fetched_with_the_key_in_a_header(api_server):
        api_server.route("/graph/v1/paper/DOI:10.1000/x", {"paperId": "abc"})          # 200 JSON, every time
        api_server.route("/graph/v1/paper/batch",                                        # 429, then 200 for good
                         api_server.reply(429, headers={"Retry-After": "0"}), [{"paperId": "abc"}], method="POST")
        api_server.route("/works", {"results": []}, query={"filter": "cites:W1"})        # only with this param
        api_server.route("/slow", api_server.delay(2.0, {"ok": True}))                  # answers after 2 s
        api_server.route("/cut", api_server.truncate({"data": [1, 2, 3]}))               # Content-Length lies
        api_server.route(re.compile(r"/works/W\\d+"), lambda request: {"id": request.path[7:]})  # a handler

        with HttpClient("Semantic Scholar", api_server.url + "/graph/v1", requests_per_second=0,
                        headers={"x-api-key": "k"}, secrets=["k"]) as client:
            assert client.get_json("/paper/DOI:10.1000/x", {"fields": "title"}) == {"paperId": "abc"}

        [request] = api_server.requests
        assert request.headers["x-api-key"] == "k" and "api_key" not in request.query
        assert request.query == {"fields": "title"}

Routes
    `route(path, *responses, method=None, query=None)`: `path` is the exact path (without the query; matched
    against the raw path and its percent-decoded form) or a compiled regex matched in full against the decoded
    path. `method` None matches any method. `query` is a dict of parameters that must be present with these
    values, or a callable(query dict) -> bool. Later routes win over earlier ones for the same request.
    Requests that match no route get 404 `{"error": "no route for GET /x"}` and are listed in `unmatched`.

Responses
    Each response is a `Reply`, or bytes (sent as application/octet-stream), or anything else, sent as JSON
    with status 200 (a dict, a list, a str, None...). Several responses are served in turn and the last one
    repeats (`429, 500, 200` = two failures then success for good). A single callable is a handler:
    callable(RecordedRequest) -> response, called for each request (an exception in it becomes a 500 and
    fails the test at teardown).

Helpers (module functions, also methods of the fixture object)
    reply(status, json=..., body=b"", headers=None, content_type=None)   any status, JSON or raw body
    text(body, status=200) / html(body, status=200)                       a text/plain or text/html body
    redirect(location, status=301)                                        a redirect
    delay(seconds, response)                                              sleep first (to trigger client timeouts)
    truncate(response, missing=100)    send a Content-Length `missing` bytes larger than the body, then close
    cut_json(data)                     the JSON text cut in the middle, with a correct Content-Length
    malformed(text)                    invalid JSON served as application/json
    close_connection()                 drop the socket without answering
    drip(response, interval=2.0, size=1)   the headers at once, then `size` bytes of the body every `interval` s
    endless(chunk=..., status=200)     a chunked JSON-looking body that never ends (until the client hangs up)

Records
    `requests` lists every RecordedRequest (method, path, query, query_items, headers with lower-case names,
    body, json(), time from time.monotonic()); `requests_to(path, method=None)` filters them; each Route also
    keeps its own `requests`. `times(path=None)` gives the arrival times, to check a rate limit.
"""

from __future__ import annotations

import contextlib
import json as jsonlib
import re
import socket
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_NO_JSON = object()


@dataclass(frozen=True)
class Reply:
    """One canned answer: status, headers, body bytes, an optional delay and an optional fault."""

    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    fault: str | None = None  # None, "truncate" (Content-Length too large, then close), "close" (no answer),
    # "drip" (the body a few bytes at a time) or "endless" (a chunked body that repeats `body` for ever)
    missing: int = 0  # for "truncate": how many bytes the Content-Length claims beyond the body
    interval: float = 0.0  # for "drip": seconds between two pieces of the body
    size: int = 1  # for "drip": bytes in each piece


@dataclass
class RecordedRequest:
    """One request as the server received it."""

    method: str
    target: str  # the raw request target: path and query, as sent
    path: str  # the raw path, percent-encoding kept, without the query
    query: dict[str, str]  # decoded; the last value of a repeated parameter
    query_items: list[tuple[str, str]]  # decoded, in order, repeats kept
    headers: dict[str, str]  # names in lower case
    body: bytes
    time: float  # time.monotonic() when the request arrived

    @property
    def decoded_path(self) -> str:
        """The path with percent-escapes decoded: `/works/doi:10.1000/x<y>`."""
        return urllib.parse.unquote(self.path)

    def json(self) -> Any:
        """The body decoded as JSON."""
        return jsonlib.loads(self.body)


Handler = Callable[[RecordedRequest], Any]


@dataclass
class Route:
    """Which requests a route answers, its responses (or handler), and the requests it has served."""

    path: str | re.Pattern[str]
    responses: list[Reply]
    handler: Handler | None = None
    method: str | None = None
    query: Mapping[str, Any] | Callable[[dict[str, str]], bool] | None = None
    requests: list[RecordedRequest] = field(default_factory=list)

    def matches(self, request: RecordedRequest) -> bool:
        """Whether this route answers `request`."""
        return self._matches_method(request) and self._matches_path(request) and self._matches_query(request)

    def next_reply(self, request: RecordedRequest) -> Reply:
        """The reply for this request: the handler's, or the next in the sequence (the last one repeats)."""
        self.requests.append(request)
        if self.handler is not None:
            return as_reply(self.handler(request))
        index = min(len(self.requests), len(self.responses)) - 1
        return self.responses[index]

    def _matches_method(self, request: RecordedRequest) -> bool:
        return self.method is None or self.method.upper() == request.method

    def _matches_path(self, request: RecordedRequest) -> bool:
        if isinstance(self.path, re.Pattern):
            return self.path.fullmatch(request.decoded_path) is not None
        return self.path in (request.path, request.decoded_path)

    def _matches_query(self, request: RecordedRequest) -> bool:
        if self.query is None:
            return True
        if callable(self.query):
            return bool(self.query(request.query))
        return all(request.query.get(key) == str(value) for key, value in self.query.items())


# -- building replies --------------------------------------------------------------------------------------------


def reply(
    status: int = 200,
    json: Any = _NO_JSON,
    body: bytes | str = b"",
    headers: Mapping[str, str] | None = None,
    content_type: str | None = None,
) -> Reply:
    """Any answer: `json=` is encoded as JSON, otherwise `body` is sent as it is (str as UTF-8)."""
    if json is not _NO_JSON:
        body, content_type = jsonlib.dumps(json).encode("utf-8"), content_type or "application/json"
    elif isinstance(body, str):
        body = body.encode("utf-8")
    all_headers = {"Content-Type": content_type} if content_type else {}
    return Reply(status=status, body=body, headers={**all_headers, **(headers or {})})


def text(body: str, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    """A text/plain answer (Crossref's 404 `Resource not found.`)."""
    return reply(status, body=body, headers=headers, content_type="text/plain; charset=utf-8")


def html(
    body: str = "<!DOCTYPE html><html><body><h1>Service unavailable</h1></body></html>",
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """An HTML page (what a proxy or a captive portal sends instead of JSON)."""
    return reply(status, body=body, headers=headers, content_type="text/html; charset=utf-8")


def redirect(location: str, status: int = 301) -> Reply:
    """A redirect to `location` (OpenAlex answers 301 for merged ids)."""
    return Reply(status=status, headers={"Location": location})


def delay(seconds: float, response: Any = None) -> Reply:
    """`response` (default: 200 `{}`), sent after sleeping `seconds`; the sleep ends early when the server stops."""
    return replace(as_reply({} if response is None else response), delay=seconds)


def truncate(response: Any, missing: int = 100) -> Reply:
    """`response` with a Content-Length `missing` bytes larger than its body; the connection closes after the body."""
    return replace(as_reply(response), fault="truncate", missing=missing)


def cut_json(data: Any, status: int = 200) -> Reply:
    """The JSON text of `data` cut in the middle, with a Content-Length that matches what is sent."""
    encoded = jsonlib.dumps(data).encode("utf-8")
    return Reply(status=status, body=encoded[: max(1, len(encoded) // 2)], headers={"Content-Type": "application/json"})


def malformed(body: str = '{"data": [1, 2,, 3], "next": }', status: int = 200) -> Reply:
    """Invalid JSON served as application/json."""
    return reply(status, body=body, content_type="application/json")


def drip(response: Any = None, interval: float = 2.0, size: int = 1) -> Reply:
    """`response` (default: 200 `{}`) with its headers at once and then its body `size` bytes every `interval`
    seconds, the Content-Length true: a server that never quite stops answering."""
    return replace(as_reply({} if response is None else response), fault="drip", interval=interval, size=max(1, size))


def endless(
    chunk: bytes = b'{"data": [' + b'"0123456789abcdef", ' * 3000,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """A chunked application/json body that repeats `chunk` until the client hangs up or the server stops:
    an answer too large for any client to keep."""
    return Reply(
        status=status, body=chunk, headers={"Content-Type": "application/json", **(headers or {})}, fault="endless"
    )


def close_connection() -> Reply:
    """No answer at all: the server closes the socket after reading the request."""
    return Reply(fault="close")


def as_reply(response: Any) -> Reply:
    """A Reply from what a test gave: a Reply as it is, bytes as a raw body, anything else as JSON."""
    if isinstance(response, Reply):
        return response
    if isinstance(response, (bytes, bytearray)):
        return reply(body=bytes(response), content_type="application/octet-stream")
    return reply(json=response)


# -- the server ------------------------------------------------------------------------------------------------


class ApiServer:
    """A threading HTTP server on 127.0.0.1 with routes, faults and a record of every request."""

    reply = staticmethod(reply)
    text = staticmethod(text)
    html = staticmethod(html)
    redirect = staticmethod(redirect)
    delay = staticmethod(delay)
    truncate = staticmethod(truncate)
    cut_json = staticmethod(cut_json)
    malformed = staticmethod(malformed)
    close_connection = staticmethod(close_connection)
    drip = staticmethod(drip)
    endless = staticmethod(endless)

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: list[Route] = []
        self._requests: list[RecordedRequest] = []
        self._unmatched: list[RecordedRequest] = []
        self._connections: set[socket.socket] = set()
        self.errors: list[str] = []  # tracebacks of handlers that raised
        self.stopping = threading.Event()
        self._httpd = _HttpServer(("127.0.0.1", 0), _RequestHandler, self)
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"api-server-{self.port}",
            daemon=True,
        )
        self._thread.start()

    # -- for tests -------------------------------------------------------------------------------------------

    def route(
        self,
        path: str | re.Pattern[str],
        *responses: Any,
        method: str | None = None,
        query: Mapping[str, Any] | Callable[[dict[str, str]], bool] | None = None,
    ) -> Route:
        """Answer requests for `path` with `responses` in turn (the last repeats), or with a handler."""
        if not responses:
            raise TypeError("route() needs at least one response or a handler")
        handler = responses[0] if len(responses) == 1 and _is_handler(responses[0]) else None
        replies = [] if handler else [as_reply(response) for response in responses]
        new_route = Route(path=path, responses=replies, handler=handler, method=method, query=query)
        with self._lock:
            self._routes.insert(0, new_route)
        return new_route

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, in order of arrival."""
        with self._lock:
            return list(self._requests)

    @property
    def unmatched(self) -> list[RecordedRequest]:
        """Requests that matched no route (they got a 404)."""
        with self._lock:
            return list(self._unmatched)

    def requests_to(self, path: str, method: str | None = None) -> list[RecordedRequest]:
        """The requests for this exact path (raw or decoded), optionally with this method."""
        return [
            request
            for request in self.requests
            if path in (request.path, request.decoded_path) and (method is None or request.method == method.upper())
        ]

    def times(self, path: str | None = None) -> list[float]:
        """Arrival times (time.monotonic()) of all requests, or of those for `path`."""
        return [request.time for request in (self.requests if path is None else self.requests_to(path))]

    def clear(self) -> None:
        """Forget every route and recorded request."""
        with self._lock:
            self._routes.clear()
            self._requests.clear()
            self._unmatched.clear()

    def close(self) -> None:
        """Stop serving: end delays, drop open connections, join the threads, close the socket."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        self._httpd.shutdown()
        self._drop_connections()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ApiServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- for the request handler -----------------------------------------------------------------------------

    def answer(self, request: RecordedRequest) -> Reply:
        """Record `request` and choose its reply."""
        with self._lock:
            self._requests.append(request)
            route = next((candidate for candidate in self._routes if candidate.matches(request)), None)
            if route is None:
                self._unmatched.append(request)
        if route is None:
            return reply(404, json={"error": f"no route for {request.method} {request.decoded_path}"})
        try:
            return route.next_reply(request)
        except Exception:  # a test's handler failed: answer 500 and fail the test at teardown
            self.errors.append(traceback.format_exc())
            return reply(500, json={"error": "the test's handler raised an exception"})

    def track(self, connection: socket.socket, open_: bool) -> None:
        """Remember open connections, to drop them when the server stops."""
        with self._lock:
            (self._connections.add if open_ else self._connections.discard)(connection)

    def _drop_connections(self) -> None:
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def _is_handler(response: Any) -> bool:
    return callable(response) and not isinstance(response, (Reply, type))


def unused_port_url() -> str:
    """The URL of a port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], api: ApiServer) -> None:
        self.api = api
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up (after a timeout, say) are normal here; anything else is recorded."""
        error = traceback.format_exc()
        if not any(
            name in error
            for name in (
                "BrokenPipeError",
                "ConnectionResetError",
                "ConnectionAbortedError",
                "TimeoutError",
                "timed out",
            )
        ):
            self.api.errors.append(error)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real APIs
    timeout = 30  # an idle keep-alive connection ends after this many seconds
    disable_nagle_algorithm = True  # small answers go out at once (no 40 ms delayed-ACK stalls)
    wbufsize = 64 * 1024  # headers and body in one write; flushed after each answer
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        self.server.api.track(self.connection, True)

    def finish(self) -> None:
        self.server.api.track(self.connection, False)
        with contextlib.suppress(OSError):
            super().finish()

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests assert on `requests` instead."""

    def _serve(self) -> None:
        request = self._record()
        answer = self.server.api.answer(request)
        if answer.delay and self.server.api.stopping.wait(answer.delay):
            self.close_connection = True
            return
        try:
            self._send(answer)
        except OSError:  # the client gave up (timed out) while we were answering
            self.close_connection = True

    def _record(self) -> RecordedRequest:
        arrived = time.monotonic()
        path, _, query = self.path.partition("?")
        items = urllib.parse.parse_qsl(query, keep_blank_values=True)
        return RecordedRequest(
            method=self.command,
            target=self.path,
            path=path,
            query=dict(items),
            query_items=items,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self._read_body(),
            time=arrived,
        )

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return b"".join(self._read_chunks())
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _read_chunks(self) -> Iterable[bytes]:
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                self.rfile.readline()
                return
            yield self.rfile.read(size)
            self.rfile.readline()

    def _send(self, answer: Reply) -> None:
        if answer.fault == "close":
            self.close_connection = True
            return
        self.send_response(answer.status)
        headers = {name.lower(): (name, value) for name, value in answer.headers.items()}
        for name, value in headers.values():
            self.send_header(name, value)
        if answer.fault == "endless":
            self.send_header("Transfer-Encoding", "chunked")
        elif "content-length" not in headers:
            self.send_header("Content-Length", str(len(answer.body) + answer.missing))
        if answer.fault == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            self.wfile.flush()
        elif answer.fault == "drip":
            self._drip(answer)
        elif answer.fault == "endless":
            self._send_endless(answer)
        else:
            self.wfile.write(answer.body)
            self.wfile.flush()

    def _drip(self, answer: Reply) -> None:
        """The body `size` bytes at a time, `interval` seconds apart; stops early when the server stops."""
        self.wfile.flush()
        for start in range(0, len(answer.body), answer.size):
            if start and self.server.api.stopping.wait(answer.interval):
                self.close_connection = True
                return
            self.wfile.write(answer.body[start : start + answer.size])
            self.wfile.flush()

    def _send_endless(self, answer: Reply) -> None:
        """`body` as one chunk after another until the client hangs up (an OSError) or the server stops."""
        self.close_connection = True
        piece = f"{len(answer.body):x}\r\n".encode("ascii") + answer.body + b"\r\n"
        while not self.server.api.stopping.is_set():
            self.wfile.write(piece)
