"""A provider error as Pulse's `error_type`, duck-typed over the openai and anthropic error classes."""
from __future__ import annotations

import re
from typing import Any, Optional

_CONTEXT_TOO_LONG = re.compile(r"context length|context window|maximum context|prompt is too long|too many tokens", re.I)


def error_type(error: BaseException) -> str:
    status: Any = getattr(error, "status_code", None)
    status = status if isinstance(status, int) else None
    name = type(error).__name__
    code = getattr(error, "code", None)
    message = str(error)
    if "Timeout" in name or status == 408 or isinstance(error, TimeoutError):
        return "timeout"
    if "Cancelled" in name or "Abort" in name:
        return "cancelled"
    if code == "context_length_exceeded" or _CONTEXT_TOO_LONG.search(message):
        return "context_length_exceeded"
    if status == 429:
        return "rate_limit"
    if status in (401, 403):
        return "authentication"
    if status is not None and status >= 500:
        return "server_error"
    if status == 404:
        return "not_found"
    if status in (400, 422):
        return "invalid_request"
    if "Connection" in name or isinstance(error, ConnectionError):
        return "network"
    return "unknown"


def stream_error_type(provider_type: Optional[str]) -> str:
    """An error event inside a stream (`rate_limit_error`, `overloaded_error`, …) as an `error_type`."""
    t = provider_type or ""
    if "rate_limit" in t:
        return "rate_limit"
    if "context_length" in t:
        return "context_length_exceeded"
    if "authentication" in t or "permission" in t:
        return "authentication"
    if "invalid_request" in t:
        return "invalid_request"
    return "server_error"
