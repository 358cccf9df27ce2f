import { defineConfig } from 'vitest/config';

// One project per package; `npm test` runs them all. With DATABASE_URL / REDIS_URL set,
// the database and cache suites run against real PostgreSQL and Redis instead of PGlite.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', root: 'packages/shared', environment: 'node' } },
      // The generator's tests make up to 220 000 traces: slow on a loaded 2-core machine.
      { test: { name: 'demo', root: 'packages/demo', environment: 'node', testTimeout: 60_000 } },
      { test: { name: 'db', root: 'packages/db', environment: 'node', testTimeout: 60_000, hookTimeout: 60_000 } },
      { test: { name: 'api', root: 'packages/api', environment: 'node', testTimeout: 60_000, hookTimeout: 120_000 } },
      // The SDKs (TypeScript and Python) against a real Pulse and local provider servers.
      { test: { name: 'sdk', root: 'packages/sdk', environment: 'node', testTimeout: 60_000, hookTimeout: 120_000 } },
      // The dashboard's components against msw answers of the same tRPC procedures.
      { test: { name: 'web', root: 'packages/web', include: ['test/**/*.test.tsx'], environment: 'jsdom', setupFiles: ['test/setup.ts'], testTimeout: 20_000 } },
      // The dashboard end to end: the real server and a real Chromium (skipped without one).
      { test: { name: 'e2e', root: 'packages/web', include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 90_000, hookTimeout: 180_000 } },
    ],
  },
});
