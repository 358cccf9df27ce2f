import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { WebhookTarget } from './ssrf-guard.js';

/** What one attempt came to: the webhook's status, or why there was none. */
export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
}

/**
 * POSTs `body` to the target, connecting to the address that was checked (the connection's DNS
 * lookup answers with it, never asks again), with the URL's host name kept for the Host header
 * and TLS. A redirect is an answer like any other: it is not followed (a 3xx is a failure).
 * Gives up after `timeoutMs` (connecting, sending and waiting for the status).
 */
export function sendWebhook(target: WebhookTarget, body: string, headers: Record<string, string>, timeoutMs: number): Promise<AttemptOutcome> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const request = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const req = request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Pulse-Alerts/1', ...headers },
      },
      (res) => {
        // Only the status matters: the body is drained and dropped.
        res.resume();
        done({ statusCode: res.statusCode ?? null, error: null });
      },
    );
    const timer = setTimeout(() => {
      done({ statusCode: null, error: `no answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => done({ statusCode: null, error: err.message }));
    req.end(body);
  });
}
