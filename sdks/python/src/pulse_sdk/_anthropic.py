"""
wrap_anthropic(client, ...): messages.create, sync or async, plain or streamed, reported to Pulse.
Anthropic's input_tokens leaves out the cached prompt; Pulse's includes it, so
input = input_tokens + cache_read_input_tokens + cache_creation_input_tokens.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from ._default import default_pulse
from ._errors import stream_error_type
from ._instrument import Intercepted, instrument
from ._record import Attribution, CallResult
from ._text import content_text, conversation_text, get
from .client import Pulse

_USAGE_FIELDS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


def _usage(u: Dict[str, Any]) -> Dict[str, int]:
    cache_read = u.get("cache_read_input_tokens") or 0
    cache_write = u.get("cache_creation_input_tokens") or 0
    return {
        "input_tokens": (u.get("input_tokens") or 0) + cache_read + cache_write,
        "output_tokens": u.get("output_tokens") or 0,
        "cache_read_tokens": cache_read,
        "cache_write_tokens": cache_write,
    }


def _fields(usage: Any) -> Dict[str, Any]:
    return {name: get(usage, name) for name in _USAGE_FIELDS if isinstance(get(usage, name), int)}


class _MessagesStream:
    """message_start holds the input usage, message_delta the running output count (and, lately, input too)."""

    def __init__(self) -> None:
        self._model: Optional[str] = None
        self._usage: Dict[str, Any] = {}
        self._output = ""
        self._error: Optional["tuple[str, str]"] = None

    def read(self, event: Any) -> bool:
        kind = get(event, "type")
        if kind == "message_start":
            self._model = get(event, "message", "model")
            self._usage.update(_fields(get(event, "message", "usage")))
        elif kind == "message_delta":
            self._usage.update(_fields(get(event, "usage")))
        elif kind == "error":
            self._error = (stream_error_type(get(event, "error", "type")), get(event, "error", "message") or "stream error")
        elif kind == "content_block_delta" and get(event, "delta", "type") == "text_delta":
            text = get(event, "delta", "text")
            if isinstance(text, str) and text:
                first = not self._output
                self._output += text
                return first
        return False

    def show(self, event: Any) -> bool:
        return True

    def result(self) -> CallResult:
        return CallResult(self._model, _usage(self._usage) if self._usage else None, self._output or None, self._error)


class Messages:
    provider, api = "anthropic", "messages"

    def prepare(self, kwargs: Dict[str, Any]) -> "tuple[Dict[str, Any], Callable[[], _MessagesStream]]":
        return kwargs, _MessagesStream

    def prompt(self, kwargs: Dict[str, Any]) -> Optional[str]:
        return conversation_text(kwargs.get("messages"), kwargs.get("system"))

    def result(self, answer: Any) -> CallResult:
        usage = get(answer, "usage")
        output = content_text(get(answer, "content"))
        return CallResult(get(answer, "model"), _usage(_fields(usage)) if usage else None, output or None)


def wrap_anthropic(
    client: Any,
    *,
    agent_id: str,
    user_id: Optional[str] = None,
    session_id: Optional[str] = None,
    tags: Optional[List[str]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    pulse: Optional[Pulse] = None,
) -> Any:
    """`client` (Anthropic or AsyncAnthropic) with its messages reported to Pulse; the client is unchanged."""
    target = pulse or default_pulse()
    who = Attribution(agent_id, user_id, session_id, list(tags or []), dict(metadata or {}))
    return Intercepted(client, {"messages.create": lambda original: instrument(target, who, Messages(), original)})
