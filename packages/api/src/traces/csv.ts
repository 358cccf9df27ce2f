import { TRACE_COLUMNS, type TraceItem } from '@pulse/shared';

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A value as text: empty for null, lists joined by `|` (docs/API_SPEC.md §8). */
function text(value: TraceItem[keyof TraceItem]): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join('|');
  return String(value);
}

/** The header record: the list item's fields, in order. */
export const CSV_HEADER = `${TRACE_COLUMNS.join(',')}\r\n`;

/** One record, CRLF-terminated as RFC 4180 has it. */
export function csvRecord(item: TraceItem): string {
  return `${TRACE_COLUMNS.map((column) => field(text(item[column]))).join(',')}\r\n`;
}
