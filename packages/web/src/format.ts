import type { Granularity } from '@pulse/shared';

/** Units as a person reads them: $ with sensible precision, ms or s, thousands separators. */
const int = new Intl.NumberFormat('en-US');

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : int.format(n);
}

export function formatUsd(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  const abs = Math.abs(n);
  const digits = abs === 0 ? 2 : abs < 0.01 ? 6 : abs < 1 ? 4 : 2;
  return `${n < 0 ? '-' : ''}$${new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: digits }).format(abs)}`;
}

export function formatMs(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`;
}

export function formatPct(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `${n.toFixed(2)}%`;
}

/**
 * Below this share of the current figure, the previous period is too small a base for a
 * percentage ("↑ 1372400.0%" says nothing): the change reads "new".
 */
const MIN_BASE_SHARE = 0.05;

/** Change against the previous period, e.g. "↑ 12.5%", or "new"; null when there is nothing to compare. */
export function formatChange(current: number | null, previous: number | null): { text: string; up: boolean } | null {
  if (current === null || previous === null) return null;
  if (current > 0 && previous < current * MIN_BASE_SHARE) return { text: 'new', up: true };
  if (previous === 0) return null;
  const pct = ((current - previous) / previous) * 100;
  return { text: `${pct >= 0 ? '↑' : '↓'} ${Math.abs(pct).toFixed(1)}%`, up: pct >= 0 };
}

/** A bucket start (UTC on the wire) shown in the viewer's local time. */
export function formatBucket(iso: string, granularity: Granularity): string {
  const d = new Date(iso);
  if (granularity === 'day') return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
