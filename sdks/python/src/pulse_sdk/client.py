"""
The Pulse client: `trace()` queues (microseconds, never raises); one background thread posts
batches of `flush_at` traces, or what waits after `flush_interval` seconds, and retries a failed
batch with backoff. A retried batch carries the same trace ids and timestamps, so Pulse stores
each trace once however often it is sent (docs/API_SPEC.md §2).
"""
from __future__ import annotations

import atexit
import json
import logging
import threading
import time
import uuid
from collections import deque
from datetime import datetime, timezone
from typing import Any, Callable, Deque, Dict, List, Optional

from ._backoff import retry_delay
from ._text import MAX_ERROR_MESSAGE_LENGTH, MAX_TEXT_LENGTH, cut
from ._transport import post_batch

logger = logging.getLogger("pulse_sdk")

# The most traces one POST /api/v1/traces takes, and a body size below its 5 MiB limit.
MAX_BATCH = 1000
MAX_BATCH_BYTES = 4_500_000
_WARN_EVERY = 30.0


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Pulse:
    """Sends traces to Pulse. Thread-safe; one per process is enough."""

    def __init__(
        self,
        api_key: str,
        base_url: str = "http://localhost:3000",
        *,
        flush_at: int = 100,
        flush_interval: float = 1.0,
        max_queue: int = 10_000,
        capture_text: bool = True,
        max_retries: int = 10,
        initial_backoff: float = 0.5,
        max_backoff: float = 30.0,
        request_timeout: float = 10.0,
        shutdown_timeout: float = 5.0,
        on_error: Optional[Callable[[Exception], None]] = None,
        flush_on_exit: bool = True,
    ) -> None:
        if not isinstance(api_key, str) or not api_key:
            raise TypeError("Pulse: api_key is required")
        self.capture_text = capture_text
        self._url = base_url.rstrip("/") + "/api/v1/traces"
        self._api_key = api_key
        self._flush_at = max(1, min(int(flush_at), MAX_BATCH))
        self._flush_interval = max(0.0, flush_interval)
        self._max_queue = max(1, int(max_queue))
        self._max_retries = max_retries
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._request_timeout = request_timeout
        self._shutdown_timeout = shutdown_timeout
        self._on_error = on_error
        self._queue: Deque[Dict[str, Any]] = deque()
        self._cond = threading.Condition()
        self._oldest_at = 0.0
        self._in_flight = 0
        self._flushes = 0
        self._deadline: Optional[float] = None
        self._last_warning = -_WARN_EVERY
        self._counts = {"accepted": 0, "duplicates": 0, "rejected": 0, "dropped": 0, "requests": 0, "retries": 0}
        # A daemon: it never keeps the interpreter alive; atexit flushes what waits.
        self._thread = threading.Thread(target=self._run, name="pulse-sdk", daemon=True)
        self._thread.start()
        if flush_on_exit:
            atexit.register(self.shutdown)

    def trace(self, **fields: Any) -> Optional[str]:
        """Queues one trace (the §2 fields); returns its trace_id, or None when not queued. Never raises."""
        try:
            trace = self._to_wire(fields)
            with self._cond:
                if self._deadline is not None:
                    self._counts["dropped"] += 1
                    return None
                if not self._queue:
                    self._oldest_at = time.monotonic()
                self._queue.append(trace)
                if len(self._queue) > self._max_queue:
                    self._queue.popleft()
                    self._counts["dropped"] += 1
                if len(self._queue) >= self._flush_at or len(self._queue) == 1:
                    self._cond.notify()
            return trace["trace_id"]
        except Exception as error:  # noqa: BLE001 - tracing must never break the caller
            self._report(error)
            return None

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Waits until every trace queued so far is sent (or given up); False when `timeout` ran out."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._flushes += 1
            self._cond.notify_all()
            try:
                while self._queue or self._in_flight:
                    left = None if end is None else end - time.monotonic()
                    if left is not None and left <= 0:
                        return False
                    self._cond.wait(left)
                return True
            finally:
                self._flushes -= 1

    def shutdown(self) -> None:
        """Sends what waits, within `shutdown_timeout`, and takes no more traces. Idempotent."""
        with self._cond:
            if self._deadline is None:
                self._deadline = time.monotonic() + self._shutdown_timeout
        atexit.unregister(self.shutdown)
        self.flush(self._shutdown_timeout + 1)

    def stats(self) -> Dict[str, int]:
        with self._cond:
            return {"queued": len(self._queue), **self._counts}

    def _to_wire(self, fields: Dict[str, Any]) -> Dict[str, Any]:
        trace = dict(fields)
        trace.setdefault("trace_id", str(uuid.uuid4()))
        timestamp = trace.get("timestamp")
        if timestamp is None:
            trace["timestamp"] = _now_iso()
        elif isinstance(timestamp, datetime):
            aware = timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=timezone.utc)
            trace["timestamp"] = aware.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        trace.setdefault("status", "success")
        if not self.capture_text:
            trace.pop("input", None)
            trace.pop("output", None)
        else:
            for name in ("input", "output"):
                if isinstance(trace.get(name), str):
                    trace[name] = cut(trace[name], MAX_TEXT_LENGTH)
        if isinstance(trace.get("error_message"), str):
            trace["error_message"] = cut(trace["error_message"], MAX_ERROR_MESSAGE_LENGTH)
        return trace

    # The sender thread.

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._ready():
                    self._cond.wait(self._wait_time())
                body, size = self._next_batch()
                self._in_flight = size
            try:
                self._deliver(body, size)
            except Exception as error:  # noqa: BLE001 - the sender must outlive any surprise
                self._report(error)
            with self._cond:
                self._in_flight = 0
                self._cond.notify_all()

    def _ready(self) -> bool:
        if not self._queue:
            return False
        if len(self._queue) >= self._flush_at or self._flushes > 0 or self._deadline is not None:
            return True
        return time.monotonic() - self._oldest_at >= self._flush_interval

    def _wait_time(self) -> Optional[float]:
        if not self._queue:
            return None
        return max(0.001, self._oldest_at + self._flush_interval - time.monotonic())

    def _next_batch(self) -> "tuple[bytes, int]":
        parts: List[str] = []
        size = 16
        while self._queue and len(parts) < self._flush_at:
            try:
                # default=str: a datetime or a UUID in metadata is sent as text rather than lost.
                text = json.dumps(self._queue[0], ensure_ascii=False, separators=(",", ":"), default=str, allow_nan=False)
            except ValueError as error:
                self._queue.popleft()
                self._counts["dropped"] += 1
                self._report(ValueError(f"Pulse: dropped a trace JSON cannot hold: {error}"))
                continue
            # A character is at most 4 UTF-8 bytes: a bound that needs no encoding.
            if parts and size + len(text) * 4 > MAX_BATCH_BYTES:
                break
            parts.append(text)
            size += len(text) * 4 + 1
            self._queue.popleft()
        self._oldest_at = time.monotonic()
        return ('{"traces":[' + ",".join(parts) + "]}").encode("utf-8"), len(parts)

    def _deliver(self, body: bytes, size: int) -> None:
        attempt = 0
        while True:
            remaining = None if self._deadline is None else self._deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return self._lose(size, "shutdown timed out")
            timeout = self._request_timeout if remaining is None else min(self._request_timeout, remaining)
            outcome = post_batch(self._url, self._api_key, body, timeout)
            with self._cond:
                self._counts["requests"] += 1
            if outcome.kind == "sent":
                rejected = outcome.rejected
                with self._cond:
                    self._counts["accepted"] += int(outcome.answer.get("accepted", 0))
                    self._counts["duplicates"] += int(outcome.answer.get("duplicates", 0))
                    self._counts["rejected"] += len(rejected)
                if rejected:
                    self._report(RuntimeError(f"Pulse rejected {len(rejected)} trace(s): {json.dumps(rejected[:3])}"))
                return None
            if outcome.kind == "refused":
                with self._cond:
                    self._counts["rejected"] += size
                return self._report(RuntimeError(f"Pulse refused a batch of {size} trace(s): {outcome.reason}"))
            if attempt >= self._max_retries:
                return self._lose(size, f"gave up after {attempt + 1} attempts: {outcome.reason}")
            with self._cond:
                self._counts["retries"] += 1
            pause = retry_delay(attempt, outcome.retry_after, self._initial_backoff, self._max_backoff)
            time.sleep(pause if remaining is None else min(pause, remaining))
            attempt += 1

    def _lose(self, size: int, why: str) -> None:
        with self._cond:
            self._counts["dropped"] += size
        self._report(RuntimeError(f"Pulse: dropped {size} trace(s): {why}"))

    def _report(self, error: Exception) -> None:
        """Problems reach `on_error`; without one, a warning at most every 30 s. Never raises."""
        try:
            if self._on_error is not None:
                self._on_error(error)
                return
            now = time.monotonic()
            if now - self._last_warning >= _WARN_EVERY:
                self._last_warning = now
                logger.warning("[pulse] %s", error)
        except Exception:  # noqa: BLE001 - an on_error that raises must not reach the caller either
            pass
