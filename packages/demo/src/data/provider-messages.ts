import type { Provider } from './models.js';

/** Fixed texts of the demo's error messages; the templates that fill in numbers are in error-message.ts. */

export const SERVER_ERRORS: Record<Provider, readonly string[]> = {
  openai: [
    '500 Internal Server Error: The server had an error while processing your request. Sorry about that!',
    '502 Bad Gateway: upstream connect error or disconnect/reset before headers. reset reason: connection termination',
    '503 Service Unavailable: The engine is currently overloaded, please try again later.',
  ],
  anthropic: ['500 api_error: Internal server error', '502 Bad Gateway', '503 overloaded_error: Overloaded'],
  google: [
    '500 INTERNAL: An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    '502 Bad Gateway: The server encountered a temporary error and could not complete your request.',
    '503 UNAVAILABLE: The model is overloaded. Please try again later.',
  ],
  meta: [
    '500 Internal Server Error: CUDA error: an illegal memory access was encountered',
    '502 Bad Gateway: upstream connect error or disconnect/reset before headers',
    '503 Service Unavailable: no healthy upstream',
  ],
};

export const GENERIC_TOOL_FAILURES = [
  'HTTP 404 Not Found',
  'HTTP 503 Service Unavailable',
  'HTTP 401 Unauthorized: token expired',
  'read ECONNRESET',
  'timed out after 10s',
];

/** Columns a data analyst's SQL asks for that do not exist. */
export const MISSING_SQL_COLUMNS = ['revenue_usd', 'signup_date', 'region_code', 'churned_at'];

export const GOOGLE_HARM_CATEGORIES = ['HARASSMENT', 'HATE_SPEECH', 'DANGEROUS_CONTENT'];
export const AZURE_FILTER_CATEGORIES = ['hate', 'self_harm', 'sexual', 'violence'];
