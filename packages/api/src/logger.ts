import { type DestinationStream, pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs; credentials are redacted wherever they could appear: request headers
 * (API keys and the admin token travel in Authorization), and fields of our own log calls.
 */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-pulse-cache-bypass"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'api_key',
  'apiKey',
  'adminToken',
  '*.api_key',
  '*.apiKey',
  '*.adminToken',
];

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
