"""
Provider methods that report each call to Pulse, sync or async, plain or streamed: the call's
`pulse={...}` keyword (per-call overrides) is removed before the provider sees it; a stream is
handed back as a view whose iteration reads each event as the caller consumes it.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, Dict, Optional, Protocol

from ._record import Attribution, CallRecord, CallResult
from .client import Pulse


class StreamReader(Protocol):
    def read(self, event: Any) -> bool:
        """Takes an event; True when it carries the first generated token."""

    def show(self, event: Any) -> bool:
        """False for an event the caller never asked for (a usage-only chunk the wrapper requested)."""

    def result(self) -> CallResult: ...


class ProviderApi(Protocol):
    provider: str
    api: str

    def prepare(self, kwargs: Dict[str, Any]) -> "tuple[Dict[str, Any], Callable[[], StreamReader]]":
        """The request as sent (e.g. with usage asked for in a stream) and the stream reader to use."""

    def prompt(self, kwargs: Dict[str, Any]) -> Optional[str]: ...

    def result(self, answer: Any) -> CallResult: ...


def instrument(pulse: Pulse, attribution: Attribution, api: ProviderApi, original: Callable[..., Any]) -> Callable[..., Any]:
    def start(kwargs: Dict[str, Any]) -> "tuple[Dict[str, Any], Optional[Callable[[], StreamReader]], CallRecord]":
        overrides = kwargs.pop("pulse", None)
        streaming = kwargs.get("stream") is True
        request, reader = api.prepare(kwargs) if streaming else (kwargs, None)
        record = CallRecord(pulse, attribution, overrides, api.provider, api.api, kwargs.get("model"), lambda: api.prompt(kwargs))
        return request, reader, record

    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def call_async(*args: Any, **kwargs: Any) -> Any:
            request, reader, record = start(kwargs)
            try:
                answer = await original(*args, **request)
            except BaseException as error:
                record.fail(error)
                raise
            if reader is None:
                record.succeed(_safe_result(api, answer))
                return answer
            return AsyncObservedStream(answer, reader(), record)

        return call_async

    @functools.wraps(original)
    def call(*args: Any, **kwargs: Any) -> Any:
        request, reader, record = start(kwargs)
        try:
            answer = original(*args, **request)
        except BaseException as error:
            record.fail(error)
            raise
        if reader is None:
            record.succeed(_safe_result(api, answer))
            return answer
        return ObservedStream(answer, reader(), record)

    return call


def _safe_result(api: ProviderApi, answer: Any) -> CallResult:
    try:
        return api.result(answer)
    except Exception:  # noqa: BLE001 - an answer of an unexpected shape is still a call
        return CallResult()


class _StreamView:
    """The provider's stream, forwarding everything but iteration."""

    def __init__(self, stream: Any, reader: StreamReader, record: CallRecord) -> None:
        self._stream = stream
        self._reader = reader
        self._record = record

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def _take(self, event: Any) -> bool:
        if self._reader.read(event):
            self._record.first_token()
        return self._reader.show(event)

    def _finish(self) -> None:
        self._record.succeed(self._reader.result())


class ObservedStream(_StreamView):
    def __iter__(self) -> "ObservedStream":
        self._events = iter(self._stream)
        return self

    def __next__(self) -> Any:
        if not hasattr(self, "_events"):
            self._events = iter(self._stream)
        try:
            while True:
                event = next(self._events)
                if self._take(event):
                    return event
        except StopIteration:
            self._finish()
            raise
        except BaseException as error:
            self._record.fail(error)
            raise

    def close(self) -> None:
        # The caller stopped early: what was read so far is the trace.
        self._finish()
        close = getattr(self._stream, "close", None)
        if callable(close):
            close()

    def __enter__(self) -> "ObservedStream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        # A stream dropped unread or half read is still a call.
        try:
            self._finish()
        except Exception:  # noqa: BLE001 - nothing may raise from a finaliser
            pass


class AsyncObservedStream(_StreamView):
    def __aiter__(self) -> "AsyncObservedStream":
        self._events = self._stream.__aiter__()
        return self

    async def __anext__(self) -> Any:
        if not hasattr(self, "_events"):
            self._events = self._stream.__aiter__()
        try:
            while True:
                event = await self._events.__anext__()
                if self._take(event):
                    return event
        except StopAsyncIteration:
            self._finish()
            raise
        except BaseException as error:
            self._record.fail(error)
            raise

    async def close(self) -> None:
        self._finish()
        close = getattr(self._stream, "close", None)
        if callable(close):
            result = close()
            if inspect.isawaitable(result):
                await result

    async def __aenter__(self) -> "AsyncObservedStream":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __del__(self) -> None:
        # A stream dropped unread or half read is still a call.
        try:
            self._finish()
        except Exception:  # noqa: BLE001 - nothing may raise from a finaliser
            pass


class Intercepted:
    """A view of a client whose methods at some paths (`chat.completions.create`) are replaced."""

    def __init__(self, target: Any, replacements: Dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]]) -> None:
        self._target = target
        self._own: Dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]] = {}
        self._below: Dict[str, Dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]]] = {}
        for path, replace in replacements.items():
            head, _, rest = path.partition(".")
            if rest:
                self._below.setdefault(head, {})[rest] = replace
            else:
                self._own[head] = replace

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name in self._own and callable(value):
            return self._own[name](value)
        if name in self._below:
            return Intercepted(value, self._below[name])
        return value
