/** What openapi-client/calls.ts reports of each answer, and what it is pointed at. */
export interface RecordedAnswer {
  method: string;
  /** The document's path template, e.g. `/admin/workspaces/{workspace_id}/keys`. */
  path: string;
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  text: string;
}

export interface Target {
  baseUrl: string;
  adminToken: string;
  /** The query rate limit per key and minute the server runs with: the 429 case spends it. */
  queryLimit: number;
}
