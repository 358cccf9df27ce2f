import type { Credentials } from './credentials.js';
import { saveBlob } from './csv-download.js';

/**
 * Downloads GET /api/v1/traces/export for the view's filters (docs/API_SPEC.md §8). A fetch
 * rather than a link: the key travels in a header, never in a URL.
 */
export async function downloadTraceExport(credentials: Credentials, input: Record<string, string | number | undefined>, format: 'csv' | 'jsonl'): Promise<void> {
  const query = new URLSearchParams({ format });
  for (const [name, value] of Object.entries(input)) if (value !== undefined) query.set(name, String(value));
  const res = await fetch(`/api/v1/traces/export?${query}`, {
    headers: { authorization: `Bearer ${credentials.apiKey}`, 'x-workspace-id': credentials.workspaceId },
  });
  if (!res.ok) throw new Error(`Export failed: ${res.status} ${await res.text()}`);
  saveBlob(await res.blob(), `traces.${format}`);
}
