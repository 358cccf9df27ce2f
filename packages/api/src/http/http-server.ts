import { createServer, type RequestListener, type Server } from 'node:http';

/** Request headers larger than this (all of them together) are answered 431 by node itself. */
const MAX_HEADER_BYTES = 16 * 1024;

/** The HTTP server around the app, with an explicit header size limit. */
export function createHttpServer(app: RequestListener): Server {
  return createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
}
