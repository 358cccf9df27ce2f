"""One POST /api/v1/traces (docs/API_SPEC.md §2) and what its answer means for the batch."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from ._backoff import is_retryable, retry_after


@dataclass
class Outcome:
    # "sent", "retry" (429, 5xx, no connection: send the same batch again) or "refused".
    kind: str
    reason: str = ""
    retry_after: Optional[float] = None
    answer: Dict[str, Any] = field(default_factory=dict)

    @property
    def rejected(self) -> List[Dict[str, Any]]:
        return list(self.answer.get("rejected") or [])


def post_batch(url: str, api_key: str, body: bytes, timeout: float) -> Outcome:
    """Never raises: every failure is an outcome. `body` is the serialised {"traces": [...]}."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json", "User-Agent": "pulse-sdk-python/0.1.0"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode("utf-8", "replace")
            try:
                return Outcome("sent", answer=json.loads(text))
            except ValueError:
                return Outcome("sent")
    except urllib.error.HTTPError as error:
        text = error.read().decode("utf-8", "replace")[:300]
        reason = f"HTTP {error.code}: {text}"
        if is_retryable(error.code):
            return Outcome("retry", reason, retry_after(error.headers.get("Retry-After")))
        return Outcome("refused", reason)
    except Exception as error:  # noqa: BLE001 - any network failure is retried
        return Outcome("retry", f"network: {error}")
