/**
 * Timers that never keep a Node process alive (browsers and edge runtimes have no `unref`):
 * a program that ends with traces still queued exits, after `beforeExit` has flushed them.
 */
export function unrefTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout> {
  const timer = setTimeout(fn, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** A pause; `keepAlive` holds the process open for it (a shutdown that is still sending). */
export const sleep = (ms: number, keepAlive = false) =>
  new Promise<void>((resolve) => (keepAlive ? setTimeout(resolve, ms) : unrefTimeout(resolve, ms)));
