import { useCallback, useEffect, useState } from 'react';

/** Page, range and filters live in the URL, so a link reproduces the view. */
export type Page = 'usage' | 'cost' | 'performance';
export type RangeChoice = '1h' | '24h' | '7d' | '30d' | 'custom';

export interface ViewState {
  page: Page;
  range: RangeChoice;
  from?: string;
  to?: string;
  agent?: string;
  model?: string;
}

const PAGES: Page[] = ['usage', 'cost', 'performance'];
const RANGES: RangeChoice[] = ['1h', '24h', '7d', '30d', 'custom'];

export function parseViewState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const page = PAGES.includes(q.get('page') as Page) ? (q.get('page') as Page) : 'usage';
  let range = RANGES.includes(q.get('range') as RangeChoice) ? (q.get('range') as RangeChoice) : '24h';
  const from = q.get('from') ?? undefined;
  const to = q.get('to') ?? undefined;
  if (range === 'custom' && !(from && to)) range = '24h';
  return { page, range, from: range === 'custom' ? from : undefined, to: range === 'custom' ? to : undefined, agent: q.get('agent') ?? undefined, model: q.get('model') ?? undefined };
}

export function serializeViewState(s: ViewState): string {
  const q = new URLSearchParams();
  q.set('page', s.page);
  q.set('range', s.range);
  if (s.range === 'custom' && s.from && s.to) {
    q.set('from', s.from);
    q.set('to', s.to);
  }
  if (s.agent) q.set('agent', s.agent);
  if (s.model) q.set('model', s.model);
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
  };
}
