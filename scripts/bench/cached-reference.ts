import { spawn } from 'node:child_process';
import { timedGet } from './client.js';
import { summarize, type Summary } from './stats.js';

/**
 * The platform's reference for the cached target, as the COPY reference is for ingest: a bare
 * `node:http` server in a process of its own (no framework, no key check, no cache lookup, no
 * serialisation) answering the bytes of one of Pulse's cached answers, measured by the same
 * client in the same series as the cached answers (warm-up requests, then timed ones, one at a
 * time, as many series as Pulse was measured in). What it shows is this machine, Node's HTTP
 * stack and the load client alone: how often a series of requests to a server that does nothing
 * has a P95 above the target.
 */
export interface CachedReference {
  /** Size of the answer served (one of Pulse's cached answers, as Pulse sent it). */
  bodyBytes: number;
  series: number;
  requestsPerSeries: number;
  /** Series whose P95 is above `targetMs`. */
  seriesOverTarget: number;
  targetMs: number;
  /** Every timed request of every series together. */
  all: Summary;
}

/** The server: answers every request with the body it is sent over IPC, then reports its port. */
const SERVER = `
const http = require('node:http');
process.once('message', (body) => {
  const bytes = Buffer.from(body);
  const server = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(bytes);
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
});
process.on('disconnect', () => process.exit(0));
`;

export async function measureCachedReference(
  body: string,
  options: { series: number; requests: number; warmup: number; targetMs: number },
): Promise<CachedReference> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (p) => resolve(Number(p)));
      child.once('exit', (code) => reject(new Error(`the reference server exited (${code}) before listening`)));
      child.send(body);
    });
    const url = `http://127.0.0.1:${port}/`;
    const all: number[] = [];
    let seriesOverTarget = 0;
    for (let s = 0; s < options.series; s++) {
      for (let i = 0; i < options.warmup; i++) await timedGet(url, {});
      const times: number[] = [];
      for (let i = 0; i < options.requests; i++) times.push((await timedGet(url, {})).ms);
      if (summarize(times).p95 > options.targetMs) seriesOverTarget++;
      all.push(...times);
    }
    return {
      bodyBytes: Buffer.byteLength(body),
      series: options.series,
      requestsPerSeries: options.requests,
      seriesOverTarget,
      targetMs: options.targetMs,
      all: summarize(all),
    };
  } finally {
    if (child.connected) child.disconnect();
    child.kill();
  }
}
