import type { Range } from '@pulse/shared';
import { useCallback, useEffect, useState } from 'react';

/** Page, range and filters live in the URL, so a link reproduces the view. */
const PAGES = ['usage', 'cost', 'performance', 'traces', 'sessions', 'quality', 'safety', 'impact', 'prices', 'settings'] as const;
export type Page = (typeof PAGES)[number];

/**
 * The range picker's label of every range the API takes. Typed by the shared range enum, so a
 * range added or removed there fails to compile here; a map rather than an import of the
 * enum's options, which would put zod into the first load of the dashboard.
 */
export const RANGE_LABELS: Record<Range, string> = { '1h': '1h', '24h': '24h', '7d': '7d', '30d': '30d', custom: 'Custom' };

interface ViewState {
  page: Page;
  range: Range;
  from?: string;
  to?: string;
  agent?: string;
  model?: string;
  /** The trace list's own filters (docs/API_SPEC.md §8), each a query parameter of the URL. */
  tag?: string;
  user?: string;
  session?: string;
  status?: 'success' | 'error';
  errorType?: string;
  /** The score name the quality page charts. */
  score?: string;
}

/** The URL parameter of each optional text filter. */
const FILTER_PARAMS = { agent: 'agent', model: 'model', tag: 'tag', user: 'user', session: 'session', errorType: 'error_type', score: 'score' } as const;

const isRange = (value: string | null): value is Range => value !== null && Object.hasOwn(RANGE_LABELS, value);

function parseViewState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const page = PAGES.find((p) => p === q.get('page')) ?? 'usage';
  const asked = q.get('range');
  let range: Range = isRange(asked) ? asked : '24h';
  const from = q.get('from') ?? undefined;
  const to = q.get('to') ?? undefined;
  if (range === 'custom' && !(from && to)) range = '24h';
  const filters = Object.fromEntries(Object.entries(FILTER_PARAMS).map(([key, param]) => [key, q.get(param) ?? undefined]));
  const status = q.get('status');
  return {
    page,
    range,
    from: range === 'custom' ? from : undefined,
    to: range === 'custom' ? to : undefined,
    ...filters,
    status: status === 'success' || status === 'error' ? status : undefined,
  };
}

function serializeViewState(s: ViewState): string {
  const q = new URLSearchParams();
  q.set('page', s.page);
  q.set('range', s.range);
  if (s.range === 'custom' && s.from && s.to) {
    q.set('from', s.from);
    q.set('to', s.to);
  }
  for (const [key, param] of Object.entries(FILTER_PARAMS)) {
    const value = s[key as keyof typeof FILTER_PARAMS];
    if (value) q.set(param, value);
  }
  if (s.status) q.set('status', s.status);
  return `?${q.toString()}`;
}

export function useViewState(): [ViewState, (patch: Partial<ViewState>) => void] {
  const [state, setState] = useState(() => parseViewState(window.location.search));
  useEffect(() => {
    const onPop = () => setState(parseViewState(window.location.search));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const update = useCallback((patch: Partial<ViewState>) => {
    setState((prev) => {
      const next = { ...prev, ...patch };
      window.history.pushState(null, '', serializeViewState(next) + window.location.hash);
      return next;
    });
  }, []);
  return [state, update];
}

/** The analytics input of a view: the same parameters as the REST query string. */
export function queryInput(s: ViewState) {
  return {
    range: s.range,
    ...(s.range === 'custom' ? { from: s.from, to: s.to } : {}),
    ...(s.agent ? { agent_id: s.agent } : {}),
    ...(s.model ? { model: s.model } : {}),
    ...(s.tag ? { tag: s.tag } : {}),
  };
}

/** The trace list's input of a view: the window and filters plus its own (docs/API_SPEC.md §8). */
export function traceFilterInput(s: ViewState) {
  return {
    ...queryInput(s),
    ...(s.user ? { user_id: s.user } : {}),
    ...(s.session ? { session_id: s.session } : {}),
    ...(s.status ? { status: s.status } : {}),
    ...(s.errorType ? { error_type: s.errorType } : {}),
  };
}

export type ViewPatch = Partial<ViewState>;
