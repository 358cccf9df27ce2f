import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { scopeRefusal } from '../auth/scopes.js';
import { bearerToken } from '../auth/keys.js';
import { sendError } from '../http/error-body.js';
import { formatZodIssues } from '../http/errors.js';
import { ingestTraces } from '../ingest/ingest-traces.js';
import { cachedSettings } from '../safety/settings-store.js';
import type { AppServices } from '../trpc/context.js';
import { decodeProtobufRequest, encodeProtobufResponse, type PartialSuccess } from './otlp-protobuf.js';
import { readPlainExportRequest } from './otlp-protobuf-reader.js';
import { exportTraceRequestSchema } from './otlp-request.js';
import { BodyError, readBody } from './read-body.js';
import { spansToTraces } from './span-to-trace.js';
import { noteWorkspace } from '../http/request-log.js';

type Encoding = 'protobuf' | 'json';

/** OTLP/HTTP's two encodings; anything else is a 415 (docs/API_SPEC.md §7). */
function encodingOf(contentType: string | undefined): Encoding | undefined {
  const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

function decode(body: Buffer, encoding: Encoding): unknown {
  try {
    return encoding === 'protobuf' ? decodeProtobufRequest(body) : JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new BodyError(
      400,
      `Request body is not a valid ${encoding === 'protobuf' ? 'protobuf' : 'JSON'} ExportTraceServiceRequest: ${(err as Error).message}`,
    );
  }
}

/** An ExportTraceServiceResponse in the request's encoding; OTLP's own keys stay camelCase. */
function answer(res: Response, encoding: Encoding, partialSuccess: PartialSuccess | undefined): void {
  res.status(200);
  if (encoding === 'protobuf') {
    res.type('application/x-protobuf').send(encodeProtobufResponse(partialSuccess));
  } else {
    res.json(partialSuccess ? { partialSuccess } : {});
  }
}

/**
 * POST /api/v1/otlp/v1/traces and /v1/traces (docs/API_SPEC.md §7): OTLP/HTTP trace export,
 * protobuf or JSON, optionally gzip. Each LLM-call span becomes a trace and goes through the
 * same validation, pricing, de-duplication and storage as POST /traces; a rejected span is
 * reported in partialSuccess, a request that cannot be decoded stores nothing (4xx).
 */
export function otlpTracesHandler(services: AppServices): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const key = bearerToken(req.headers.authorization);
      const owner = key ? await services.keys.authenticate(key) : undefined;
      if (!owner) {
        req.resume();
        sendError(res, 401, {
          code: 'UNAUTHORIZED',
          message: key ? 'Unknown or revoked API key' : 'Missing API key: send Authorization: Bearer <key>',
        });
        return;
      }
      const claimed = req.headers['x-workspace-id'];
      noteWorkspace(res, owner.workspaceId);
      if (typeof claimed === 'string' && claimed.toLowerCase() !== owner.workspaceId) {
        req.resume();
        sendError(res, 403, {
          code: 'FORBIDDEN',
          message: 'The API key does not belong to the workspace in X-Workspace-ID',
        });
        return;
      }
      // OTLP is ingest (docs/API_SPEC.md §1): the same rule as the procedures' scope check.
      const refusal = scopeRefusal(owner.scopes, 'ingest');
      if (refusal) {
        req.resume();
        sendError(res, 403, { code: 'FORBIDDEN', message: refusal });
        return;
      }
      const encoding = encodingOf(req.headers['content-type']);
      if (!encoding) {
        req.resume();
        sendError(res, 415, {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message:
            'Content-Type must be application/x-protobuf or application/json (an OTLP ExportTraceServiceRequest)',
        });
        return;
      }
      const body = await readBody(req);
      // Protobuf is read straight into the checked shape when it is plain; anything else (JSON,
      // or a request the fast reader leaves to protobufjs) is decoded and checked by the schema.
      const plain = encoding === 'protobuf' ? readPlainExportRequest(body) : undefined;
      const parsed = plain ? { success: true as const, data: plain } : exportTraceRequestSchema.safeParse(decode(body, encoding));
      if (!parsed.success) {
        sendError(res, 400, {
          code: 'BAD_REQUEST',
          message: 'Request body is not a valid OTLP ExportTraceServiceRequest',
          issues: formatZodIssues(parsed.error),
        });
        return;
      }
      const calls = spansToTraces(parsed.data);
      if (calls.length === 0) {
        answer(res, encoding, undefined);
        return;
      }
      const settings = await cachedSettings(services, owner.workspaceId);
      const result = await ingestTraces(
        services.database,
        owner.workspaceId,
        calls.map((c) => c.trace),
        { redactPii: settings.redact_pii },
      );
      if (result.accepted > 0) await services.onWorkspaceWrite(owner.workspaceId);
      const partialSuccess = result.rejected.length
        ? {
            rejectedSpans: result.rejected.length,
            errorMessage: result.rejected
              .map((r) => `span ${calls[r.index]!.spanId}: ${r.errors.join('; ')}`)
              .join(' | '),
          }
        : undefined;
      answer(res, encoding, partialSuccess);
    } catch (err) {
      if (err instanceof BodyError) {
        sendError(res, err.status, {
          code:
            err.status === 413 ? 'PAYLOAD_TOO_LARGE' : err.status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST',
          message: err.message,
        });
        return;
      }
      next(err);
    }
  };
}
