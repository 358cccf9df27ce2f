/**
 * Polls `status` until it answers `expected`: the milliseconds from the start to when the first
 * such request was sent. A change that takes effect "within a second" (docs/API_SPEC.md §1) means
 * a request made a second later is refused, however long a loaded machine then takes to answer.
 */
export async function msUntil(status: () => Promise<number>, expected: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const sentAt = Date.now();
    const answer = await status();
    if (answer === expected) return sentAt - started;
    if (sentAt - started > 5000) throw new Error(`still ${answer} after 5 s, expected ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
