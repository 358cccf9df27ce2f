interface Slots {
  running: number;
  waiting: Array<() => void>;
}

/**
 * At most `permits` tasks run at once per key; the others wait in arrival order, each started
 * on a later turn of the event loop than the task it follows ended. A key's
 * entry lives only while it has tasks running or waiting, so idle keys cost no memory.
 */
export class KeyedSemaphore {
  private readonly slots = new Map<string, Slots>();

  constructor(readonly permits: number) {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`permits must be a whole number >= 1, got ${permits}`);
  }

  /** Runs `task` in its turn; it learns whether it had to wait for one (what it read before may be old). */
  async run<T>(key: string, task: (waited: boolean) => Promise<T>): Promise<T> {
    const waited = await this.acquire(key);
    try {
      return await task(waited);
    } finally {
      this.release(key);
    }
  }

  /** Tasks running plus waiting for a key (0 for an idle key). */
  load(key: string): number {
    const s = this.slots.get(key);
    return s ? s.running + s.waiting.length : 0;
  }

  /** Takes a permit: at once (false), or handed over by a task that ended (true). */
  private acquire(key: string): Promise<boolean> {
    let s = this.slots.get(key);
    if (!s) {
      s = { running: 0, waiting: [] };
      this.slots.set(key, s);
    }
    if (s.running < this.permits) {
      s.running++;
      return Promise.resolve(false);
    }
    const slots = s;
    // The releasing task hands its permit straight over: `running` stays as it is.
    return new Promise((resolve) => slots.waiting.push(() => resolve(true)));
  }

  private release(key: string): void {
    const s = this.slots.get(key)!;
    const next = s.waiting.shift();
    // Handed over on the next turn of the event loop, not in this microtask chain: the embedded
    // database runs statements on this thread, and a key's queue of calls passed on from promise
    // to promise would keep every other request's I/O waiting until the whole queue is done.
    if (next) return void setImmediate(next);
    s.running--;
    if (s.running === 0) this.slots.delete(key);
  }
}
