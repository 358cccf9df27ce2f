/** A real Pulse (the api test harness: real app, real HTTP, a fresh database) and what it stored. */
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from '../../api/test/harness.js';

export type StoredTrace = {
  trace_id: string;
  agent_id: string;
  user_id: string | null;
  session_id: string | null;
  model: string;
  is_error: number;
  error_type: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  tags: string[];
  input: string | null;
  output: string | null;
  metadata: Record<string, unknown> | null;
};

export interface SdkTestPulse {
  server: TestServer;
  url: string;
  workspace(): Promise<{ workspaceId: string; apiKey: string }>;
  stored(workspaceId: string): Promise<StoredTrace[]>;
  close(): Promise<void>;
}

export async function startPulse(): Promise<SdkTestPulse> {
  const server = await startTestServer();
  return {
    server,
    url: server.url,
    async workspace() {
      const w = await server.createWorkspace(`sdk-${Math.random()}`);
      return { workspaceId: w.workspace_id, apiKey: w.api_key };
    },
    stored: (workspaceId) =>
      server.database.rows<StoredTrace>(
        sql`select trace_id, agent_id, user_id, session_id, model, is_error, error_type, latency_ms, ttft_ms, input_tokens,
                   output_tokens, cache_read_tokens, cache_write_tokens, tags, input, output, metadata
              from traces where workspace_id = ${workspaceId}::uuid order by trace_id`,
      ),
    close: () => server.close(),
  };
}
