/** The fake APISIX's reply application, checked against the rules of the fact sheet (§5). */
import { applyRespCall, applyRewrite, EXCLUDED_RESP_HEADERS, luaHeader, setThenAdd, uriSafeEncode, type UpstreamRequest } from '../../helpers/fake-apisix';

const req = (over: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
  method: 'POST', path: '/orig', headers: [['host', 'h'], ['content-length', '4'], ['x-a', '1']], args: [['k', '1'], ['k', '2'], ['z', null]], body: Buffer.from('orig'), ...over,
});
const rw = (over: Partial<Parameters<typeof applyRewrite>[1]>) => ({ path: null, headers: [], args: [], respHeaders: [], body: Buffer.alloc(0), ...over });

test('uri_safe_encode escapes space # % ? controls and non-ASCII bytes only', () => {
  expect(uriSafeEncode('/a b#c%d?e')).toBe('/a%20b%23c%25d%3Fe');
  expect(uriSafeEncode('/ü\x01\x7f')).toBe('/%C3%BC%01%7F');
  expect(uriSafeEncode("/v1/messages;x=1&y=(2)!*'~:@")).toBe("/v1/messages;x=1&y=(2)!*'~:@");
});

test('Rewrite headers override (last wins), delete without value, are lower-cased', () => {
  const out = applyRewrite(req(), rw({ headers: [['X-A', '2'], ['x-a', '3'], ['content-length', null]] }));
  expect(out.request.headers).toEqual([['host', 'h'], ['x-a', '3']]);
});

test('Rewrite args: first value replaces, later values append, no value deletes', () => {
  const out = applyRewrite(req(), rw({ args: [['k', 'a'], ['k', 'b'], ['z', null], ['n', '']] }));
  expect(out.request.args).toEqual([['k', 'a'], ['k', 'b'], ['n', '']]);
  expect(out.upstreamUri).toBeUndefined();
});

test('Rewrite path is escaped and keeps the (new) query; empty body leaves the body alone', () => {
  const out = applyRewrite(req(), rw({ path: '/v1/messages', args: [['k', 'x y']] }));
  expect(out.request.path).toBe('/v1/messages');
  expect(out.upstreamUri).toBe('/v1/messages?z&k=x%20y'); // Lua tables have no order; ours: replaced keys move last
  expect(out.request.body?.toString()).toBe('orig');
  expect(applyRewrite(req(), rw({ body: Buffer.from('new') })).request.body?.toString()).toBe('new');
});

test('Rewrite resp_headers drop the exclusion list, names lower-cased, repeats kept', () => {
  const out = applyRewrite(req(), rw({ respHeaders: [['Content-Type', 'x'], ['X-R', '1'], ['x-r', '2'], ['Location', '/']] }));
  expect(out.respHeaders).toEqual([['x-r', '1'], ['x-r', '2']]);
  expect(EXCLUDED_RESP_HEADERS.size).toBe(10);
});

test('HTTPRespCall: non-empty headers replace all; empty headers keep upstream minus exclusions', () => {
  const upstream = { status: 200, headers: [['Content-Type', 'application/json'], ['X-Up', '1'], ['Content-Length', '2']] as [string, string][] };
  expect(applyRespCall(upstream, Buffer.from('up'), { status: 0, headers: [['X-Mine', 'm']], body: Buffer.alloc(0) }))
    .toEqual({ status: 200, headers: [['x-mine', 'm']], body: Buffer.from('up') });
  expect(applyRespCall(upstream, Buffer.from('up'), { status: 0, headers: [], body: Buffer.alloc(0) }))
    .toEqual({ status: 200, headers: [['x-up', '1']], body: Buffer.from('up') });
});

test('HTTPRespCall: a body replaces the upstream one; status 0 keeps the upstream status', () => {
  const upstream = { status: 201, headers: [] };
  expect(applyRespCall(upstream, Buffer.from('up'), { status: 0, headers: [], body: Buffer.from('new') })).toMatchObject({ status: 201, body: Buffer.from('new') });
  expect(applyRespCall(upstream, Buffer.from('up'), { status: 500, headers: [], body: Buffer.alloc(0) })).toMatchObject({ status: 500, body: Buffer.from('up') });
});

test('Stop headers: lower-cased, repeats kept in order', () => {
  expect(setThenAdd([['X-Same', 'one'], ['x-same', 'two']])).toEqual([['x-same', 'one'], ['x-same', 'two']]);
});

test('the fake refuses to frame more than 16,777,215 bytes, like APISIX', () => {
  expect(() => luaHeader(1, 16_777_216)).toThrow('the max length of data is 16777215 but got 16777216');
});
