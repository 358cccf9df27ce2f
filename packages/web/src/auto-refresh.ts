import { LIVE_EVENT_GAP_MS } from '@pulse/shared';
import { notifyManager, type QueryCache, type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { createContext, useCallback, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { useTRPC } from './trpc.js';

export const REFRESH_MS = 30_000;

/**
 * Every dashboard query's `refetchInterval`: REFRESH_MS, or false while the user has paused
 * auto-refresh. TanStack Query also holds the refetches while the tab is hidden
 * (`refetchIntervalInBackground` stays false).
 */
export const RefetchIntervalContext = createContext<number | false>(REFRESH_MS);

export function useRefetchInterval(): number | false {
  return useContext(RefetchIntervalContext);
}

/** When the newest data on screen arrived (0 before any has), kept current as queries settle. */
export function useLastUpdatedAt(): number {
  const cache = useQueryClient().getQueryCache();
  // The cache tells of a query added while a page renders (its useQuery builds it) at once;
  // batchCalls defers the news, as useIsFetching does, so the header does not update during
  // another component's render.
  const subscribe = useCallback((onChange: () => void) => cache.subscribe(notifyManager.batchCalls(onChange)), [cache]);
  return useSyncExternalStore(subscribe, () => newestDataUpdatedAt(cache));
}

function newestDataUpdatedAt(cache: QueryCache): number {
  return cache.getAll().reduce((newest, query) => Math.max(newest, query.state.dataUpdatedAt), 0);
}

/** The current time, re-read every `everyMs`, for labels such as "updated 12 s ago". */
export function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * Refetches every query on request, at most once per LIVE_EVENT_GAP_MS (later requests join
 * the next one); and once each time the subscription starts again (`started`), for the writes
 * made while the socket was away, which nobody told of.
 */
function throttledRefetch(queryClient: QueryClient) {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let startedBefore = false;
  const request = () => {
    if (timer) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        last = Date.now();
        void queryClient.invalidateQueries();
      },
      Math.max(0, last + LIVE_EVENT_GAP_MS - Date.now()),
    );
  };
  return {
    request,
    started() {
      if (startedBefore) request();
      startedBefore = true;
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * Live updates: while `enabled`, a WebSocket subscription tells of each new call in the
 * workspace and the page's queries are refetched at once (at most once a second). Returns
 * whether the socket is live; while it is not (connecting, refused by a proxy, the server
 * restarting), the caller keeps polling every REFRESH_MS instead.
 */
export function useLiveUpdates(enabled: boolean): boolean {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [refetch] = useState(() => throttledRefetch(queryClient));
  useEffect(() => refetch.cancel, [refetch]);
  const subscription = useSubscription(
    trpc.live.changes.subscriptionOptions(undefined, { enabled, onStarted: refetch.started, onData: refetch.request }),
  );
  return enabled && subscription.status === 'pending';
}
