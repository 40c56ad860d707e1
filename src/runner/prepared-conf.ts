/**
 * Turning a PrepareConf entry list into filters with parsed confs. Each entry is checked now, when
 * APISIX prepares the route, never at request time: the filter name must be registered, the value must
 * be JSON ('' or absent means {}), valid against the filter's confSchema, and accepted by parseConf.
 * Any problem refuses the whole PrepareConf (BAD_REQUEST) with a log line naming route key, filter and
 * problem; the value itself is never logged (it may hold keys).
 */
import type { SchemaCompiler } from '../config/ajv';
import type { TextPair } from '../protocol';
import type { Filter, FilterRegistry } from './filter-contract';

export interface PreparedFilter {
  readonly name: string;
  readonly filter: Filter<unknown>;
  readonly conf: unknown;
}

export class ConfRejection extends Error {
  readonly filter: string;
  readonly index: number;

  constructor(filter: string, index: number, problem: string) {
    super(problem);
    this.name = 'ConfRejection';
    this.filter = filter;
    this.index = index;
  }
}

export function prepareFilters(entries: readonly TextPair[], registry: FilterRegistry, schemas: SchemaCompiler): PreparedFilter[] {
  return entries.map(([name, raw], index) => {
    const filter = registry.get(name);
    if (!filter) {
      const known = registry.names();
      throw new ConfRejection(name, index, `unknown filter "${name}" (registered: ${known.length ? known.join(', ') : 'none'})`);
    }
    let value: unknown;
    if (raw === null || raw.trim() === '') value = {};
    else {
      try {
        value = JSON.parse(raw);
      } catch (e) {
        throw new ConfRejection(name, index, `value is not JSON: ${(e as Error).message}`);
      }
    }
    let problem: string | null;
    try {
      problem = schemas.check(filter.confSchema, value);
    } catch (e) {
      throw new ConfRejection(name, index, `the filter's confSchema does not compile: ${(e as Error).message}`);
    }
    if (problem !== null) throw new ConfRejection(name, index, `value does not match the schema: ${problem}`);
    try {
      return { name, filter, conf: filter.parseConf(value) };
    } catch (e) {
      throw new ConfRejection(name, index, `value refused: ${(e as Error).message}`);
    }
  });
}

/** Identity of a conf list for the token cache (same key + same content -> same token). */
export function confFingerprint(entries: readonly TextPair[]): string {
  return JSON.stringify(entries);
}
