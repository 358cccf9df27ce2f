/**
 * First in, first out, at most `capacity` items: a push beyond it drops the oldest (a burst
 * while Pulse is unreachable costs the oldest traces, never the caller's memory). O(1) push and
 * take: items are read from a moving head, and the array is compacted now and then.
 */
export class BoundedQueue<T> {
  private items: T[] = [];
  private head = 0;
  dropped = 0;

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.length > this.capacity) {
      this.head++;
      this.dropped++;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) this.compact();
  }

  /** The oldest item, left in place. */
  peek(): T | undefined {
    return this.length > 0 ? this.items[this.head] : undefined;
  }

  /** The oldest item, removed. */
  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head++];
    if (this.head === this.items.length) this.clear();
    return item;
  }

  private compact(): void {
    this.items = this.items.slice(this.head);
    this.head = 0;
  }

  private clear(): void {
    this.items = [];
    this.head = 0;
  }
}
