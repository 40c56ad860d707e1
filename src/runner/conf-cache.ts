/**
 * Conf tokens. APISIX prepares a route's conf once and then presents the token on every call, for up
 * to ~1.9 x APISIX_CONF_EXPIRE_TIME (its two cache levels stack). So an entry lives at least
 * 2 x expire (plus a margin) and every use pushes its expiry out again; the cache is a bounded LRU,
 * because eviction only costs APISIX one CONF_TOKEN_NOT_FOUND retry. Tokens start at 1 (0 is the
 * FlatBuffers default and is left out of buffers); the same key with the same conf gets the same token.
 */

export interface ConfCacheOptions {
  /** APISIX_CONF_EXPIRE_TIME in seconds. */
  readonly confExpireSeconds: number;
  readonly maxEntries?: number;
  /** Monotonic-ish milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export const DEFAULT_CONF_CACHE_ENTRIES = 10_000;
/** TTL = expire x this factor: 2 x expire as the fact sheet asks, plus a 10 % margin. */
export const CONF_TTL_FACTOR = 2.2;

interface Slot<T> {
  readonly key: string;
  readonly fingerprint: string;
  readonly value: T;
  expiresAt: number;
}

export class ConfCache<T> {
  private readonly byToken = new Map<number, Slot<T>>();
  private readonly byKey = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private nextToken = 1;

  constructor(opts: ConfCacheOptions) {
    if (!(opts.confExpireSeconds > 0)) throw new Error('confExpireSeconds must be positive');
    this.ttlMs = Math.ceil((opts.confExpireSeconds * 1000 * Math.round(CONF_TTL_FACTOR * 10)) / 10);
    this.maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_CONF_CACHE_ENTRIES);
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.byToken.size;
  }

  get ttlSeconds(): number {
    return this.ttlMs / 1000;
  }

  /**
   * Stores a prepared conf and returns its token. `key` is APISIX's idempotent key ('' = none, always a
   * new token); `fingerprint` identifies the conf content, so a reused key with other content gets a
   * new token instead of silently serving the old conf.
   */
  put(key: string, fingerprint: string, value: T): number {
    const now = this.now();
    if (key !== '') {
      const token = this.byKey.get(key);
      const slot = token === undefined ? undefined : this.byToken.get(token);
      if (token !== undefined && slot && slot.fingerprint === fingerprint && slot.expiresAt > now) {
        this.touch(token, slot, now);
        return token;
      }
    }
    const token = this.allocate();
    this.byToken.set(token, { key, fingerprint, value, expiresAt: now + this.ttlMs });
    if (key !== '') this.byKey.set(key, token);
    this.evict(now);
    return token;
  }

  /** The conf for a token, refreshing its TTL and LRU position; undefined if unknown or expired. */
  get(token: number): T | undefined {
    const slot = this.byToken.get(token);
    if (!slot) return undefined;
    const now = this.now();
    if (slot.expiresAt <= now) {
      this.remove(token, slot);
      return undefined;
    }
    this.touch(token, slot, now);
    return slot.value;
  }

  private touch(token: number, slot: Slot<T>, now: number): void {
    slot.expiresAt = now + this.ttlMs;
    // Map iteration order is insertion order: re-inserting makes this the most recently used.
    this.byToken.delete(token);
    this.byToken.set(token, slot);
  }

  private remove(token: number, slot: Slot<T>): void {
    this.byToken.delete(token);
    if (slot.key !== '' && this.byKey.get(slot.key) === token) this.byKey.delete(slot.key);
  }

  /** Drops expired entries from the LRU end, then the least recently used beyond the bound. */
  private evict(now: number): void {
    for (const [token, slot] of this.byToken) {
      if (this.byToken.size <= this.maxEntries && slot.expiresAt > now) break;
      this.remove(token, slot);
    }
  }

  /** uint32 tokens, never 0, skipping any still in use after a wrap-around. */
  private allocate(): number {
    for (;;) {
      const token = this.nextToken;
      this.nextToken = token >= 0xffff_ffff ? 1 : token + 1;
      if (!this.byToken.has(token)) return token;
    }
  }
}
