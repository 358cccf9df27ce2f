"""
The Python SDK in one program: wrapped OpenAI clients (sync, streamed, async), per-call
overrides, any other call through observe(), and a trace by hand.

    pip install ./sdks/python openai
    PULSE_API_KEY=pk_... OPENAI_API_KEY=sk-... python3 examples/sdk-python/example.py
"""
import asyncio
import os

from openai import AsyncOpenAI, OpenAI

from pulse_sdk import Pulse, observe, wrap_openai

pulse = Pulse(
    api_key=os.environ["PULSE_API_KEY"],
    base_url=os.environ.get("PULSE_BASE_URL", "http://localhost:3000"),
    # False keeps prompts and completions on this side: only figures are sent.
    capture_text=True,
)

client = wrap_openai(OpenAI(), pulse=pulse, agent_id="support-bot", tags=["example"])
answer = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello in French"}])
print(answer.choices[0].message.content)

# Streamed, for one user and conversation: time to first token and usage are recorded too.
stream = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Count to five"}],
    stream=True,
    pulse={"user_id": "u-42", "session_id": "conv-7"},
)
for chunk in stream:
    print(chunk.choices[0].delta.content or "", end="")
print()


async def ask_async() -> None:
    async_client = wrap_openai(AsyncOpenAI(), pulse=pulse, agent_id="support-bot", tags=["example", "async"])
    reply = await async_client.responses.create(model="gpt-4o-mini", input="One word for joy?")
    print(reply.output_text)


asyncio.run(ask_async())

# Any other call: a local model, a tool, another provider.
summary = observe(
    lambda: {"text": "a summary", "usage": (900, 40)},
    pulse=pulse,
    agent_id="summariser",
    model="llama-3.1-8b-instruct",
    input="Summarise the ticket",
    output=lambda r: r["text"],
    usage=lambda r: {"input_tokens": r["usage"][0], "output_tokens": r["usage"][1]},
)
print(summary["text"])

# By hand: the fields of POST /api/v1/traces.
pulse.trace(agent_id="router", model="gpt-4o-mini", latency_ms=87, input_tokens=300, output_tokens=4, tags=["example"])

pulse.shutdown()
print(pulse.stats())
