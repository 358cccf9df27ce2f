"""
Clients shaped like the openai and anthropic packages (sync and async): their answers, stream
chunks and errors carry the same attributes as the real objects, built from the wire JSON.
"""
from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any, Dict, Iterator, List

FIRST_TOKEN_DELAY = 0.04


def ns(value: Any) -> Any:
    """JSON as attribute objects, the way the SDKs' models read."""
    if isinstance(value, dict):
        return SimpleNamespace(**{k: ns(v) for k, v in value.items()})
    if isinstance(value, list):
        return [ns(v) for v in value]
    return value


class ProviderError(Exception):
    def __init__(self, status_code: int, message: str, code: Any = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code


class RateLimitError(ProviderError):
    pass


class BadRequestError(ProviderError):
    pass


CHAT_USAGE = {"prompt_tokens": 120, "completion_tokens": 8, "total_tokens": 128, "prompt_tokens_details": {"cached_tokens": 64}}


def _fail(model: str) -> None:
    if model.endswith("-rate-limited"):
        raise RateLimitError(429, "Rate limit reached")
    if model.endswith("-too-long"):
        raise BadRequestError(400, "This model's maximum context length is 128000 tokens.", "context_length_exceeded")


def chat_answer(kwargs: Dict[str, Any]) -> Any:
    model = f"{kwargs['model']}-2024-07-18"
    if not kwargs.get("stream"):
        return ns({"id": "c1", "model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello there!"}}], "usage": CHAT_USAGE})
    chunk = lambda delta: {"id": "c1", "model": model, "choices": [{"index": 0, "delta": delta}], "usage": None}  # noqa: E731
    chunks = [chunk({"role": "assistant", "content": ""}), chunk({"content": "Hello"}), chunk({"content": " there!"}), chunk({"content": None})]
    if (kwargs.get("stream_options") or {}).get("include_usage"):
        chunks.append({"id": "c1", "model": model, "choices": [], "usage": CHAT_USAGE})
    return [ns(c) for c in chunks]


RESPONSE = {
    "id": "resp_1",
    "model": "gpt-4.1-2025-04-14",
    "status": "completed",
    "output": [{"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Hi from responses"}]}],
    "output_text": "Hi from responses",
    "usage": {"input_tokens": 50, "output_tokens": 5, "input_tokens_details": {"cached_tokens": 10}},
}


def responses_answer(kwargs: Dict[str, Any]) -> Any:
    if not kwargs.get("stream"):
        return ns(RESPONSE)
    return [ns(e) for e in [
        {"type": "response.created", "response": {**RESPONSE, "usage": None, "output": []}},
        {"type": "response.output_text.delta", "delta": "Hi from"},
        {"type": "response.output_text.delta", "delta": " responses"},
        {"type": "response.completed", "response": RESPONSE},
    ]]


MESSAGE_USAGE = {"input_tokens": 20, "output_tokens": 7, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 30}


def messages_answer(kwargs: Dict[str, Any]) -> Any:
    model = f"{kwargs['model']}-20250929"
    message = {"id": "msg_1", "type": "message", "model": model, "content": [{"type": "text", "text": "Bonjour!"}], "usage": MESSAGE_USAGE}
    if not kwargs.get("stream"):
        return ns(message)
    return [ns(e) for e in [
        {"type": "message_start", "message": {**message, "content": [], "usage": {**MESSAGE_USAGE, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Bon"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "jour!"}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 7}},
        {"type": "message_stop"},
    ]]


class Stream:
    """Like openai.Stream / anthropic.Stream: iterable once, closable, a context manager."""

    def __init__(self, events: List[Any]) -> None:
        self._events = events
        self.closed = False
        self.response = SimpleNamespace(status_code=200)

    def __iter__(self) -> Iterator[Any]:
        for i, event in enumerate(self._events):
            if i == 1:
                time.sleep(FIRST_TOKEN_DELAY)
            yield event

    def close(self) -> None:
        self.closed = True


class AsyncStream(Stream):
    async def __aiter__(self):  # type: ignore[override]
        for i, event in enumerate(self._events):
            if i == 1:
                await asyncio.sleep(FIRST_TOKEN_DELAY)
            yield event

    async def close(self) -> None:  # type: ignore[override]
        self.closed = True


class Resource:
    def __init__(self, answer: Any, requests: List[Dict[str, Any]]) -> None:
        self._answer = answer
        self._requests = requests

    def create(self, **kwargs: Any) -> Any:
        self._requests.append(kwargs)
        _fail(kwargs["model"])
        answer = self._answer(kwargs)
        return Stream(answer) if kwargs.get("stream") else answer


class AsyncResource(Resource):
    async def create(self, **kwargs: Any) -> Any:  # type: ignore[override]
        self._requests.append(kwargs)
        await asyncio.sleep(0)
        _fail(kwargs["model"])
        answer = self._answer(kwargs)
        return AsyncStream(answer) if kwargs.get("stream") else answer


class OpenAI:
    resource = Resource

    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.api_key = "sk-test"
        self.chat = SimpleNamespace(completions=self.resource(chat_answer, self.requests))
        self.responses = self.resource(responses_answer, self.requests)
        self.models = SimpleNamespace(list=lambda: ["gpt-4o-mini"])


class AsyncOpenAI(OpenAI):
    resource = AsyncResource


class Anthropic:
    resource = Resource

    def __init__(self) -> None:
        self.requests: List[Dict[str, Any]] = []
        self.messages = self.resource(messages_answer, self.requests)


class AsyncAnthropic(Anthropic):
    resource = AsyncResource
