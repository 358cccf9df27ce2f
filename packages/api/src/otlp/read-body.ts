import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { INGEST_LIMITS } from '@pulse/shared';

/** Why a body could not be read: the HTTP status and the message of the error body. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const LIMIT = INGEST_LIMITS.maxBodyBytes;
const tooLarge = (what: string) => new BodyError(413, `Request body is larger than ${LIMIT} bytes (5 MiB) ${what}`);

/**
 * Collects a stream up to `LIMIT` bytes; past it, stops listening, lets `abandon` dispose of the
 * stream and rejects with `tooLargeError`, never holding more than the limit.
 */
function collect(stream: Readable, tooLargeError: BodyError, abandon: () => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= LIMIT) {
        chunks.push(chunk);
        return;
      }
      stream.removeListener('data', onData);
      abandon();
      reject(tooLargeError);
    };
    stream.on('data', onData);
    stream.once('end', () => resolve(Buffer.concat(chunks, size)));
    stream.once('error', (err) =>
      reject(err instanceof BodyError ? err : new BodyError(400, `Request body could not be read: ${err.message}`)),
    );
  });
}

/**
 * The request body, at most 5 MiB on the wire and, when gzip-encoded, 5 MiB decompressed
 * (docs/API_SPEC.md §7). Decompression is streamed and stopped at the limit, so a gzip bomb
 * costs at most 5 MiB of memory. The rest of a refused upload is drained, not read into memory,
 * so the client gets its answer on an intact connection.
 */
export async function readBody(
  req: Readable & { headers: Record<string, string | string[] | undefined> },
): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > LIMIT) {
    req.resume();
    throw tooLarge('on the wire');
  }
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity') {
    return collect(req, tooLarge('on the wire'), () => req.resume());
  }
  if (encoding !== 'gzip') {
    req.resume();
    throw new BodyError(415, `Unsupported Content-Encoding "${encoding}": send gzip or none`);
  }
  const gunzip = createGunzip();
  let wireBytes = 0;
  let wireTooLarge = false;
  req.on('data', (chunk: Buffer) => {
    wireBytes += chunk.length;
    if (wireBytes > LIMIT && !wireTooLarge) {
      wireTooLarge = true;
      gunzip.destroy(tooLarge('on the wire'));
    }
  });
  req.pipe(gunzip);
  try {
    return await collect(gunzip, tooLarge('decompressed'), () => gunzip.destroy());
  } catch (err) {
    req.unpipe(gunzip);
    req.resume();
    if (err instanceof BodyError) throw err;
    throw new BodyError(400, `Request body is not valid gzip: ${(err as Error).message}`);
  }
}
