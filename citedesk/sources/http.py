"""HTTP for sources: timeouts and a deadline, a size cap, a per-host rate limit, retries with backoff, and one clear
error per failure."""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import random
import re
import socket
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from citedesk import __version__
from citedesk.model import Cancelled
from citedesk.sources.errors import BadKey, BadResponse, NotFound, Offline, RateLimited, ServerError, SourceError

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT = 120.0  # seconds: a server asking for a longer pause makes the request fail with RateLimited
CANCEL_CHECK_STEP = 0.1  # seconds between two looks at cancelled() while waiting
DEFAULT_DEADLINE = 60.0  # seconds: the most one request may take, from sending it to the last byte of the answer
DEFAULT_MAX_BYTES = 20_000_000  # the largest answer read; a larger one is refused
REDACTED = "***"
# query parameters that carry credentials, redacted in every logged or raised text even if not in `secrets`
CREDENTIAL_PARAM = re.compile(r"(?i)\b(api_key|apikey|api-key|access_token|token|key)=([^&\s\"'#]+)")
PATH_SAFE = "/:@!$&'()*+,;=-._~%"

Sleep = Callable[[float], None]
Clock = Callable[[], float]


# -- waiting ---------------------------------------------------------------------------------------------------


def sleep_unless_cancelled(seconds: float, cancelled: Callable[[], bool], step: float = CANCEL_CHECK_STEP) -> None:
    """Sleep `seconds`, looking at `cancelled()` every `step` seconds; raise Cancelled as soon as it is true."""
    deadline = time.monotonic() + max(0.0, seconds)
    while True:
        if cancelled():
            raise Cancelled("Cancelled while waiting for a citation source")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        time.sleep(min(step, remaining))


# -- the per-host rate limit -----------------------------------------------------------------------------------


class HostLimiter:
    """When the next request to one host may start: even spacing, plus pauses the server asked for.

    Times are in the units of the clock the callers pass in (time.monotonic by default); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_free = float("-inf")
        self._blocked_until = float("-inf")
        self._server_interval = 0.0
        self._last_slot = float("-inf")

    def reserve(self, now: float, interval: float, limit: float = float("inf")) -> float:
        """Book the next slot and return how long to wait for it; if that exceeds `limit`, book nothing."""
        with self._lock:
            slot = max(now, self._next_free, self._blocked_until)
            delay = slot - now
            if delay <= limit:
                self._last_slot = slot
                self._next_free = slot + max(interval, self._server_interval, 0.0)
            return delay

    def block_until(self, when: float) -> None:
        """No request before `when` (the server said Retry-After, or its quota resets then)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, when)

    def set_server_interval(self, seconds: float) -> None:
        """Space requests at least `seconds` apart, as the server's own rate-limit headers ask,
        starting with the request after the last one booked."""
        with self._lock:
            self._server_interval = max(0.0, seconds)
            self._next_free = max(self._next_free, self._last_slot + self._server_interval)


class HostLimits:
    """One HostLimiter per host (and port), shared by every client of that host."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._limiters: dict[str, HostLimiter] = {}

    def for_host(self, host: str) -> HostLimiter:
        """The limiter of `host`, created on first use."""
        with self._lock:
            return self._limiters.setdefault(host.lower(), HostLimiter())


HOST_LIMITS = HostLimits()  # the process-wide registry; tests may pass their own


# -- secrets ---------------------------------------------------------------------------------------------------


class Redactor:
    """Replaces known secrets and credential query parameters in a text."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: Counter[str] = Counter()

    def add(self, secrets: list[str]) -> None:
        """Start hiding these secrets."""
        with self._lock:
            self._secrets.update(secret for secret in secrets if secret)

    def remove(self, secrets: list[str]) -> None:
        """Stop hiding these secrets (their client closed)."""
        with self._lock:
            self._secrets.subtract(secret for secret in secrets if secret)
            self._secrets += Counter()  # drop the ones no longer used

    def redact(self, text: str) -> str:
        """`text` with every secret (raw or percent-encoded) and credential parameter replaced by ***."""
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        return redact(text, secrets)


