/**
 * Failed logins per key (a name, a client address): `limit` failures within `windowMs` lock the key for
 * `windowMs`. The table holds at most `capacity` keys, so trying endless names cannot grow it: when full,
 * stale entries go first, then the oldest.
 */
export class FailureTable {
  private readonly entries = new Map<string, { count: number; since: number; lockedUntil: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly capacity: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The instant the key's lock ends, or undefined when it is not locked. */
  lockedUntil(key: string, now: number): number | undefined {
    const e = this.entries.get(key);
    return e && e.lockedUntil > now ? e.lockedUntil : undefined;
  }

  fail(key: string, now: number): void {
    let e = this.entries.get(key);
    if (!e || this.stale(e, now)) {
      this.entries.delete(key);
      this.makeRoom(now);
      e = { count: 0, since: now, lockedUntil: 0 };
      this.entries.set(key, e);
    }
    e.count += 1;
    if (e.count >= this.limit) e.lockedUntil = now + this.windowMs;
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  private stale(e: { since: number; lockedUntil: number }, now: number): boolean {
    return e.lockedUntil <= now && e.since + this.windowMs <= now;
  }

  private makeRoom(now: number): void {
    if (this.entries.size < this.capacity) return;
    for (const [key, e] of this.entries) if (this.stale(e, now)) this.entries.delete(key);
    // Map order is insertion order: the first key is the oldest.
    while (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
