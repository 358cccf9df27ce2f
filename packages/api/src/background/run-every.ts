/** A background loop that can be stopped; stopping waits for the pass in progress. */
export interface BackgroundLoop {
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs`, never two at once: a tick that finds the previous pass still
 * running is skipped rather than queued, so a slow pass (a large fold, a slow judge) cannot pile
 * up work behind it. A failing pass goes to `onError` and the next tick tries again. The timer
 * does not keep the process alive; `stop()` clears it, runs `onStop` (to abort a long pass) and
 * waits for the pass in progress.
 */
export function runEvery(
  intervalMs: number,
  pass: () => Promise<unknown>,
  onError: (err: unknown) => void,
  onStop?: () => void,
): BackgroundLoop {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= pass()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      onStop?.();
      await running;
    },
  };
}
