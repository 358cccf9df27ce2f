// `npm test`: the whole suite. PGlite and the in-process cache by default; with DATABASE_URL
// and REDIS_URL set, the same database and cache suites run against PostgreSQL and Redis.
import { spawnSync } from 'node:child_process';

const target = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded)';
const cache = process.env.REDIS_URL ? 'Redis' : 'in-process cache';
console.log(`Running the suite on ${target} with the ${cache}`);

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('node', ['scripts/build-if-needed.mjs']);
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
