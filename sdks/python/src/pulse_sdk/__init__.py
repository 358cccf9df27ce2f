"""Pulse SDK: send every LLM call of your agents to Pulse (docs/API_SPEC.md §2)."""
from ._anthropic import wrap_anthropic
from ._openai import wrap_openai
from .client import Pulse
from .observe import observe

__all__ = ["Pulse", "observe", "wrap_anthropic", "wrap_openai"]
__version__ = "0.1.0"
