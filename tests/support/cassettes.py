"""Read the recorded API responses in ../shared/fixtures/api, whatever cassette dialect recorded them."""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "api"
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Interaction:
    """One recorded request and its response."""

    method: str  # upper case
    uri: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names, repeated values joined by ", "
    body: bytes = b""  # gunzipped when it was stored gzipped

    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8")

    def json(self) -> Any:
        """The body as decoded JSON."""
        return json.loads(self.body)


def fixture_path(name: str | Path) -> Path:
    """A fixture file: absolute paths as given, others relative to the fixtures folder ("crossref/x.yaml")."""
    path = Path(name)
    return path if path.is_absolute() else FIXTURES / path


def load_json(name: str | Path) -> Any:
    """A recorded JSON file (S2's Citation.json, OpenAlex's W2741809807.json)."""
    return json.loads(fixture_path(name).read_text(encoding="utf-8"))


def load_cassette(name: str | Path) -> list[Interaction]:
    """The interactions of a vcrpy (new or old shape, gzip `!!binary` bodies) or R vcr cassette."""
    data = yaml.safe_load(fixture_path(name).read_text(encoding="utf-8"))
    records = data.get("interactions") or data.get("http_interactions") or []
    return [read_interaction(record) for record in records]


def read_interaction(record: dict[str, Any]) -> Interaction:
    """One interaction of any of the four dialects."""
    request, response = record.get("request") or {}, record.get("response") or {}
    return Interaction(
        method=str(request.get("method", "")).upper(),
        uri=str(request.get("uri", "")),
        status=read_status(response),
        headers=read_headers(response.get("headers")),
        body=read_body(response),
    )


def read_status(response: dict[str, Any]) -> int:
    """vcrpy `status.code`, old vcrpy/httpx `status_code`, R vcr `status` (int) or `status.status_code` (str)."""
    status = response.get("status")
    if isinstance(status, dict):
        return int(status.get("code", status.get("status_code", 0)))
    if status is not None:
        return int(status)
    return int(response.get("status_code", 0))


def read_headers(headers: Any) -> dict[str, str]:
    """Headers by lower-case name; vcrpy stores each value as a list, R vcr as a string."""
    if not isinstance(headers, dict):
        return {}
    return {
        str(name).lower(): ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        for name, value in headers.items()
    }


def read_body(response: dict[str, Any]) -> bytes:
    """The body bytes: `body.string` (text or `!!binary`), R vcr `body.base64_string`, or old `content`."""
    body = response.get("body")
    if isinstance(body, dict):
        raw = body.get("string")
        if raw is None and body.get("base64_string"):
            raw = base64.b64decode(body["base64_string"])
    else:
        raw = response.get("content", body)
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw or b"")
    return gzip.decompress(data) if data.startswith(GZIP_MAGIC) else data
