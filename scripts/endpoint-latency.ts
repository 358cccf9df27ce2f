/**
 * P50/P95 of every analytics endpoint for a 30-day window on the demo data, uncached (the
 * bench-only bypass header) and cached. Starts Pulse as a child process with DEMO=1 and no
 * trickle (a trickle bumps the data version every second, so nothing would stay cached).
 *
 *   npx tsx scripts/endpoint-latency.ts [--db pglite|postgres] [--requests 30]
 */
import { arg, startScratchPulse } from './lib/scratch-pulse.js';

const driver = arg('db', 'pglite');
const requests = Number(arg('requests', '30'));
const bypass = 'latency-script-bypass';
const { server, port, stop } = await startScratchPulse(driver, { DEMO: '1', DEMO_TRICKLE_RATE: '0', PULSE_CACHE_BYPASS_TOKEN: bypass });
let output = '';
const credentials = new Promise<{ key: string; workspace: string }>((resolve) => {
  server.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const key = /API key:\s+(\S+)/.exec(output)?.[1];
    const workspace = /Workspace id:\s+(\S+)/.exec(output)?.[1];
    if (key && workspace) resolve({ key, workspace });
  });
});

const PATHS = [
  '/usage/overview', '/usage/calls-over-time', '/usage/agent-distribution', '/usage/top-users',
  '/cost/overview', '/cost/trend', '/cost/by-model', '/cost/budget',
  '/performance/overview', '/performance/latency', '/performance/throughput', '/performance/errors',
];
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
};

try {
  const { key, workspace } = await credentials;
  const base = `http://127.0.0.1:${port}/api/v1`;
  const headers = { authorization: `Bearer ${key}`, 'x-workspace-id': workspace };
  const time = async (url: string, extra: Record<string, string>) => {
    const t = performance.now();
    const res = await fetch(url, { headers: { ...headers, ...extra } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    return performance.now() - t;
  };
  const rows: string[] = [];
  for (const p of PATHS) {
    const url = `${base}${p}?range=30d`;
    await time(url, { 'x-pulse-cache-bypass': bypass }); // warm-up
    const uncached: number[] = [];
    for (let i = 0; i < requests; i++) uncached.push(await time(url, { 'x-pulse-cache-bypass': bypass }));
    const cached: number[] = [];
    for (let i = 0; i < requests; i++) cached.push(await time(url, {}));
    rows.push(`| ${p} | ${pct(uncached, 0.5).toFixed(1)} | ${pct(uncached, 0.95).toFixed(1)} | ${pct(cached, 0.5).toFixed(1)} | ${pct(cached, 0.95).toFixed(1)} |`);
  }
  process.stdout.write(`\n${driver}, demo data (${/Demo data: ([\d,]+)/.exec(output)?.[1] ?? 'existing'} traces), range=30d, ${requests} requests each, ms\n\n`);
  process.stdout.write('| endpoint | uncached P50 | uncached P95 | cached P50 | cached P95 |\n|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
} finally {
  await stop();
}
