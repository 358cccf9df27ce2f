import { jsonDepthExceeds, MAX_METADATA_DEPTH } from '@pulse/shared';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './error-body.js';

/** A body may nest as deep as trace metadata inside its envelope, and a little more. */
const MAX_BODY_DEPTH = MAX_METADATA_DEPTH + 8;

/**
 * Refuses a parsed JSON body nested deeper than MAX_BODY_DEPTH (400). Whatever walks a body
 * recursively (JSON.stringify, the schemas) overflows the stack a few thousand levels down:
 * without this, `[[[[…]]]]` is a 500.
 */
export function rejectDeepJson(req: Request, res: Response, next: NextFunction) {
  if (req.body !== null && typeof req.body === 'object' && jsonDepthExceeds(req.body, MAX_BODY_DEPTH)) {
    sendError(res, 400, {
      code: 'BAD_REQUEST',
      message: `Request body is nested more than ${MAX_BODY_DEPTH} levels deep`,
      issues: [{ path: 'body', message: `must nest at most ${MAX_BODY_DEPTH} levels deep` }],
    });
    return;
  }
  next();
}
