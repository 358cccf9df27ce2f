import { randomFillSync } from 'node:crypto';

/** Random bytes are drawn in blocks: one system call per 512 ids instead of one per id. */
const POOL_IDS = 512;
const pool = new Uint8Array(16 * POOL_IDS);
let poolOffset = pool.length;

/** RFC 9562 UUIDv7: 48-bit Unix ms timestamp, then random bits. Time-ordered, so btree-friendly. */
export function uuidv7(ms: number = Date.now()): string {
  if (poolOffset >= pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const b = Buffer.from(pool.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  let t = ms;
  for (let i = 5; i >= 0; i--) {
    b[i] = t % 256;
    t = Math.floor(t / 256);
  }
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
