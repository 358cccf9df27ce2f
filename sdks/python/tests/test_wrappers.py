import asyncio
import unittest
from typing import Any, Dict, List

from pulse_sdk import Pulse, observe, wrap_anthropic, wrap_openai

from . import providers
from .harness import FAST, PULSE_URL, needs_pulse, new_workspace, stored

ASK = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello"}]
WHO = {"agent_id": "support-bot", "user_id": "u-1", "session_id": "s-1", "tags": ["prod"]}


@needs_pulse
class WrapperTest(unittest.TestCase):
    def setUp(self) -> None:
        self.workspace = new_workspace()
        self.client = Pulse(self.workspace["api_key"], PULSE_URL, **FAST)

    def stored(self) -> List[Dict[str, Any]]:
        self.client.flush()
        return stored(self.workspace["workspace_id"])

    def test_openai_chat_plain(self) -> None:
        openai = wrap_openai(providers.OpenAI(), pulse=self.client, **WHO)
        answer = openai.chat.completions.create(model="gpt-4o-mini", messages=ASK)
        self.assertEqual(answer.choices[0].message.content, "Hello there!")
        # Everything not wrapped is the client itself.
        self.assertEqual((openai.api_key, openai.models.list()), ("sk-test", ["gpt-4o-mini"]))
        [t] = self.stored()
        self.assertEqual(
            {k: t[k] for k in ("agent_id", "user_id", "session_id", "tags", "model", "is_error", "input_tokens", "output_tokens", "cache_read_tokens", "ttft_ms", "input", "output", "metadata")},
            {"agent_id": "support-bot", "user_id": "u-1", "session_id": "s-1", "tags": ["prod"], "model": "gpt-4o-mini-2024-07-18", "is_error": 0,
             "input_tokens": 120, "output_tokens": 8, "cache_read_tokens": 64, "ttft_ms": None,
             "input": "system: Be brief.\n\nuser: Say hello", "output": "Hello there!", "metadata": {"provider": "openai", "api": "chat.completions"}},
        )

    def test_openai_chat_streamed_with_per_call_overrides(self) -> None:
        raw = providers.OpenAI()
        openai = wrap_openai(raw, pulse=self.client, **WHO)
        with openai.chat.completions.create(model="gpt-4o-mini", messages=ASK, stream=True, pulse={"user_id": "u-2", "tags": ["beta"]}) as stream:
            chunks = list(stream)
        # The caller sees the stream it asked for: no usage-only chunk it did not request.
        self.assertTrue(all(len(c.choices) == 1 for c in chunks))
        self.assertEqual("".join(c.choices[0].delta.content or "" for c in chunks), "Hello there!")
        self.assertNotIn("pulse", raw.requests[-1])
        self.assertEqual(raw.requests[-1]["stream_options"], {"include_usage": True})
        [t] = self.stored()
        self.assertEqual((t["user_id"], t["session_id"], t["tags"], t["input_tokens"], t["cache_read_tokens"], t["output"]), ("u-2", "s-1", ["prod", "beta"], 120, 64, "Hello there!"))
        self.assertGreaterEqual(t["ttft_ms"], providers.FIRST_TOKEN_DELAY * 1000 - 5)
        self.assertLessEqual(t["ttft_ms"], t["latency_ms"])

    def test_openai_async_chat_stream_and_responses(self) -> None:
        openai = wrap_openai(providers.AsyncOpenAI(), pulse=self.client, **WHO)

        async def calls() -> str:
            text = ""
            stream = await openai.chat.completions.create(model="gpt-4o-mini", messages=ASK, stream=True)
            async for chunk in stream:
                text += chunk.choices[0].delta.content or ""
            plain = await openai.responses.create(model="gpt-4.1", input="Hi", instructions="Be kind")
            return text + "|" + plain.output_text

        self.assertEqual(asyncio.run(calls()), "Hello there!|Hi from responses")
        traces = sorted(self.stored(), key=lambda t: t["model"])
        self.assertEqual([(t["model"], t["input_tokens"], t["cache_read_tokens"]) for t in traces], [("gpt-4.1-2025-04-14", 50, 10), ("gpt-4o-mini-2024-07-18", 120, 64)])
        self.assertEqual(traces[0]["input"], "system: Be kind\n\nuser: Hi")
        self.assertIsNotNone(traces[1]["ttft_ms"])

    def test_openai_responses_streamed(self) -> None:
        openai = wrap_openai(providers.OpenAI(), pulse=self.client, **WHO)
        events = list(openai.responses.create(model="gpt-4.1", input=[{"role": "user", "content": "Hi"}], stream=True))
        self.assertEqual(len(events), 4)
        [t] = self.stored()
        self.assertEqual((t["model"], t["input_tokens"], t["output_tokens"], t["cache_read_tokens"], t["output"]), ("gpt-4.1-2025-04-14", 50, 5, 10, "Hi from responses"))
        self.assertIsNotNone(t["ttft_ms"])

    def test_anthropic_plain_streamed_and_async(self) -> None:
        anthropic = wrap_anthropic(providers.Anthropic(), pulse=self.client, **WHO)
        answer = anthropic.messages.create(model="claude-house", max_tokens=100, system="Be brief.", messages=[{"role": "user", "content": "Say hello"}])
        self.assertEqual(answer.content[0].text, "Bonjour!")
        text = "".join(e.delta.text for e in anthropic.messages.create(model="claude-house", max_tokens=100, messages=ASK[1:], stream=True) if e.type == "content_block_delta")
        self.assertEqual(text, "Bonjour!")
        async_anthropic = wrap_anthropic(providers.AsyncAnthropic(), pulse=self.client, **WHO)

        async def streamed() -> None:
            async for _ in await async_anthropic.messages.create(model="claude-house", max_tokens=100, messages=ASK[1:], stream=True):
                pass

        asyncio.run(streamed())
        traces = self.stored()
        self.assertEqual(len(traces), 3)
        for t in traces:
            # Anthropic's input_tokens (20) leaves the cache out; Pulse's includes it: 20 + 100 + 30.
            self.assertEqual((t["model"], t["input_tokens"], t["output_tokens"], t["cache_read_tokens"], t["cache_write_tokens"], t["output"]), ("claude-house-20250929", 150, 7, 100, 30, "Bonjour!"))
        self.assertEqual(sorted(t["ttft_ms"] is None for t in traces), [False, False, True])

    def test_errors_are_traced_with_their_type_and_reach_the_caller(self) -> None:
        openai = wrap_openai(providers.OpenAI(), pulse=self.client, **WHO)
        with self.assertRaises(providers.RateLimitError):
            openai.chat.completions.create(model="gpt-4o-rate-limited", messages=ASK)
        async_anthropic = wrap_anthropic(providers.AsyncAnthropic(), pulse=self.client, **WHO)
        with self.assertRaises(providers.BadRequestError):
            asyncio.run(async_anthropic.messages.create(model="claude-too-long", max_tokens=1, messages=ASK[1:]))
        traces = sorted(self.stored(), key=lambda t: t["model"])
        self.assertEqual([(t["model"], t["is_error"], t["error_type"]) for t in traces], [("claude-too-long", 1, "context_length_exceeded"), ("gpt-4o-rate-limited", 1, "rate_limit")])

    def test_capture_text_off_and_observe(self) -> None:
        quiet = Pulse(self.workspace["api_key"], PULSE_URL, capture_text=False, **FAST)
        openai = wrap_openai(providers.OpenAI(), pulse=quiet, **WHO)
        openai.chat.completions.create(model="gpt-4o-mini", messages=ASK)
        answer = observe(lambda: {"text": "42", "tokens": (10, 2)}, pulse=self.client, agent_id="calc", model="local-llm", input="6*7?", output=lambda r: r["text"], usage=lambda r: {"input_tokens": r["tokens"][0], "output_tokens": r["tokens"][1]})
        self.assertEqual(answer["text"], "42")

        async def failing() -> None:
            raise TimeoutError("slow")

        with self.assertRaises(TimeoutError):
            asyncio.run(observe(failing, pulse=self.client, agent_id="calc", model="local-llm"))
        quiet.flush()
        traces = sorted(self.stored(), key=lambda t: (t["agent_id"], t["is_error"]))
        self.assertEqual([(t["agent_id"], t["model"], t["is_error"], t["error_type"], t["input"], t["output"]) for t in traces], [
            ("calc", "local-llm", 0, None, "6*7?", "42"),
            ("calc", "local-llm", 1, "timeout", None, None),
            ("support-bot", "gpt-4o-mini-2024-07-18", 0, None, None, None),
        ])
        self.assertEqual((traces[0]["input_tokens"], traces[0]["output_tokens"]), (10, 2))


if __name__ == "__main__":
    unittest.main()
