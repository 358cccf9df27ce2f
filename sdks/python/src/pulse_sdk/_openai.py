"""
wrap_openai(client, ...): chat.completions.create and responses.create, sync or async, plain or
streamed, reported to Pulse. prompt_tokens already includes cached tokens, as Pulse's
input_tokens does; prompt_tokens_details.cached_tokens are the cache reads.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

from ._default import default_pulse
from ._errors import stream_error_type
from ._instrument import Intercepted, instrument
from ._record import Attribution, CallResult
from ._text import content_text, conversation_text, get
from .client import Pulse


def _chat_usage(u: Any) -> Dict[str, int]:
    return {
        "input_tokens": get(u, "prompt_tokens") or 0,
        "output_tokens": get(u, "completion_tokens") or 0,
        "cache_read_tokens": get(u, "prompt_tokens_details", "cached_tokens") or 0,
        "cache_write_tokens": 0,
    }


class _ChatStream:
    def __init__(self, caller_asked_usage: bool) -> None:
        self._caller_asked_usage = caller_asked_usage
        self._model: Optional[str] = None
        self._usage: Optional[Dict[str, int]] = None
        self._output = ""

    def read(self, chunk: Any) -> bool:
        self._model = self._model or get(chunk, "model")
        usage = get(chunk, "usage")
        if usage:
            self._usage = _chat_usage(usage)
        choices = get(chunk, "choices") or []
        text = get(choices[0], "delta", "content") if choices else None
        if not isinstance(text, str) or not text:
            return False
        first = not self._output
        self._output += text
        return first

    def show(self, chunk: Any) -> bool:
        return self._caller_asked_usage or not (get(chunk, "usage") and not get(chunk, "choices"))

    def result(self) -> CallResult:
        return CallResult(self._model, self._usage, self._output or None)


class ChatCompletions:
    provider, api = "openai", "chat.completions"

    def prepare(self, kwargs: Dict[str, Any]) -> "tuple[Dict[str, Any], Callable[[], _ChatStream]]":
        # Usage comes in a stream only when asked for; when the wrapper asks, the caller never sees its chunk.
        options = kwargs.get("stream_options") or {}
        asked = get(options, "include_usage") is True
        request = kwargs if asked else {**kwargs, "stream_options": {**options, "include_usage": True}}
        return request, lambda: _ChatStream(asked)

    def prompt(self, kwargs: Dict[str, Any]) -> Optional[str]:
        return conversation_text(kwargs.get("messages"))

    def result(self, answer: Any) -> CallResult:
        usage = get(answer, "usage")
        choices = get(answer, "choices") or []
        output = content_text(get(choices[0], "message", "content")) if choices else ""
        return CallResult(get(answer, "model"), _chat_usage(usage) if usage else None, output or None)


def _responses_result(response: Any) -> CallResult:
    if response is None:
        return CallResult()
    usage = get(response, "usage")
    text = get(response, "output_text")
    if not isinstance(text, str) or not text:
        text = "".join(content_text(get(item, "content")) for item in (get(response, "output") or []))
    counts = None
    if usage:
        counts = {
            "input_tokens": get(usage, "input_tokens") or 0,
            "output_tokens": get(usage, "output_tokens") or 0,
            "cache_read_tokens": get(usage, "input_tokens_details", "cached_tokens") or 0,
            "cache_write_tokens": 0,
        }
    return CallResult(get(response, "model"), counts, text or None)


class _ResponsesStream:
    def __init__(self) -> None:
        self._output = ""
        self._final: Any = None
        self._error: Optional["tuple[str, str]"] = None

    def read(self, event: Any) -> bool:
        kind = get(event, "type")
        if kind == "response.output_text.delta":
            delta = get(event, "delta")
            if isinstance(delta, str) and delta:
                first = not self._output
                self._output += delta
                return first
        elif kind in ("response.completed", "response.incomplete"):
            self._final = get(event, "response")
        elif kind == "response.failed":
            self._final = get(event, "response")
            self._error = (stream_error_type(get(self._final, "error", "code")), get(self._final, "error", "message") or "response failed")
        elif kind == "error":
            self._error = (stream_error_type(get(event, "code")), get(event, "message") or "stream error")
        return False

    def show(self, event: Any) -> bool:
        return True

    def result(self) -> CallResult:
        result = _responses_result(self._final)
        result.output = self._output or result.output
        result.error = self._error
        return result


class Responses:
    provider, api = "openai", "responses"

    def prepare(self, kwargs: Dict[str, Any]) -> "tuple[Dict[str, Any], Callable[[], _ResponsesStream]]":
        return kwargs, _ResponsesStream

    def prompt(self, kwargs: Dict[str, Any]) -> Optional[str]:
        return conversation_text(kwargs.get("input"), kwargs.get("instructions"))

    def result(self, answer: Any) -> CallResult:
        return _responses_result(answer)


def wrap_openai(
    client: Any,
    *,
    agent_id: str,
    user_id: Optional[str] = None,
    session_id: Optional[str] = None,
    tags: Optional[List[str]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    pulse: Optional[Pulse] = None,
) -> Any:
    """`client` (OpenAI or AsyncOpenAI) with its chat completions and responses reported to Pulse; the client is unchanged."""
    target = pulse or default_pulse()
    who = Attribution(agent_id, user_id, session_id, list(tags or []), dict(metadata or {}))
    return Intercepted(
        client,
        {
            "chat.completions.create": lambda original: instrument(target, who, ChatCompletions(), original),
            "responses.create": lambda original: instrument(target, who, Responses(), original),
        },
    )
