import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs; credentials are redacted wherever they could appear. */
export function createLogger(level = 'info'): Logger {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'api_key',
        'adminToken',
        'apiKey',
      ],
      censor: '[redacted]',
    },
  });
}
