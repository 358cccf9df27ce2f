/**
 * Ingest throughput through HTTP: starts Pulse as a child process (DEMO=0) on a fresh
 * database, creates a workspace over the admin API, and sends demo-distributed traces in
 * batches of 1000 with N concurrent clients. Prints traces/s (rollup upkeep included).
 *
 *   npx tsx scripts/ingest-throughput.ts [--traces 200000] [--concurrency 4] [--db pglite|postgres]
 */
import { generateDemoBatches } from '../packages/api/src/demo/generate.js';
import { arg, startScratchPulse } from './lib/scratch-pulse.js';

const total = Number(arg('traces', '200000'));
const concurrency = Number(arg('concurrency', '4'));
const driver = arg('db', 'pglite');
const adminToken = 'throughput-admin-token';
const { port, stop } = await startScratchPulse(driver, { DEMO: '0', ADMIN_TOKEN: adminToken });
const base = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      if (i > 300) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const ws = (await (
    await fetch(`${base}/api/v1/admin/workspaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'throughput' }),
    })
  ).json()) as { api_key: string };

  // Bodies are serialized before the clock starts: the figure is the server's.
  const bodies = [...generateDemoBatches({ seed: 1, now: new Date(), days: 30, targetTraces: total })].map((b) => JSON.stringify({ traces: b }));
  const sent = bodies.reduce((n, b) => n + (JSON.parse(b) as { traces: unknown[] }).traces.length, 0);
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const res = await fetch(`${base}/api/v1/traces`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ws.api_key}`, 'content-type': 'application/json' },
          body,
        });
        if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
        accepted += ((await res.json()) as { accepted: number }).accepted;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${driver}: ${accepted.toLocaleString('en-US')} of ${sent.toLocaleString('en-US')} traces in ${seconds.toFixed(1)} s = ` +
      `${Math.round(accepted / seconds).toLocaleString('en-US')} traces/s (batches of 1000, concurrency ${concurrency})\n`,
  );
} finally {
  await stop();
}
