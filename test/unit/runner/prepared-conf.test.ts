import { SchemaCompiler } from '../../../src/config/ajv';
import { FilterRegistry } from '../../../src/filters/registry';
import type { Filter } from '../../../src/filters/types';
import { ConfRejection, confFingerprint, prepareFilters } from '../../../src/runner/prepared-conf';

const seen: unknown[] = [];
const limits: Filter<{ max: number }> = {
  name: 'limits',
  confSchema: { type: 'object', properties: { max: { type: 'integer', minimum: 1 } }, additionalProperties: false },
  parseConf(v) {
    seen.push(v);
    const max = (v as { max?: number }).max ?? 10;
    if (max === 13) throw new Error('13 is unlucky');
    return { max };
  },
};
const other: Filter = { name: 'other', confSchema: { type: 'object' }, parseConf: (v) => v };
const badSchema: Filter = { name: 'bad-schema', confSchema: { type: 'object', propertiez: {} }, parseConf: (v) => v };

const registry = new FilterRegistry().register(limits).register(other).register(badSchema);
const schemas = new SchemaCompiler();

function rejection(entries: [string, string | null][]): ConfRejection {
  try {
    prepareFilters(entries, registry, schemas);
  } catch (e) {
    if (e instanceof ConfRejection) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

test('parses each entry in order with its filter', () => {
  const out = prepareFilters([['limits', '{"max":5}'], ['other', '{"a":[1]}']], registry, schemas);
  expect(out.map((p) => [p.name, p.conf])).toEqual([['limits', { max: 5 }], ['other', { a: [1] }]]);
  expect(out[0].filter).toBe(limits);
});

test("'' and an absent value mean {}", () => {
  seen.length = 0;
  prepareFilters([['limits', ''], ['limits', null], ['limits', '  ']], registry, schemas);
  expect(seen).toEqual([{}, {}, {}]);
});

test('an unknown filter name is refused and the registered names are listed', () => {
  const e = rejection([['limits', '{}'], ['nope', '{}']]);
  expect([e.filter, e.index]).toEqual(['nope', 1]);
  expect(e.message).toMatch(/unknown filter "nope".*limits, other/);
});

test('a value that is not JSON is refused', () => {
  expect(rejection([['limits', '{max:1}']]).message).toMatch(/not JSON/);
});

test('a schema violation is refused with the ajv error', () => {
  expect(rejection([['limits', '{"max":0}']]).message).toBe('value does not match the schema: /max must be >= 1');
  expect(rejection([['limits', '{"mx":1}']]).message).toBe('value does not match the schema: (root) must NOT have additional properties "mx"');
  expect(rejection([['limits', '[]']]).message).toMatch(/\(root\) must be object/);
});

test('parseConf may refuse', () => {
  expect(rejection([['limits', '{"max":13}']]).message).toBe('value refused: 13 is unlucky');
});

test('a filter whose schema does not compile (strict mode) is refused, not crashed on', () => {
  expect(rejection([['bad-schema', '{}']]).message).toMatch(/confSchema does not compile/);
});

test('validation does not apply defaults or coerce types', () => {
  const withDefault: Filter = { name: 'd', confSchema: { type: 'object', properties: { n: { type: 'integer', default: 3 } } }, parseConf: (v) => v };
  const r = new FilterRegistry().register(withDefault);
  expect(prepareFilters([['d', '{}']], r, schemas)[0].conf).toEqual({});
  expect(() => prepareFilters([['d', '{"n":"3"}']], r, schemas)).toThrow(/must be integer/);
});

test('the fingerprint changes with content and order', () => {
  expect(confFingerprint([['a', '1']])).toBe(confFingerprint([['a', '1']]));
  expect(confFingerprint([['a', '1']])).not.toBe(confFingerprint([['a', '2']]));
  expect(confFingerprint([['a', '1'], ['b', null]])).not.toBe(confFingerprint([['b', null], ['a', '1']]));
});

test('schemas are compiled once per schema object', () => {
  const c = new SchemaCompiler();
  expect(c.compile(limits.confSchema)).toBe(c.compile(limits.confSchema));
});
