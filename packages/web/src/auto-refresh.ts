import { type QueryCache, useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useState, useSyncExternalStore } from 'react';

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
  const subscribe = useCallback((onChange: () => void) => cache.subscribe(onChange), [cache]);
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
