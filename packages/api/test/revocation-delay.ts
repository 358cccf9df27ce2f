/**
 * Polls `status` until it answers `expected`, then gives the milliseconds from the start to the
 * sending of the last request that still got another answer (0 when the first one got it). A
 * change that takes effect "within a second" (docs/API_SPEC.md §1) means no request made a
 * second or more after it gets the old answer; one made before may, however long a loaded
 * machine then takes to answer it, so neither the answer's arrival nor the next request's
 * departure is the moment the change took effect.
 */
export async function msOfLastOldAnswer(status: () => Promise<number>, expected: number): Promise<number> {
  const started = Date.now();
  let lastOldAnswerSentAt = started;
  for (;;) {
    const sentAt = Date.now();
    const answer = await status();
    if (answer === expected) return lastOldAnswerSentAt - started;
    lastOldAnswerSentAt = sentAt;
    if (sentAt - started > 5000) throw new Error(`still ${answer} after 5 s, expected ${expected}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
