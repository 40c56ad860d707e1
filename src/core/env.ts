/**
 * Everything time- or randomness-dependent that the core needs is injected, so a conversion is a pure
 * function of (input, options, env) and golden tests are deterministic.
 */
export interface CoreEnv {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A new unique id with the given prefix, e.g. newId('chatcmpl-') or newId('call_'). */
  newId(prefix: string): string;
}

/** A deterministic env for tests and goldens: fixed clock, counter-based ids. */
export function fixedEnv(nowMs = 1_700_000_000_000): CoreEnv {
  let n = 0;
  return {
    now: () => nowMs,
    newId: (prefix) => `${prefix}${String(++n).padStart(6, '0')}`,
  };
}
