import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

// examples/otel-node as a user runs it (README): `npm start` with the two OTLP variables set.

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples/otel-node');
let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(async () => {
  await srv?.close();
});

describe('examples/otel-node', () => {
  it('reports its agent run to Pulse with npm start', async () => {
    const w = await srv.createWorkspace('otel-example');
    const { stdout } = await promisify(execFile)('npm', ['start', '--silent'], {
      cwd: exampleDir,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: `${srv.url}/api/v1/otlp`, OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${w.api_key}` },
    });
    expect(stdout).toContain('Sent one agent run');
    const rows = await srv.database.rows<{ agent_id: string; model: string; error_type: string | null; session_id: string }>(
      sql`select agent_id, model, error_type, session_id from traces where workspace_id = ${w.workspace_id}::uuid order by timestamp`,
    );
    expect(rows).toEqual([
      { agent_id: 'trip-planner', model: 'gpt-4o-mini', error_type: null, session_id: 'example-session-1' },
      { agent_id: 'trip-planner', model: 'gpt-4o', error_type: null, session_id: 'example-session-1' },
      { agent_id: 'trip-planner', model: 'gpt-4o', error_type: 'rate_limit', session_id: 'example-session-1' },
    ]);
  });
});
