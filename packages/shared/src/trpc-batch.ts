/**
 * At most this many procedure calls in one `/trpc` request (docs/API_SPEC.md §5): the server
 * refuses a bigger batch with 400, and the dashboard's client never sends one.
 */
export const MAX_TRPC_BATCH_CALLS = 50;
