import { EXPORT_FORMATS } from '@pulse/shared';
import { errorAnswers } from './answers.js';
import { EXPORT_EXAMPLES } from './examples.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** Where the export is documented: under /api/v1, as every other path of the document. */
export const EXPORT_DOC_PATH = '/traces/export';

const text = (example: string) => ({ schema: { type: 'string' }, example });

/**
 * GET /traces/export (docs/API_SPEC.md §8), written by hand: it is a plain streamed route, not
 * a procedure, so trpc-to-openapi does not see it. Its parameters are the trace list's (already
 * in the document, generated from the shared schema) without `limit` and `cursor`, plus `format`.
 */
export function exportOperation(listOperation: Json): Json {
  const listParameters: Json[] = listOperation.parameters;
  return {
    operationId: 'traces-export',
    summary: 'Every call the trace list filters match, streamed as CSV or JSON Lines',
    description:
      'CSV (RFC 4180, a header row) has the list item\'s fields as columns in the list\'s order, `tags` and `safety_flags` joined by `|`; ' +
      'JSON Lines has one list item per line. Newest first, as the list.',
    tags: ['traces'],
    security: listOperation.security,
    parameters: [
      ...listParameters.filter((p) => p.name !== 'limit' && p.name !== 'cursor'),
      { in: 'query', name: 'format', description: 'The file format', schema: { type: 'string', enum: [...EXPORT_FORMATS], default: 'csv' }, example: 'csv' },
    ],
    responses: {
      200: {
        description: 'The matching calls, as a file download',
        headers: {
          'Content-Disposition': { description: 'attachment; filename="traces.csv" (or traces.jsonl)', schema: { type: 'string' }, example: 'attachment; filename="traces.csv"' },
        },
        content: { 'text/csv': text(EXPORT_EXAMPLES.csv), 'application/x-ndjson': text(EXPORT_EXAMPLES.jsonl) },
      },
      ...errorAnswers({ auth: 'workspace' }, 'get'),
    },
  };
}
