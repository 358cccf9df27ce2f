/** Progress lines on stdout: a long run (10 M traces takes a while) says what it is doing. */
const started = Date.now();

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function elapsed(): string {
  const s = Math.round((Date.now() - started) / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function log(phase: string, message: string): void {
  process.stdout.write(`[bench +${elapsed()}] ${phase}: ${message}\n`);
}

/** Calls `report` every `ms` until the returned stop function is called. */
export function every(ms: number, report: () => void): () => void {
  const timer = setInterval(report, ms);
  timer.unref();
  return () => clearInterval(timer);
}
