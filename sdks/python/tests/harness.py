"""
What the tests share: a real Pulse started by the bridge (packages/sdk/test/python.test.ts),
which also serves new workspaces and the traces stored, and a fault proxy in front of Pulse.
"""
from __future__ import annotations

import json
import os
import threading
import time
import unittest
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List

PULSE_URL = os.environ.get("PULSE_TEST_URL")
INSPECTOR = os.environ.get("PULSE_TEST_INSPECTOR")

needs_pulse = unittest.skipUnless(PULSE_URL and INSPECTOR, "run through `npm test` (packages/sdk/test/python.test.ts)")

# Short timings: what takes seconds in production takes milliseconds here.
FAST = {"initial_backoff": 0.01, "max_backoff": 0.08, "on_error": lambda e: None, "flush_on_exit": False}


def _call(method: str, path: str) -> Any:
    request = urllib.request.Request(f"{INSPECTOR}{path}", method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def new_workspace() -> Dict[str, str]:
    """{"workspace_id", "api_key"} of a fresh workspace."""
    return _call("POST", "/workspace")


def stored(workspace_id: str) -> List[Dict[str, Any]]:
    """The traces Pulse stored for the workspace, ordered by trace_id."""
    return _call("GET", f"/stored?workspace_id={workspace_id}")


def until(check: Callable[[], bool], seconds: float = 10) -> None:
    end = time.monotonic() + seconds
    while not check():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(0.005)


class FaultProxy:
    """In front of Pulse: passes requests on, answers a status itself, or drops the connection."""

    def __init__(self, target: str) -> None:
        self.mode: Dict[str, Any] = {"kind": "pass"}
        self.seen = {"passed": 0, "refused": 0, "dropped": 0}
        self.arrivals: List[float] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                proxy.arrivals.append(time.monotonic())
                mode = proxy.mode
                if mode["kind"] == "down":
                    proxy.seen["dropped"] += 1
                    self.close_connection = True
                    self.connection.close()
                    return
                if mode["kind"] == "status":
                    proxy.seen["refused"] += 1
                    self.send_response(mode["status"])
                    if mode.get("retry_after"):
                        self.send_header("Retry-After", mode["retry_after"])
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"code":"SERVICE_UNAVAILABLE","message":"try later"}')
                    return
                proxy.seen["passed"] += 1
                forward = urllib.request.Request(f"{target}{self.path}", data=body, method="POST", headers={k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")})
                try:
                    with urllib.request.urlopen(forward, timeout=30) as answer:
                        status, payload = answer.status, answer.read()
                except urllib.error.HTTPError as error:
                    status, payload = error.code, error.read()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
