import type { Range } from '@pulse/shared';
import { useCallback, useEffect, useState } from 'react';

/** Page, range and filters live in the URL, so a link reproduces the view. */
const PAGES = ['usage', 'cost', 'performance', 'quality', 'safety', 'prices', 'settings'] as const;
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
  tag?: string;
  /** The score name the quality page charts. */
  score?: string;
}

const isRange = (value: string | null): value is Range => value !== null && Object.hasOwn(RANGE_LABELS, value);

function parseViewState(search: string): ViewState {
  const q = new URLSearchParams(search);
  const page = PAGES.find((p) => p === q.get('page')) ?? 'usage';
  const asked = q.get('range');
  let range: Range = isRange(asked) ? asked : '24h';
  const from = q.get('from') ?? undefined;
  const to = q.get('to') ?? undefined;
  if (range === 'custom' && !(from && to)) range = '24h';
  return { page, range, from: range === 'custom' ? from : undefined, to: range === 'custom' ? to : undefined, agent: q.get('agent') ?? undefined, model: q.get('model') ?? undefined, tag: q.get('tag') ?? undefined, score: q.get('score') ?? undefined };
}

function serializeViewState(s: ViewState): string {
  const q = new URLSearchParams();
  q.set('page', s.page);
  q.set('range', s.range);
  if (s.range === 'custom' && s.from && s.to) {
    q.set('from', s.from);
    q.set('to', s.to);
  }
  if (s.agent) q.set('agent', s.agent);
  if (s.model) q.set('model', s.model);
  if (s.tag) q.set('tag', s.tag);
  if (s.score) q.set('score', s.score);
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
