"""Prompt and completion text out of provider requests and answers, whatever shape they take."""
from __future__ import annotations

from typing import Any, Optional

# The server's limits (docs/API_SPEC.md §2): text beyond them is cut rather than the trace refused.
MAX_TEXT_LENGTH = 32_768
MAX_ERROR_MESSAGE_LENGTH = 4000


def get(obj: Any, *path: str) -> Any:
    """`obj.a.b` or `obj["a"]["b"]`: provider SDK objects and plain dicts alike; None when absent."""
    for name in path:
        if obj is None:
            return None
        obj = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
    return obj


def cut(text: str, limit: int) -> str:
    """At most `limit` UTF-16 code units, as the server counts JavaScript string length."""
    if len(text) <= limit // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) <= limit * 2:
        return text
    return units[: limit * 2].decode("utf-16-le", "ignore")


def content_text(content: Any) -> str:
    """A message's content: a string, or the text of its parts ({"type": "text", "text": ...} and alike)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, (list, tuple)):
        return ""
    texts = [part if isinstance(part, str) else get(part, "text") for part in content]
    return "\n".join(t for t in texts if isinstance(t, str) and t)


def conversation_text(messages: Any, system: Any = None) -> Optional[str]:
    """A conversation as `role: text` paragraphs, the system prompt first."""
    lines = []
    system_text = content_text(system)
    if system_text:
        lines.append(f"system: {system_text}")
    if isinstance(messages, str):
        lines.append(f"user: {messages}")
    elif isinstance(messages, (list, tuple)):
        for message in messages:
            text = content_text(get(message, "content"))
            if text:
                role = get(message, "role")
                lines.append(f"{role if isinstance(role, str) else 'user'}: {text}")
    return "\n\n".join(lines) if lines else None