def redact(text: str, secrets: list[str] | tuple[str, ...] = ()) -> str:
    """`text` with these secrets (raw or percent-encoded) and any credential query parameter hidden."""
    for secret in secrets:
        if secret:
            for form in {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret)}:
                text = text.replace(form, REDACTED)
    return CREDENTIAL_PARAM.sub(lambda match: f"{match.group(1)}={REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Hides secrets in records of other libraries' loggers (httpx logs every URL at INFO)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        clean = self.redactor.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


SECRETS = Redactor()


def install_log_redaction() -> None:
    """Put the redacting filter on httpx's logger, once."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(existing, RedactingFilter) for existing in logger.filters):
        logger.addFilter(RedactingFilter(SECRETS))


install_log_redaction()


# -- reading servers' headers ----------------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now())


def parse_interval(value: str | None) -> float | None:
    """Seconds in an interval header such as Crossref's `1s` (also `500ms`, `1m`, `1h`, bare seconds)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*", value or "")
    if not match:
        return None
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[match.group(2) or "s"]
    return float(match.group(1)) * scale


def parse_number(value: str | None) -> float | None:
    """A header's number, or None."""
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def seconds_until_reset(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds until a rate-limit quota resets: the header holds either a delay or a Unix time."""
    number = parse_number(value)
    if number is None:
        return None
    if number > 1_000_000_000:  # a Unix timestamp, not a delay
        return max(0.0, number - now())
    return max(0.0, number)


def quota_pause(headers: httpx.Headers) -> float | None:
    """How long to pause when a `*ratelimit-remaining` header says the quota is used up; else None."""
    for prefix in ("ratelimit", "x-ratelimit"):
        remaining = parse_number(headers.get(f"{prefix}-remaining"))
        if remaining is not None and remaining <= 0:
            return seconds_until_reset(headers.get(f"{prefix}-reset")) or 1.0
    return None


def server_interval(headers: httpx.Headers) -> float | None:
    """The spacing Crossref asks for with `x-rate-limit-limit` requests per `x-rate-limit-interval`."""
    limit = parse_number(headers.get("x-rate-limit-limit"))
    interval = parse_interval(headers.get("x-rate-limit-interval"))
    if not limit or limit <= 0 or interval is None:
        return None
    return interval / limit


# -- describing things for people ------------------------------------------------------------------------------


def describe_duration(seconds: float) -> str:
    """`45 s`, `12 min`, `3 h 20 min`."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def describe_size(size: int) -> str:
    """`800 bytes`, `3 kB`, `1.5 MB`, `200 MB` (decimal units)."""
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if size >= scale:
            value = size / scale
            return f"{round(value, 1) if value < 10 else round(value):g} {unit}"
    return f"{size} byte{'' if size == 1 else 's'}"


def describe_clock_time(seconds_from_now: float) -> str:
    """The local time of day `seconds_from_now` from now, like `14:05`."""
    return time.strftime("%H:%M", time.localtime(time.time() + seconds_from_now))


def describe_connection_error(exc: Exception, host: str) -> str:
    """Why a connection failed, in words: `no network connection (connection refused)`."""
    text = str(exc).lower()
    if isinstance(exc, httpx.RemoteProtocolError) and "without sending" in text:
        return "the server closed the connection without answering"
    if "refused" in text:
        return "no network connection (connection refused)"
    if any(
        words in text
        for words in (
            "name or service",
            "nodename nor servname",
            "name resolution",
            "getaddrinfo",
            "no address associated",
        )
    ):
        return f"no network connection, or {host} is unknown (name lookup failed)"
    if "unreachable" in text:
        return "no network connection (network unreachable)"
    if "reset" in text:
        return "the connection was reset"
    if "certificate" in text or "ssl" in text:
        return "the secure connection failed (certificate or TLS problem)"
    return f"the connection failed ({type(exc).__name__})"


def error_message(response: Received) -> str:
    """The server's own explanation in an error body: S2/OpenAlex `error`/`message`, scite `detail`,
    Crossref's list of {type, value, message}, or a short plain-text body; empty when there is none
    (or when the body is JSON nested too deeply to read)."""
    try:
        return shorten(json_error_message(json.loads(response.content)))
    except ValueError:
        return plain_text_message(response)
    except RecursionError:
        return ""


def json_error_message(data: Any) -> str:
    """The explanation inside a JSON error body."""
    if isinstance(data, str):
        return data
    if isinstance(data, list):
        return "; ".join(filter(None, (json_error_message(item) for item in data)))
    if not isinstance(data, dict):
        return ""
    parts = [json_error_message(data.get(key)) for key in ("error", "message", "detail")]
    parts = [part.strip() for part in parts if part and part.strip()]
    if len(parts) == 2 and parts[0].lower() == parts[1].lower():
        parts = parts[:1]
    return ": ".join(part.rstrip(".") if index < len(parts) - 1 else part for index, part in enumerate(parts))


def plain_text_message(response: Received) -> str:
    """A short text body (Crossref's `Resource not found.`), never an HTML page."""
    text = response.content.decode("utf-8", errors="replace").strip()
    if not text or text.startswith("<") or "html" in response.headers.get("content-type", ""):
        return ""
    return shorten(text.splitlines()[0])


def shorten(text: str, limit: int = 300) -> str:
    """At most `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def retries_done(retries: int) -> str:
    """` after 4 retries`, or nothing when there were none."""
    return f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""


def quote_path(path: str) -> str:
    """`path` percent-encoded where it must be (space, <, >, #, ?, ...), keeping slashes, colons and any
    escapes already present, so `/works/doi:10.1000/x` goes out unchanged."""
    path = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", path)
    return urllib.parse.quote(path, safe=PATH_SAFE)


# -- one failed attempt ----------------------------------------------------------------------------------------


@dataclass
class Failure:
    """What went wrong in one attempt: why (for the retry log), the error if no retry is left,
    and the pause the server asked for (Retry-After), if any."""

    reason: str
    error: SourceError
    retry_after: float | None = None


@dataclass
class Answer:
    """A successful attempt's decoded JSON."""

    data: Any


@dataclass(frozen=True)
class Received:
    """An answer read whole: its status, headers and body."""

    status_code: int
    reason_phrase: str
    headers: httpx.Headers
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300


class _Truncated(Exception):
    """The connection closed while the body was being read."""


class _TooSlow(Exception):
    """The answer did not arrive whole before the request's deadline."""


class _TooLarge(Exception):
    """The answer is larger than the cap: `declared` is its Content-Length (None when it came without one)."""

    def __init__(self, declared: int | None) -> None:
        super().__init__(declared)
        self.declared = declared


class _Left(Exception):
    """The caller stopped waiting for this exchange (Cancel, the deadline)."""


# -- one exchange, on a thread of its own ----------------------------------------------------------------------


class Exchange:
    """One request and the reading of its answer (at most `max_bytes`) on a thread of its own, so that the
    caller can stop waiting at once, wherever the exchange is (name lookup, connect, headers, a dripping body).
    An exchange left behind stops at its next chunk; while its body is being read, its socket is shut to
    wake it at once."""

    def __init__(self, client: httpx.Client, request: httpx.Request, max_bytes: int) -> None:
        self._client, self._request, self._max_bytes = client, request, max_bytes
        self._done = threading.Event()
        self._left = threading.Event()
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._received: Received | None = None
        self._error: BaseException | None = None

    def start(self) -> None:
        threading.Thread(target=self._run, name="citedesk-http", daemon=True).start()

    def wait(self, seconds: float) -> bool:
        """Wait at most `seconds` for the exchange to end; True when it has."""
        return self._done.wait(seconds)

    def result(self) -> Received:
        """The answer, or the exception the exchange ended with."""
        if self._error is not None:
            raise self._error
        assert self._received is not None
        return self._received

    def leave(self) -> None:
        """Stop waiting for the exchange; it ends on its own, soon."""
        self._left.set()
        with self._lock:
            sock, self._socket = self._socket, None
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def _run(self) -> None:
        try:
            self._received = self._exchange()
        except BaseException as exc:
            self._error = exc
        finally:
            self._done.set()

    def _exchange(self) -> Received:
        response = self._client.send(self._request, stream=True)
        try:
            self._check_declared_size(response)
            self._hold_socket(response)
            body = self._read_body(response)
        finally:
            with self._lock:
                self._socket = None
            response.close()
        return Received(response.status_code, response.reason_phrase, response.headers, body)

    def _check_declared_size(self, response: httpx.Response) -> None:
        declared = parse_number(response.headers.get("content-length"))
        if declared is not None and declared > self._max_bytes:
            raise _TooLarge(int(declared))

    def _hold_socket(self, response: httpx.Response) -> None:
        """Keep the connection's socket, for leave() to shut while the body is read."""
        stream = response.extensions.get("network_stream")
        sock = stream.get_extra_info("socket") if stream is not None else None
        with self._lock:
            if self._left.is_set():
                raise _Left
            self._socket = sock if isinstance(sock, socket.socket) else None

    def _read_body(self, response: httpx.Response) -> bytes:
        chunks, size = [], 0
        try:
            for chunk in response.iter_bytes():
                if self._left.is_set():
                    raise _Left
                size += len(chunk)
                if size > self._max_bytes:
                    raise _TooLarge(None)
                chunks.append(chunk)
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Truncated() from exc
        return b"".join(chunks)


# -- the client ------------------------------------------------------------------------------------------------


class HttpClient:
    """JSON over HTTP for one source: base URL, default headers and params, a per-host rate limit shared by
    every client of that host, retries with backoff, and SourceErrors with one clear sentence.

    Every wait (rate limit, Retry-After, backoff) goes through `sleep`, which by default sleeps in steps of
    0.1 s and raises `citedesk.model.Cancelled` as soon as `cancelled()` is true. Tests inject `sleep` and
    `clock` together (a fake clock that the fake sleep advances). While an answer is awaited, `cancelled()`
    is looked at every 0.1 s too; `timeout` bounds each read, `deadline` the whole request (a server that
    drips its answer is given up on, not retried), and `max_bytes` the answer (a larger one is refused)."""

    def __init__(
        self,
        label: str,
        base_url: str,
        *,
        requests_per_second: float = 1.0,
        timeout: float = 20.0,
        retries: int = 4,
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        secrets: list[str] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        connect_timeout: float = 10.0,
        mailto: str | None = None,
        user_agent: str | None = None,
        max_wait: float = MAX_WAIT,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        deadline: float = DEFAULT_DEADLINE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        sleep: Sleep | None = None,
        clock: Clock = time.monotonic,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        host_limits: HostLimits | None = None,
    ) -> None:
        self.label = label
        self.base_url = base_url.rstrip("/")
        self.requests_per_second = requests_per_second
        self.timeout = timeout
        self.connect_timeout = min(connect_timeout, timeout)
        self.retries = max(0, retries)
        self.params = dict(params or {})
        self.secrets = [secret for secret in (secrets or []) if secret]
        self.cancelled = cancelled
        self.max_wait = max_wait
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.deadline = deadline
        self.max_bytes = max_bytes
        self._sleep = sleep or self._sleep_unless_cancelled
        self._clock = clock
        self._rng = rng or random.Random()
        url = httpx.URL(self.base_url)
        self.host = url.host if url.port is None else f"{url.host}:{url.port}"
        self._limiter = (host_limits or HOST_LIMITS).for_host(self.host)
        SECRETS.add(self.secrets)
        self._closed = False
        self._client = httpx.Client(
            headers=self._default_headers(headers or {}, mailto, user_agent),
            timeout=httpx.Timeout(timeout, connect=self.connect_timeout),
            follow_redirects=True,
            transport=transport,
        )

    # -- public ------------------------------------------------------------------------------------------------

    def get_json(self, path: str, params: dict[str, Any] | None = None, *, max_bytes: int | None = None) -> Any:
        """GET base_url + path (a path only: the query goes in `params`) and return the decoded JSON;
        `max_bytes` replaces the client's cap for this request."""
        return self._request("GET", path, params, None, max_bytes or self.max_bytes)

    def post_json(
        self, path: str, body: Any, params: dict[str, Any] | None = None, *, max_bytes: int | None = None
    ) -> Any:
        """POST `body` as JSON to base_url + path and return the decoded JSON answer."""
        return self._request("POST", path, params, body, max_bytes or self.max_bytes)

    def close(self) -> None:
        """Close the connections; the client cannot be used afterwards."""
        if not self._closed:
            self._closed = True
            self._client.close()
            SECRETS.remove(self.secrets)

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HttpClient({self.label!r}, {self.redact(self.base_url)!r})"

    def redact(self, text: str) -> str:
        """`text` with this client's secrets and any credential parameter hidden."""
        return redact(text, sorted(self.secrets, key=len, reverse=True))

    # -- building requests -------------------------------------------------------------------------------------

    def _default_headers(self, headers: dict[str, str], mailto: str | None, user_agent: str | None) -> dict[str, str]:
        agent = user_agent or f"CiteDesk/{__version__}" + (f" (+mailto:{mailto})" if mailto else "")
        return {"User-Agent": agent, "Accept": "application/json", **headers}

    def _build_request(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any) -> httpx.Request:
        url = self.base_url + quote_path(path if path.startswith("/") else "/" + path)
        merged = {key: value for key, value in {**self.params, **(params or {})}.items() if value is not None}
        if method == "POST":
            return self._client.build_request(method, url, params=merged, json=body)
        return self._client.build_request(method, url, params=merged)

    # -- the retry loop ----------------------------------------------------------------------------------------

    def _request(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any, max_bytes: int) -> Any:
        for attempt in range(self.retries + 1):
            self._wait_for_turn()
            request = self._build_request(method, path, params, body)
            outcome = self._attempt(request, path, max_bytes)
            if isinstance(outcome, Answer):
                return outcome.data
            if attempt == self.retries:
                raise outcome.error
            self._pause_before_retry(outcome, attempt, method, path)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, request: httpx.Request, path: str, max_bytes: int) -> Answer | Failure:
        """Send once: the decoded answer, or the Failure to retry; errors that no retry can fix are raised."""
        log.debug("%s: %s %s", self.label, request.method, self.redact(str(request.url)))
        try:
            response = self._send(request, max_bytes)
        except httpx.TimeoutException as exc:
            return self._timeout_failure(exc)
        except _Truncated as exc:
            return self._truncated_failure(exc.__cause__ or exc)
        except _TooSlow:
            raise Offline(
                f"{self.label} took longer than {self.deadline:g} s to answer; the request was given up"
            ) from None
        except _TooLarge as exc:
            raise self._too_large_error(exc.declared, max_bytes) from None
        except httpx.TooManyRedirects:
            raise BadResponse(f"{self.label} redirected the request too many times") from None
        except httpx.TransportError as exc:
            return self._connection_failure(exc)
        self._learn_limits(response)
        if response.is_success:
            return Answer(self._decode_json(response))
        return self._status_failure(response, path)

    def _send(self, request: httpx.Request, max_bytes: int) -> Received:
        """The answer read whole; Cancelled within 0.1 s of cancelled(), _TooSlow at the deadline."""
        exchange = Exchange(self._client, request, max_bytes)
        exchange.start()
        give_up = time.monotonic() + self.deadline
        try:
            while not exchange.wait(max(0.0, min(CANCEL_CHECK_STEP, give_up - time.monotonic()))):
                if self.cancelled():
                    raise Cancelled(f"Cancelled while asking {self.label}")
                if time.monotonic() >= give_up:
                    raise _TooSlow
        except BaseException:  # Cancel, the deadline, Ctrl-C: the exchange is left to end on its own
            exchange.leave()
            raise
        return exchange.result()

    def _pause_before_retry(self, failure: Failure, attempt: int, method: str, path: str) -> None:
        # a Retry-After is waited for as it says (the limiter makes the next turn wait this long)
        wait = failure.retry_after if failure.retry_after is not None else self._backoff_delay(attempt)
        log.info(
            "%s: %s on %s %s; retry %d of %d in %s",
            self.label,
            failure.reason,
            method,
            self.redact(path),
            attempt + 1,
            self.retries,
            describe_duration(wait) if wait >= 1 else f"{wait:.2f} s",
        )
        if failure.retry_after is None:
            self._wait(wait)

    def _backoff_delay(self, attempt: int) -> float:
        """1, 2, 4, 8 ... seconds (times `backoff`), plus up to 25 % jitter, capped at `max_backoff`."""
        delay: float = min(self.max_backoff, self.backoff * 2**attempt)
        return min(self.max_backoff, delay + self._rng.uniform(0, delay / 4))

    # -- waiting -----------------------------------------------------------------------------------------------

    def _wait_for_turn(self) -> None:
        """Wait for this host's next free slot (spacing, Retry-After, a used-up quota)."""
        self._check_cancelled()
        interval = 1.0 / self.requests_per_second if self.requests_per_second > 0 else 0.0
        delay = self._limiter.reserve(self._clock(), interval, self.max_wait)
        if delay > self.max_wait:
            raise RateLimited(
                f"{self.label}: too many requests — the server asks to wait {describe_duration(delay)} "
                f"(until {describe_clock_time(delay)}); try again then"
            )
        if delay > 0:
            self._wait(delay)

    def _wait(self, seconds: float) -> None:
        self._check_cancelled()
        self._sleep(seconds)
        self._check_cancelled()

    def _sleep_unless_cancelled(self, seconds: float) -> None:
        sleep_unless_cancelled(seconds, self.cancelled)

    def _check_cancelled(self) -> None:
        if self.cancelled():
            raise Cancelled(f"Cancelled while asking {self.label}")

    def _learn_limits(self, response: Received) -> None:
        """Follow the server's rate-limit headers: Crossref's spacing, a used-up quota."""
        spacing = server_interval(response.headers)
        if spacing is not None:
            self._limiter.set_server_interval(spacing)
        pause = quota_pause(response.headers)
        if pause is not None:
            self._limiter.block_until(self._clock() + pause)

    # -- turning failures into errors --------------------------------------------------------------------------

    def _timeout_failure(self, exc: httpx.TimeoutException) -> Failure:
        seconds = self.connect_timeout if isinstance(exc, httpx.ConnectTimeout) else self.timeout
        log.debug("%s: %s", self.label, self.redact(repr(exc)))
        return Failure("timed out", Offline(f"{self.label} timed out after {seconds:g} s"))

    def _connection_failure(self, exc: httpx.TransportError) -> Failure:
        why = describe_connection_error(exc, self.host)
        log.debug("%s: %s", self.label, self.redact(repr(exc)))
        return Failure(why, Offline(f"{self.label} could not be reached: {why}"))

    def _truncated_failure(self, exc: BaseException) -> Failure:
        log.debug("%s: %s", self.label, self.redact(repr(exc)))
        match = re.search(r"received (\d+) bytes, expected (\d+)", str(exc))
        detail = f"the connection closed after {match[1]} of {match[2]} bytes" if match else "the connection closed"
        return Failure("truncated response", BadResponse(f"{self.label} answered with a truncated response ({detail})"))

    def _status_failure(self, response: Received, path: str) -> Failure:
        """A Failure to retry for 429/5xx; raise at once for statuses that retrying cannot fix."""
        status, phrase = response.status_code, response.reason_phrase
        message = self.redact(error_message(response))
        if status in (401, 403) and "rate limit" not in message.lower():
            raise self._key_error(status, phrase, message)
        if status == 404:
            what = self.redact(urllib.parse.unquote(path))
            raise NotFound(f"{self.label} does not know {what} (404 Not Found)" + (f": {message}" if message else ""))
        if status in RETRY_STATUSES or status == 403:
            return self._retryable_failure(response, status, phrase)
        if 400 <= status < 500:
            detail = f": {message}" if message else f" ({phrase})" if phrase else ""
            raise BadResponse(f"{self.label} rejected the request ({status}){detail}")
        raise BadResponse(f"{self.label} answered with an unexpected status ({status} {phrase})".rstrip())

    def _key_error(self, status: int, phrase: str, message: str) -> BadKey:
        detail = f": {message}" if message and message.lower() != phrase.lower() else ""
        if self.secrets:
            return BadKey(
                f"{self.label} refused the API key ({status} {phrase}{detail}): check the key in the settings"
            )
        return BadKey(f"{self.label} needs an API key ({status} {phrase}{detail}): add one in the settings")

    def _retryable_failure(self, response: Received, status: int, phrase: str) -> Failure:
        retry_after = parse_retry_after(response.headers.get("retry-after")) if status in (429, 503) else None
        if retry_after is not None:
            self._limiter.block_until(self._clock() + retry_after)
            if retry_after > self.max_wait:
                raise self._long_wait_error(status, retry_after)
        if status in (429, 403):
            error: SourceError = RateLimited(
                f"{self.label}: too many requests ({status}) — still limited{retries_done(self.retries)}; "
                "try again in a few minutes"
            )
        else:
            error = ServerError(
                f"{self.label} had a server error ({status} {phrase})"
                + (f" — still failing{retries_done(self.retries)}" if self.retries else "")
                + "; try again later",
                reason=f"{status} {phrase}".rstrip(),
            )
        return Failure(f"{status} {phrase}", error, retry_after)

    def _long_wait_error(self, status: int, seconds: float) -> RateLimited:
        what = "too many requests (429)" if status == 429 else f"unavailable ({status})"
        return RateLimited(
            f"{self.label}: {what} — the server asks to wait {describe_duration(seconds)} "
            f"(until {describe_clock_time(seconds)}); try again then"
        )

    def _too_large_error(self, declared: int | None, max_bytes: int) -> BadResponse:
        size = f"{describe_size(declared)}, more" if declared is not None else "more"
        return BadResponse(
            f"{self.label} answered with {size} than the {describe_size(max_bytes)} allowed; the answer was refused"
        )

    def _decode_json(self, response: Received) -> Any:
        content = response.content
        if not content.strip():
            if response.status_code == 204:
                return None
            raise BadResponse(f"{self.label} answered with an empty response instead of JSON")
        try:
            return json.loads(content)
        except ValueError as exc:
            raise BadResponse(self._not_json_message(response, exc)) from None
        except RecursionError:
            raise BadResponse(
                f"{self.label} answered with JSON nested too deeply to read; the answer was refused"
            ) from None

    def _not_json_message(self, response: Received, exc: ValueError) -> str:
        start = response.content.lstrip()[:1]
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        if start == b"<" or "html" in content_type:
            return (
                f"{self.label} answered with an HTML page instead of JSON "
                f"({response.status_code}, {content_type or 'no content type'})"
            )
        if isinstance(exc, json.JSONDecodeError) and (
            exc.pos >= len(exc.doc.rstrip()) - 1 or exc.msg.startswith("Unterminated")
        ):
            return f"{self.label} answered with malformed JSON (truncated?)"
        where = f" at character {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
        return f"{self.label} answered with malformed JSON (invalid{where})"
