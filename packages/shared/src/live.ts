/**
 * Open dashboards hear of new data at most once per this many ms (docs/API_SPEC.md §6): the
 * server coalesces a workspace's writes within it into one event per socket, and the dashboard
 * refetches at most this often. Every message costs the server a write to each open socket
 * (500 dashboards: 500 writes per event), so the events come no faster than a page refetches.
 */
export const LIVE_EVENT_GAP_MS = 1_000;
