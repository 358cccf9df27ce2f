import { createServer, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from '@pulse/shared';
import { errorBody } from './error-body.js';

/** Request headers larger than this (all of them together) are answered 431. */
const MAX_HEADER_BYTES = 16 * 1024;

/** What node would answer to a request it cannot parse, as [status, reason, body]. */
function parseFailure(code: string | undefined): [number, string, ErrorBody] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, 'Request Header Fields Too Large', { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE', message: `Request headers are larger than ${MAX_HEADER_BYTES} bytes (16 KiB)` }];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return [413, 'Payload Too Large', { code: 'PAYLOAD_TOO_LARGE', message: 'Chunk extensions are too large' }];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, 'Request Timeout', { code: 'REQUEST_TIMEOUT', message: 'The request was not received in time' }];
    default:
      return [400, 'Bad Request', { code: 'BAD_REQUEST', message: 'Malformed HTTP request' }];
  }
}

/**
 * Node answers requests it cannot parse (431 for oversized headers above all) with an empty
 * body; this answers them as node would, but with the error body every other answer has
 * (docs/API_SPEC.md §1).
 */
function answerParseFailure(err: NodeJS.ErrnoException, socket: Duplex): void {
  // Nothing to answer on a reset socket (node's documented pattern for this event).
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, body] = parseFailure(err.code);
  const json = JSON.stringify(errorBody(body));
  // end(), not write() and destroy(): the client may still be sending, and reads the answer first.
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
}

/**
 * How long an idle keep-alive connection stays open: longer than clients and proxies keep theirs
 * (undici 4 s, load balancers 60 s), so the server never closes a connection a client is just
 * reusing (node's 5 s default raced undici's 4 s on a loaded machine: a request reset, ECONNRESET).
 */
const KEEP_ALIVE_MS = 65_000;

/** The HTTP server around the app, with an explicit header size limit and keep-alive time. */
export function createHttpServer(app: RequestListener): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app).on('clientError', answerParseFailure);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Above the keep-alive time, so a reused connection's next request is never cut off by it.
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return server;
}
