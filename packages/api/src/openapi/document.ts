import { errorBodySchema, traceInputSchema, WORKSPACE_HEADER, workspaceIdSchema } from '@pulse/shared';
import { generateOpenApiDocument, type OpenAPIObject, type OpenApiMeta } from 'trpc-to-openapi';
import { appRouter } from '../routers/app-router.js';
import type { PulseMeta } from '../trpc/meta.js';
import { ERROR_RESPONSES, errorAnswers, RETRY_AFTER_HEADER } from './answers.js';
import { OPERATION_EXAMPLES, PARAMETER_EXAMPLES } from './examples.js';
import { EXPORT_DOC_PATH, exportOperation } from './export-operation.js';

// The generated document is walked as plain JSON: its typed form (openapi3-ts) unions every
// object with a reference object, which this code never meets at the places it edits.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const workspaceHeader = (required: boolean, description: string) => ({
  name: WORKSPACE_HEADER,
  in: 'header',
  required,
  description,
  schema: { $ref: '#/components/schemas/WorkspaceId' },
  example: PARAMETER_EXAMPLES.workspace_id,
});

/**
 * The OpenAPI 3.1 document of every /api/v1 operation (docs/API_SPEC.md §5). trpc-to-openapi
 * turns each procedure's zod input and output into parameters, body and a 200 answer; this
 * completes what it cannot know: the X-Workspace-ID header, the real success status (201,
 * 204, 207), every error answer with the shared error body, the trace schema of the ingest
 * batch (validated item by item, so its zod envelope takes any items) and the examples.
 */
export function buildOpenApiDocument(): OpenAPIObject {
  const doc = generateOpenApiDocument(appRouter, {
    title: 'Pulse API',
    description:
      'Usage, cost and performance analytics for AI agents. Every request carries `Authorization: Bearer <key>` ' +
      `(the admin API: \`Bearer <ADMIN_TOKEN>\`); analytics and budget requests also \`${WORKSPACE_HEADER}\`. See docs/API_SPEC.md.`,
    version: '1.0.0',
    baseUrl: '/api/v1',
    securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API key (`pk_…`), or the admin token for the admin API' } },
    defs: {
      ErrorBody: errorBodySchema,
      Trace: traceInputSchema.meta({ unusedIO: 'input' }),
      WorkspaceId: workspaceIdSchema,
    },
  }) as Json;

  // Its generic error schemas (issues without `path`) give way to the shared ErrorBody.
  for (const name of Object.keys(doc.components.schemas)) if (name.startsWith('error.')) delete doc.components.schemas[name];
  doc.components.responses = ERROR_RESPONSES;
  doc.components.headers = { RetryAfter: RETRY_AFTER_HEADER };
  doc.components.parameters = {
    WorkspaceId: workspaceHeader(true, 'The workspace the request reads or sets; the API key must belong to it'),
    WorkspaceIdOptional: workspaceHeader(false, 'Optional: writes go to the key\'s workspace, and a different workspace here is a 403'),
  };

  for (const [name, procedure] of Object.entries(appRouter._def.procedures)) {
    const meta = (procedure as unknown as { _def: { meta?: OpenApiMeta<PulseMeta> } })._def.meta;
    if (!meta?.openapi || meta.openapi.enabled === false) continue;
    const method = meta.openapi.method.toLowerCase();
    const operation: Json = doc.paths[meta.openapi.path][method];
    completeOperation(operation, meta, method, name);
  }
  // The plain (non-procedure) routes, documented by hand with the same parameters and answers.
  doc.paths[EXPORT_DOC_PATH] = { get: exportOperation(doc.paths['/traces'].get) };
  return doc as OpenAPIObject;
}

function completeOperation(operation: Json, meta: OpenApiMeta<PulseMeta>, method: string, procedureName: string): void {
  const example = OPERATION_EXAMPLES[operation.operationId];
  if (!example) throw new Error(`${procedureName}: no example in openapi/examples.ts`);
  if (!meta.auth) throw new Error(`${procedureName}: built without keyProcedure, workspaceProcedure or adminProcedure`);

  const parameters: Json[] = operation.parameters ?? [];
  for (const parameter of parameters) {
    const value = PARAMETER_EXAMPLES[parameter.name];
    if (value !== undefined) parameter.example = value;
  }
  // The key scope it needs (docs/API_SPEC.md §1): a key without it is a 403 naming it.
  if (meta.scope) operation.description = [operation.description, `Needs an API key with the \`${meta.scope}\` scope.`].filter(Boolean).join(' ');
  if (meta.auth === 'workspace') parameters.push({ $ref: '#/components/parameters/WorkspaceId' });
  if (meta.auth === 'key') parameters.push({ $ref: '#/components/parameters/WorkspaceIdOptional' });
  operation.parameters = parameters;

  const body = operation.requestBody?.content?.['application/json'];
  if (body) {
    if (example.request === undefined) throw new Error(`${procedureName}: no request example`);
    body.example = example.request;
    // A body whose every field is optional may be left out (acceptBodylessRequests takes it so).
    if (!body.schema.required?.length) operation.requestBody.required = false;
    const traces = body.schema.properties?.traces;
    if (traces?.type === 'array') traces.items = { $ref: '#/components/schemas/Trace' };
  }

  const schema = operation.responses['200'].content['application/json'].schema;
  const success = meta.answers?.success ?? 200;
  const answered = (description: string, value: unknown) => ({ description, content: { 'application/json': { schema, example: value } } });
  operation.responses = {
    [success]: success === 204 ? { description: 'Done; no body' } : answered(meta.openapi!.successDescription ?? 'Success', example.response),
    ...(meta.answers?.partial ? { 207: answered('Some items were rejected (listed with their errors); the others are stored', example.partial) } : {}),
    ...errorAnswers(meta, method),
  };
}
