import { REDACTED, Sanitizer } from '../../../src/log';

const s = new Sanitizer({ secretValues: ['sk-ant-very-secret-key', 'short'] });

test('header objects: credential headers redacted whatever their case', () => {
  expect(s.value({ headers: { Authorization: 'Bearer x', 'X-Api-Key': 'k', 'api-key': 'k2', accept: 'json' } }))
    .toEqual({ headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, 'api-key': REDACTED, accept: 'json' } });
});

test('arrays of [name, value] entries (APISIX header lists)', () => {
  expect(s.value({ headers: [['authorization', 'Bearer x'], ['x-api-key', 'k'], ['content-type', 'a/b']] }))
    .toEqual({ headers: [['authorization', REDACTED], ['x-api-key', REDACTED], ['content-type', 'a/b']] });
});

test('{name, value} entries (TextEntry-like)', () => {
  expect(s.value([{ name: 'Authorization', value: 'Bearer x' }, { name: 'host', value: 'h' }]))
    .toEqual([{ name: 'Authorization', value: REDACTED }, { name: 'host', value: 'h' }]);
});

test('deeply nested, inside Maps and errors, configured secret values inside strings', () => {
  const err = new Error('upstream refused key sk-ant-very-secret-key');
  const out = s.value({ a: { b: { c: [{ d: 'token=sk-ant-very-secret-key;' }] } }, m: new Map([['x-api-key', 'k']]), err }) as any;
  expect(out.a.b.c[0].d).toBe(`token=${REDACTED};`);
  expect(out.m).toEqual({ 'x-api-key': REDACTED });
  expect(out.err.message).toBe(`upstream refused key ${REDACTED}`);
  expect(JSON.stringify(out)).not.toContain('sk-ant-very-secret-key');
});

test('very short configured values are not searched for (they would blank common words)', () => {
  expect(s.string('a short word')).toBe('a short word');
});

test('does not mutate its input and survives cycles', () => {
  const input: any = { headers: [['authorization', 'Bearer x']], nested: { 'x-api-key': 'k' } };
  input.self = input;
  const out = s.value(input) as any;
  expect(input.headers[0][1]).toBe('Bearer x');
  expect(input.nested['x-api-key']).toBe('k');
  expect(out.self).toBe('[Circular]');
  expect(out.nested['x-api-key']).toBe(REDACTED);
});

test('extra secret names can be configured', () => {
  const t = new Sanitizer({ secretNames: ['x-custom-token'] });
  expect(t.value({ 'X-Custom-Token': 'v', authorization: 'kept because names were replaced' })).toEqual({ 'X-Custom-Token': REDACTED, authorization: 'kept because names were replaced' });
});
