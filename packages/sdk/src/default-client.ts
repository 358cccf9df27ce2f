/**
 * The client the wrappers and `observe` use when given none: one per process, configured from
 * PULSE_API_KEY and PULSE_BASE_URL (Node), made on first use.
 */
import { Pulse } from './client.js';

let shared: Pulse | undefined;

export function defaultPulse(): Pulse {
  if (shared) return shared;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  const apiKey = env.PULSE_API_KEY;
  if (!apiKey) throw new TypeError('Pulse: pass { pulse } or set PULSE_API_KEY');
  shared = new Pulse({ apiKey, baseUrl: env.PULSE_BASE_URL });
  return shared;
}
