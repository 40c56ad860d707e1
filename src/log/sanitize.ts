/**
 * Removes secrets from anything about to be logged. pino's redact paths cannot reach list entries such
 * as APISIX header lists (`[["authorization", "Bearer ..."], ...]`) or `{name, value}` entries, nor
 * secrets inside message strings, so every log argument goes through this first. It never mutates its
 * input: containers are copied on the way.
 */

export const REDACTED = '[REDACTED]';

/** Header names whose values are credentials, wherever they appear. */
export const SECRET_HEADER_NAMES: readonly string[] = ['authorization', 'proxy-authorization', 'x-api-key', 'api-key'];

/** Secret values shorter than this are not searched for inside strings (too many false hits). */
const MIN_SECRET_LENGTH = 6;
const MAX_DEPTH = 10;

export interface SanitizeOptions {
  /** Lower-case key/header names whose values are replaced (defaults to SECRET_HEADER_NAMES). */
  readonly secretNames?: readonly string[];
  /** Literal secret values (configured API keys) replaced wherever they occur inside strings. */
  readonly secretValues?: readonly string[];
}

export class Sanitizer {
  private readonly names: Set<string>;
  private readonly values: string[];

  constructor(opts: SanitizeOptions = {}) {
    this.names = new Set((opts.secretNames ?? SECRET_HEADER_NAMES).map((n) => n.toLowerCase()));
    // Longest first, so a key that contains another key is replaced whole.
    this.values = [...new Set(opts.secretValues ?? [])].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  isSecretName(name: string): boolean {
    return this.names.has(name.toLowerCase());
  }

  string(s: string): string {
    let out = s;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return out;
  }

  value(v: unknown): unknown {
    return this.walk(v, 0, new WeakSet());
  }

  private walk(v: unknown, depth: number, seen: WeakSet<object>): unknown {
    if (typeof v === 'string') return this.string(v);
    if (v === null || typeof v !== 'object') return v;
    if (ArrayBuffer.isView(v)) return v;
    if (seen.has(v)) return '[Circular]';
    if (depth >= MAX_DEPTH) return '[Truncated]';
    seen.add(v);
    try {
      if (Array.isArray(v)) return this.array(v, depth, seen);
      if (v instanceof Error) return this.error(v, depth, seen);
      if (v instanceof Map) return this.object(Object.fromEntries(v), depth, seen);
      return this.object(v as Record<string, unknown>, depth, seen);
    } finally {
      seen.delete(v);
    }
  }

  private array(a: readonly unknown[], depth: number, seen: WeakSet<object>): unknown[] {
    // A [name, value] entry whose name is a credential header.
    if (a.length === 2 && typeof a[0] === 'string' && this.isSecretName(a[0])) return [a[0], REDACTED];
    return a.map((x) => this.walk(x, depth + 1, seen));
  }

  private object(o: Record<string, unknown>, depth: number, seen: WeakSet<object>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    // A {name, value} entry (TextEntry-like) whose name is a credential header.
    const entryName = typeof o.name === 'string' && 'value' in o && this.isSecretName(o.name);
    for (const [k, val] of Object.entries(o)) {
      if ((entryName && k === 'value') || (this.isSecretName(k) && val !== undefined && val !== null)) out[k] = REDACTED;
      else out[k] = this.walk(val, depth + 1, seen);
    }
    return out;
  }

  /** A copy of the same class (pino's err serializer reports the constructor name) with clean text. */
  private error(e: Error, depth: number, seen: WeakSet<object>): Error {
    const copy = Object.create(Object.getPrototypeOf(e) as object) as Error;
    const hidden = (value: unknown) => ({ value, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(copy, 'message', hidden(this.string(e.message)));
    if (e.stack !== undefined) Object.defineProperty(copy, 'stack', hidden(this.string(e.stack)));
    if (e.cause !== undefined) Object.defineProperty(copy, 'cause', hidden(this.walk(e.cause, depth + 1, seen)));
    for (const [k, v] of Object.entries(e)) (copy as unknown as Record<string, unknown>)[k] = this.isSecretName(k) ? REDACTED : this.walk(v, depth + 1, seen);
    return copy;
  }

}
