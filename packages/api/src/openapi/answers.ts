import { type ErrorBody, INGEST_LIMITS, WORKSPACE_HEADER } from '@pulse/shared';
import type { PulseMeta } from '../trpc/meta.js';

const errorBodyRef = { $ref: '#/components/schemas/ErrorBody' };

/** An error answer of the document: the shared error body, with a real example. */
function errorAnswer(description: string, example: ErrorBody, extra: Record<string, unknown> = {}) {
  return { description, ...extra, content: { 'application/json': { schema: errorBodyRef, example } } };
}

/** Every error status the server answers (docs/API_SPEC.md §1), as reusable response components. */
export const ERROR_RESPONSES = {
  BadRequest: errorAnswer(
    `Invalid parameters or body (\`issues\` names each field), a body that is not JSON or nests too deep, or a missing or malformed ${WORKSPACE_HEADER}`,
    {
      code: 'BAD_REQUEST',
      message: 'Invalid request: range: must be one of 1h, 24h, 7d, 30d, custom',
      issues: [{ path: 'range', message: 'must be one of 1h, 24h, 7d, 30d, custom' }],
    },
  ),
  Unauthorized: errorAnswer('Missing, unknown or revoked API key (or wrong admin token)', { code: 'UNAUTHORIZED', message: 'Unknown or revoked API key' }),
  Forbidden: errorAnswer(`The key belongs to another workspace than ${WORKSPACE_HEADER}, lacks the scope the operation needs, or the admin API is disabled`, {
    code: 'FORBIDDEN',
    message: 'The API key does not belong to the workspace in X-Workspace-ID',
  }),
  PayloadTooLarge: errorAnswer('The body is larger than 5 MiB', {
    code: 'PAYLOAD_TOO_LARGE',
    message: `Request body is larger than ${INGEST_LIMITS.maxBodyBytes} bytes (5 MiB)`,
  }),
  UnsupportedMediaType: errorAnswer('A body sent without `Content-Type: application/json`', { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Missing content-type header' }),
  TooManyRequests: errorAnswer(
    "The key's requests of this kind per minute are used up",
    { code: 'TOO_MANY_REQUESTS', message: 'Rate limit exceeded: at most 6000 query requests per minute per API key; retry after 42 s' },
    { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } },
  ),
  RequestHeaderFieldsTooLarge: errorAnswer('The request headers, URL included, are larger than 16 KiB', {
    code: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
    message: 'Request headers are larger than 16384 bytes (16 KiB)',
  }),
  InternalServerError: errorAnswer('A defect; logged with the request id', { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' }),
  ServiceUnavailable: errorAnswer('The database cannot be reached; the client may retry', { code: 'SERVICE_UNAVAILABLE', message: 'database unavailable' }),
} as const;

type ErrorResponseName = keyof typeof ERROR_RESPONSES;

export const RETRY_AFTER_HEADER = {
  description: 'Seconds until the rate limit window resets',
  schema: { type: 'integer', minimum: 0, maximum: 60 },
  example: 42,
};

const ref = (name: ErrorResponseName) => ({ $ref: `#/components/responses/${name}` });

/**
 * The error answers of one operation, by status: what every request can meet (bad input, header
 * or body size, the database), what its credentials bring, and a 404 where the procedure says so.
 */
export function errorAnswers(meta: PulseMeta, method: string): Record<string, unknown> {
  const takesBody = method === 'post' || method === 'put';
  const limited = meta.auth === 'key' || meta.auth === 'workspace';
  const notFound = meta.answers?.notFound;
  return {
    400: ref('BadRequest'),
    401: ref('Unauthorized'),
    403: ref('Forbidden'),
    ...(notFound ? { 404: errorAnswer(notFound.when, { code: 'NOT_FOUND', message: notFound.message }) } : {}),
    413: ref('PayloadTooLarge'),
    ...(takesBody ? { 415: ref('UnsupportedMediaType') } : {}),
    ...(limited ? { 429: ref('TooManyRequests') } : {}),
    431: ref('RequestHeaderFieldsTooLarge'),
    500: ref('InternalServerError'),
    503: ref('ServiceUnavailable'),
  };
}
