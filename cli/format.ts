// Human output: aligned tables and short UTC times.

/** 2026-11-03T10:00:05.123Z → "2026-11-03 10:00:05Z"; null → "—". */
export function time(at: Date | string | null | undefined): string {
  if (!at) return '—';
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Seconds between two times, as "42s" / "3m12s"; "running" without an end. */
export function took(start: Date, end: Date | null): string {
  if (!end) return 'running';
  const s = Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Columns padded to their widest cell; `empty` when there are no rows. */
export function table(headers: string[], rows: Array<Array<string | number | null | undefined>>, empty: string): string {
  if (rows.length === 0) return empty;
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '—' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
