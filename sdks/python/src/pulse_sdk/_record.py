"""One provider call as one trace: timed from the request, recorded once, whatever way it ends."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from ._errors import error_type
from .client import Pulse


@dataclass
class Attribution:
    """Who the calls of a wrapped client are for; a call's `pulse={...}` overrides any of it."""

    agent_id: str
    user_id: Optional[str] = None
    session_id: Optional[str] = None
    tags: List[str] = field(default_factory=list)
    metadata: Dict[str, Any] = field(default_factory=dict)


@dataclass
class CallResult:
    model: Optional[str] = None
    # Pulse's counts: input_tokens includes cached tokens (docs/API_SPEC.md §2).
    usage: Optional[Dict[str, int]] = None
    output: Optional[str] = None
    # An answer that failed inside a stream: (error_type, message).
    error: Optional["tuple[str, str]"] = None


class CallRecord:
    def __init__(
        self,
        pulse: Pulse,
        attribution: Attribution,
        overrides: Optional[Dict[str, Any]],
        provider: str,
        api: str,
        model: Optional[str],
        prompt: Callable[[], Optional[str]],
    ) -> None:
        self._pulse = pulse
        self._attribution = attribution
        self._overrides = overrides or {}
        self._provider = provider
        self._api = api
        self._model = model
        self._prompt = prompt
        self._started = time.perf_counter()
        self._first_token_at: Optional[float] = None
        self._recorded = False

    def first_token(self) -> None:
        if self._first_token_at is None:
            self._first_token_at = time.perf_counter()

    def succeed(self, result: CallResult) -> None:
        self._record(result, result.error)

    def fail(self, error: BaseException) -> None:
        self._record(CallResult(), (error_type(error), str(error) or type(error).__name__))

    def _record(self, result: CallResult, error: Optional["tuple[str, str]"]) -> None:
        if self._recorded:
            return
        self._recorded = True
        try:
            a, o = self._attribution, self._overrides
            latency = (time.perf_counter() - self._started) * 1000
            tags = list(dict.fromkeys([*a.tags, *(o.get("tags") or [])]))
            fields: Dict[str, Any] = {
                "agent_id": o.get("agent_id", a.agent_id),
                "user_id": o.get("user_id", a.user_id),
                "session_id": o.get("session_id", a.session_id),
                "model": result.model or self._model or "unknown",
                "status": "error" if error else "success",
                "latency_ms": latency,
                "metadata": {"provider": self._provider, "api": self._api, **a.metadata, **(o.get("metadata") or {})},
                **(result.usage or {}),
            }
            if tags:
                fields["tags"] = tags
            if self._first_token_at is not None:
                fields["ttft_ms"] = min((self._first_token_at - self._started) * 1000, latency)
            if error:
                fields["error_type"], fields["error_message"] = error
            # Text is read only when it is sent.
            if self._pulse.capture_text:
                fields["input"] = self._prompt()
                fields["output"] = result.output
            self._pulse.trace(**fields)
        except Exception as failure:  # noqa: BLE001 - a trace must never break the caller's call
            self._pulse._report(failure)
