"""When to try a failed batch again."""
from __future__ import annotations

import email.utils
import random
import time
from typing import Optional

# A server asking for a longer pause than this is more likely wrong than right.
RETRY_AFTER_CEILING = 120.0


def is_retryable(status: Optional[int]) -> bool:
    """The server is busy (429), failing (5xx) or out of reach (no status)."""
    return status is None or status in (408, 429) or status >= 500


def backoff(attempt: int, initial: float, maximum: float) -> float:
    """Exponential with full jitter: uniform in [0, min(maximum, initial * 2**attempt)]."""
    return random.uniform(0, min(maximum, initial * (2**attempt)))


def retry_after(header: Optional[str]) -> Optional[float]:
    """`Retry-After` in seconds: delta-seconds or an HTTP date; None when absent or unreadable."""
    if header is None or not header.strip():
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def retry_delay(attempt: int, server_says: Optional[float], initial: float, maximum: float) -> float:
    """The server's `Retry-After` wins over our own guess."""
    if server_says is not None:
        return min(server_says, RETRY_AFTER_CEILING)
    return backoff(attempt, initial, maximum)
