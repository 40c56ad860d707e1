/**
 * The filters a runner knows, by the name APISIX routes use in their `conf` list. Built in main and
 * passed to the runner: no module-level registry, so tests build their own with test-only filters.
 */
import type { Filter } from './types';

export class FilterRegistry {
  private readonly filters = new Map<string, Filter<unknown>>();

  /** Adds a filter; a second filter with the same name is a programming error. */
  register<Conf>(filter: Filter<Conf>): this {
    if (!filter.name) throw new Error('a filter needs a non-empty name');
    if (this.filters.has(filter.name)) throw new Error(`filter "${filter.name}" is already registered`);
    this.filters.set(filter.name, filter as Filter<unknown>);
    return this;
  }

  get(name: string): Filter<unknown> | undefined {
    return this.filters.get(name);
  }

  names(): string[] {
    return [...this.filters.keys()];
  }
}
