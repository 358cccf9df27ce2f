/**
 * A local HTTP proxy in front of a real Pulse that can answer 503 (or 429) itself, or drop
 * connections as an unreachable server does, and counts what it saw.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyMode = { kind: 'pass' } | { kind: 'status'; status: number; retryAfter?: string } | { kind: 'down' };

export interface FaultProxy {
  url: string;
  mode: ProxyMode;
  /** Requests that reached the proxy, by what it did with them. */
  seen: { passed: number; refused: number; dropped: number };
  /** When each request arrived (ms, performance.now()). */
  arrivals: number[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const proxy: Omit<FaultProxy, 'url' | 'close'> = {
    mode: { kind: 'pass' },
    seen: { passed: 0, refused: 0, dropped: 0 },
    arrivals: [],
  };
  const forward = async (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const answer = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? '' },
      body: body.length > 0 ? new Uint8Array(body) : undefined,
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      proxy.arrivals.push(performance.now());
      const mode = proxy.mode;
      if (mode.kind === 'down') {
        proxy.seen.dropped++;
        req.socket.destroy();
      } else if (mode.kind === 'status') {
        proxy.seen.refused++;
        res.writeHead(mode.status, {
          'content-type': 'application/json',
          ...(mode.retryAfter ? { 'retry-after': mode.retryAfter } : {}),
        });
        res.end(JSON.stringify({ code: 'SERVICE_UNAVAILABLE', message: 'try later' }));
      } else {
        proxy.seen.passed++;
        forward(req, res, Buffer.concat(chunks)).catch(() => req.socket.destroy());
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as FaultProxy;
}
