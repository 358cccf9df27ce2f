"""
observe(fn, ...): any call (another provider, a local model, a tool) as a trace. The function's
answer or error is the caller's, unchanged; what it used is read by `usage`. A coroutine
function's call is observed when awaited.
"""
from __future__ import annotations

import inspect
import time
from typing import Any, Callable, Dict, List, Optional

from ._default import default_pulse
from ._errors import error_type
from .client import Pulse


def observe(
    fn: Callable[[], Any],
    *,
    agent_id: str,
    model: str,
    user_id: Optional[str] = None,
    session_id: Optional[str] = None,
    tags: Optional[List[str]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    usage: Optional[Callable[[Any], Dict[str, int]]] = None,
    input: Optional[str] = None,
    output: Optional[Callable[[Any], Optional[str]]] = None,
    pulse: Optional[Pulse] = None,
) -> Any:
    client = pulse or default_pulse()
    started = time.perf_counter()

    def record(result: Any = None, error: Optional[BaseException] = None) -> None:
        try:
            fields: Dict[str, Any] = {
                "agent_id": agent_id,
                "model": model,
                "user_id": user_id,
                "session_id": session_id,
                "status": "error" if error else "success",
                "latency_ms": (time.perf_counter() - started) * 1000,
            }
            if tags:
                fields["tags"] = tags
            if metadata:
                fields["metadata"] = metadata
            if error is not None:
                fields["error_type"], fields["error_message"] = error_type(error), str(error) or type(error).__name__
            elif usage is not None:
                fields.update(usage(result) or {})
            if client.capture_text:
                fields["input"] = input
                fields["output"] = output(result) if output is not None and error is None else None
            client.trace(**fields)
        except Exception as failure:  # noqa: BLE001 - a usage or output reader that raises costs the trace only
            client._report(failure)

    try:
        result = fn()
    except BaseException as error:
        record(error=error)
        raise
    if inspect.isawaitable(result):

        async def observed() -> Any:
            try:
                value = await result
            except BaseException as error:
                record(error=error)
                raise
            record(value)
            return value

        return observed()
    record(result)
    return result
