import { CONF_TTL_FACTOR, ConfCache } from '../../../src/runner/conf-cache';

function clock(start = 0) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

test('tokens start at 1 and increase', () => {
  const c = new ConfCache<string>({ confExpireSeconds: 3600 });
  expect([c.put('a', 'f', 'A'), c.put('b', 'f', 'B'), c.put('', 'f', 'C')]).toEqual([1, 2, 3]);
  expect([c.get(1), c.get(2), c.get(3)]).toEqual(['A', 'B', 'C']);
});

test('the same key with the same conf gets the same token; other content gets a new one', () => {
  const c = new ConfCache<string>({ confExpireSeconds: 3600 });
  const t = c.put('route#1', 'conf-v1', 'x');
  expect(c.put('route#1', 'conf-v1', 'x')).toBe(t);
  const t2 = c.put('route#1', 'conf-v2', 'y');
  expect(t2).not.toBe(t);
  expect(c.get(t2)).toBe('y');
  expect(c.get(t)).toBe('x'); // the old token stays valid for workers that still hold it
});

test('an empty key never reuses a token', () => {
  const c = new ConfCache<string>({ confExpireSeconds: 3600 });
  expect(c.put('', 'f', 'x')).not.toBe(c.put('', 'f', 'x'));
});

test('entries live at least 2 x APISIX_CONF_EXPIRE_TIME without use', () => {
  const k = clock();
  const c = new ConfCache<string>({ confExpireSeconds: 3600, now: k.now });
  expect(c.ttlSeconds).toBeGreaterThanOrEqual(2 * 3600);
  expect(c.ttlSeconds).toBe(7920);
  expect(CONF_TTL_FACTOR).toBe(2.2);
  const t = c.put('k', 'f', 'v');
  k.advance(2 * 3600 * 1000);
  expect(c.get(t)).toBe('v');
});

test('an unused entry expires after its TTL', () => {
  const k = clock();
  const c = new ConfCache<string>({ confExpireSeconds: 10, now: k.now });
  const t = c.put('k', 'f', 'v');
  k.advance(c.ttlSeconds * 1000);
  expect(c.get(t)).toBeUndefined();
  expect(c.size).toBe(0);
  expect(c.put('k', 'f', 'v')).not.toBe(t); // the key mapping went with it
});

test('every use refreshes the TTL, so a token in use never expires', () => {
  const k = clock();
  const c = new ConfCache<string>({ confExpireSeconds: 10, now: k.now });
  const t = c.put('k', 'f', 'v');
  for (let i = 0; i < 10; i++) {
    k.advance(c.ttlSeconds * 1000 - 1);
    expect(c.get(t)).toBe('v');
  }
});

test('a re-prepare of the same key refreshes the TTL too', () => {
  const k = clock();
  const c = new ConfCache<string>({ confExpireSeconds: 10, now: k.now });
  const t = c.put('k', 'f', 'v');
  k.advance(c.ttlSeconds * 1000 - 1);
  expect(c.put('k', 'f', 'v')).toBe(t);
  k.advance(c.ttlSeconds * 1000 - 1);
  expect(c.get(t)).toBe('v');
});

test('bounded: the least recently used entry is evicted first', () => {
  const c = new ConfCache<string>({ confExpireSeconds: 3600, maxEntries: 3 });
  const a = c.put('a', 'f', 'A');
  const b = c.put('b', 'f', 'B');
  const cc = c.put('c', 'f', 'C');
  c.get(a); // a is now most recent; b is the LRU
  const d = c.put('d', 'f', 'D');
  expect(c.size).toBe(3);
  expect(c.get(b)).toBeUndefined();
  expect([c.get(a), c.get(cc), c.get(d)]).toEqual(['A', 'C', 'D']);
  expect(c.put('b', 'f', 'B')).not.toBe(b);
});

test('refuses a non-positive expire time', () => {
  expect(() => new ConfCache({ confExpireSeconds: 0 })).toThrow();
});
