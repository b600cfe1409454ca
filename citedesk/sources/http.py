"""HTTP for sources: timeouts, a per-host rate limit, retries with backoff, and one clear error per failure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class HttpClient:
    """JSON over HTTP for one source (to be written: see the helper's brief)."""

    def __init__(self, label: str, base_url: str, *, requests_per_second: float = 1.0, timeout: float = 20.0,
                 retries: int = 4, headers: dict[str, str] | None = None, params: dict[str, str] | None = None,
                 secrets: list[str] | None = None, cancelled: Callable[[], bool] = lambda: False) -> None:
        raise NotImplementedError

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        raise NotImplementedError

    def post_json(self, path: str, body: Any, params: dict[str, Any] | None = None) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
