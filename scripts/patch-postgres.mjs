/**
 * postinstall: fixes a defect of postgres-js 3.4.9 (porsager/postgres issues #1154, #1208,
 * unfixed upstream) that turns a dropped database connection into a dead server:
 *
 * Small writes are flushed from a setImmediate. When the connection closes first, the
 * immediate runs with `socket === null` and throws an uncaught TypeError that ends the
 * process; and because teardown cancels the immediate without forgetting it, the pooled
 * connection never flushes again (every later query on it waits for the connect timeout).
 *
 * The fix settles the pending queries with CONNECTION_CLOSED instead of throwing, and
 * forgets the timer and the buffered bytes on teardown. Idempotent; a newer postgres-js
 * without the defect's code is left alone (with a note).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MARK = '/* pulse: null-socket guard */';
const edits = [
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    if (!socket) { ${MARK}\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  // terminate() and closed(): forget the cancelled flush and its bytes.
  ['    clearImmediate(nextWriteTimer)\n', '    clearImmediate(nextWriteTimer), nextWriteTimer = chunk = null\n'],
];

for (const dir of ['src', 'cjs/src', 'cf/src']) {
  const file = path.join(root, 'node_modules/postgres', dir, 'connection.js');
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8');
  if (text.includes(MARK)) continue;
  if (!text.includes(edits[0][0])) {
    process.stderr.write(`patch-postgres: ${file} has changed upstream; check whether the null-socket defect is fixed\n`);
    continue;
  }
  let patched = text;
  for (const [from, to] of edits) patched = patched.split(from).join(to);
  writeFileSync(file, patched);
}
