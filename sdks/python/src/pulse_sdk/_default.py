"""The client the wrappers and `observe` use when given none: one per process, from PULSE_API_KEY and PULSE_BASE_URL."""
from __future__ import annotations

import os
import threading
from typing import Optional

from .client import Pulse

_shared: Optional[Pulse] = None
_lock = threading.Lock()


def default_pulse() -> Pulse:
    global _shared
    with _lock:
        if _shared is None:
            api_key = os.environ.get("PULSE_API_KEY")
            if not api_key:
                raise TypeError("Pulse: pass pulse=... or set PULSE_API_KEY")
            _shared = Pulse(api_key, os.environ.get("PULSE_BASE_URL", "http://localhost:3000"))
        return _shared
