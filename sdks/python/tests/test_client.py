import os
import subprocess
import sys
import time
import unittest

from pulse_sdk import Pulse

from .harness import FAST, PULSE_URL, FaultProxy, needs_pulse, new_workspace, stored, until

BASE = {"agent_id": "support-bot", "model": "gpt-4o-mini", "latency_ms": 120, "input_tokens": 100, "output_tokens": 20}


def ids(n: int, prefix: str):
    return [f"{prefix}-{i:05d}" for i in range(n)]


@needs_pulse
class ClientTest(unittest.TestCase):
    proxy: FaultProxy

    @classmethod
    def setUpClass(cls) -> None:
        cls.proxy = FaultProxy(PULSE_URL)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.proxy.close()

    def test_batches_of_flush_at_then_the_rest_after_the_interval(self) -> None:
        w = new_workspace()
        client = Pulse(w["api_key"], PULSE_URL, flush_at=10, flush_interval=0.05, **FAST)
        for trace_id in ids(25, "b"):
            client.trace(**BASE, trace_id=trace_id)
        until(lambda: client.stats()["accepted"] == 25)
        self.assertEqual(client.stats(), {"queued": 0, "accepted": 25, "duplicates": 0, "rejected": 0, "dropped": 0, "requests": 3, "retries": 0})
        rows = stored(w["workspace_id"])
        self.assertEqual([r["trace_id"] for r in rows], ids(25, "b"))
        self.assertEqual((rows[0]["agent_id"], rows[0]["input_tokens"], rows[0]["is_error"]), ("support-bot", 100, 0))
        client.shutdown()

    def test_a_burst_of_503s_loses_and_doubles_nothing(self) -> None:
        w = new_workspace()
        client = Pulse(w["api_key"], self.proxy.url, flush_at=20, flush_interval=0.02, **FAST)
        self.proxy.mode = {"kind": "status", "status": 503, "retry_after": "0.2"}
        refused = self.proxy.seen["refused"]
        first = len(self.proxy.arrivals)
        for trace_id in ids(100, "r"):
            client.trace(**BASE, trace_id=trace_id)
        until(lambda: self.proxy.seen["refused"] - refused >= 3)
        self.proxy.mode = {"kind": "pass"}
        client.flush()
        stats = client.stats()
        self.assertEqual((stats["accepted"], stats["duplicates"], stats["dropped"], stats["queued"]), (100, 0, 0, 0))
        self.assertGreaterEqual(stats["retries"], 3)
        # Retry-After (0.2 s) is honoured rather than the 10–80 ms backoff.
        arrivals = self.proxy.arrivals[first : first + 3]
        self.assertGreaterEqual(min(b - a for a, b in zip(arrivals, arrivals[1:])), 0.19)
        self.assertEqual([r["trace_id"] for r in stored(w["workspace_id"])], ids(100, "r"))
        client.shutdown()

    def test_an_outage_keeps_at_most_max_queue_and_counts_the_dropped(self) -> None:
        w = new_workspace()
        client = Pulse(w["api_key"], self.proxy.url, flush_at=10, flush_interval=0.01, max_queue=50, max_retries=1000, **FAST)
        self.proxy.mode = {"kind": "down"}
        sent = ids(300, "d")
        for i, trace_id in enumerate(sent):
            client.trace(**BASE, trace_id=trace_id)
            if i % 30 == 0:
                time.sleep(0.05)
            self.assertLessEqual(client.stats()["queued"], 50)
        until(lambda: client.stats()["retries"] >= 10)
        self.assertEqual(client.stats()["accepted"], 0)
        self.proxy.mode = {"kind": "pass"}
        client.shutdown()
        rows = [r["trace_id"] for r in stored(w["workspace_id"])]
        # The batch that was being retried, then the 50 newest; every other trace is counted as dropped.
        retried = len(rows) - 50
        self.assertGreater(retried, 0)
        self.assertEqual(rows, sent[:retried] + sent[-50:])
        stats = client.stats()
        self.assertEqual((stats["accepted"], stats["dropped"], stats["queued"]), (len(rows), 300 - len(rows), 0))

    def test_shutdown_sends_what_waits_and_takes_no_more(self) -> None:
        w = new_workspace()
        client = Pulse(w["api_key"], PULSE_URL, flush_at=100, flush_interval=60, **FAST)
        for trace_id in ids(7, "s"):
            client.trace(**BASE, trace_id=trace_id)
        self.assertEqual(client.stats()["queued"], 7)
        client.shutdown()
        self.assertEqual((client.stats()["accepted"], client.stats()["requests"]), (7, 1))
        self.assertIsNone(client.trace(**BASE))
        self.assertEqual(len(stored(w["workspace_id"])), 7)

    def test_never_raises_and_leaves_text_out_when_asked(self) -> None:
        w = new_workspace()
        errors = []
        client = Pulse(w["api_key"], PULSE_URL, capture_text=False, **{**FAST, "on_error": errors.append})
        client.trace(**{**BASE, "latency_ms": -1})
        client.trace(**BASE, trace_id="no-text", input="secret prompt", output="secret answer")
        client.trace(**BASE, trace_id="not-json", metadata={"x": float("nan")})
        client.shutdown()
        stats = client.stats()
        self.assertEqual((stats["accepted"], stats["rejected"], stats["dropped"]), (1, 1, 1))
        self.assertIn("latency_ms", " ".join(str(e) for e in errors))
        [row] = stored(w["workspace_id"])
        self.assertEqual((row["trace_id"], row["input"], row["output"]), ("no-text", None, None))

    def test_exit_flushes_and_never_waits_for_the_interval(self) -> None:
        w = new_workspace()
        # A long interval: only the exit flush can send these before the program ends by itself.
        program = (
            "import os\nfrom pulse_sdk import Pulse\n"
            "pulse = Pulse(os.environ['KEY'], os.environ['URL'], flush_at=100, flush_interval=600)\n"
            "for i in range(3): pulse.trace(trace_id=f'exit-{i}', agent_id='a', model='m', latency_ms=1)\n"
        )
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", program], check=True, timeout=60, env={**os.environ, "KEY": w["api_key"], "URL": PULSE_URL})
        self.assertLess(time.monotonic() - started, 20)
        self.assertEqual([r["trace_id"] for r in stored(w["workspace_id"])], ["exit-0", "exit-1", "exit-2"])


if __name__ == "__main__":
    unittest.main()
