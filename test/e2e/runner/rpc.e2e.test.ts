import { headerValue } from '../../helpers/fake-apisix';
import { startHarness, type Harness } from './harness';
import { echoFilter, passFilter, rewriteFilter, stopFilter } from './test-filters';

let h: Harness;
beforeEach(async () => {
  h = await startHarness([rewriteFilter, stopFilter, echoFilter, passFilter]);
});
afterEach(() => h.cleanup());

test('PrepareConf hands out tokens from 1; same key and conf give the same token', async () => {
  const a = await h.apisix.prepareConf('route#1#ext-plugin-pre-req#1', [{ name: 'test-pass', value: '{}' }]);
  const b = await h.apisix.prepareConf('route#2#ext-plugin-pre-req#1', [{ name: 'test-pass' }]);
  const again = await h.apisix.prepareConf('route#1#ext-plugin-pre-req#1', [{ name: 'test-pass', value: '{}' }]);
  expect([a, b, again]).toEqual([1, 2, 1]);
});

test('HTTPReqCall Stop is applied like APISIX: lower-cased names, repeats kept, body', async () => {
  const r = await h.apisix.httpReqCall({ routeKey: 'r1', conf: [{ name: 'test-stop', value: '{"status":403}' }], request: { path: '/x' } });
  expect(r.kind).toBe('stop');
  if (r.kind !== 'stop') return;
  expect(r.status).toBe(403);
  expect(r.headers).toEqual([['x-stopped', 'yes'], ['x-stopped', 'twice']]);
  expect(r.body?.toString()).toBe('stopped');
});

test('Stop with status 0 becomes 200', async () => {
  const r = await h.apisix.httpReqCall({ routeKey: 'r0', conf: [{ name: 'test-stop', value: '{"status":0}' }], request: { path: '/x' } });
  expect(r.kind === 'stop' && r.status).toBe(200);
});

test('HTTPReqCall Rewrite: path escaped, headers set and deleted, args, body, resp headers', async () => {
  const r = await h.apisix.httpReqCall({
    routeKey: 'r2',
    conf: [{ name: 'test-rewrite', value: '{"path":"/new path?q","tag":"t1"}' }],
    request: { method: 'POST', path: '/old', headers: { 'x-remove-me': '1', host: 'h' }, args: [['a', 'b']], body: 'orig' },
  });
  expect(r.kind).toBe('rewrite');
  if (r.kind !== 'rewrite') return;
  expect(r.request.path).toBe('/new%20path%3Fq');
  expect(headerValue(r.request.headers, 'x-tag')).toBe('t1');
  expect(headerValue(r.request.headers, 'x-remove-me')).toBeUndefined();
  expect(r.request.args).toEqual([['a', 'b'], ['added', '1']]);
  expect(r.request.body?.toString()).toBe('rewritten POST /old');
  expect(r.respHeaders).toEqual([['x-resp', 'yes']]);
  expect(r.upstreamUri).toBe('/new%20path%3Fq?a=b&added=1');
});

test('continue answers action NONE and the request goes on unchanged', async () => {
  const r = await h.apisix.httpReqCall({ routeKey: 'r3', conf: [{ name: 'test-pass' }], request: { path: '/same', headers: { a: '1' } } });
  expect(r.kind).toBe('continue');
  const reply = r.trace.filter((t) => t.dir === 'in').at(-1)!;
  expect(reply.frame.type).toBe(2);
});

test('ExtraInfo: vars (absent vs empty), body fetched once, on the request connection', async () => {
  const r = await h.apisix.httpReqCall({
    routeKey: 'r4',
    conf: [{ name: 'test-echo', value: JSON.stringify({ vars: ['http_x_a', 'empty', 'missing'] }) }],
    request: { method: 'PUT', path: '/e', headers: { 'x-a': 'va', authorization: 'Bearer k' }, body: 'the body', vars: { empty: '' }, srcIp: Uint8Array.from([10, 1, 2, 3]) },
  });
  expect(r.kind).toBe('stop');
  if (r.kind !== 'stop') return;
  const echoed = JSON.parse(r.body!.toString());
  expect(echoed).toMatchObject({ vars: { http_x_a: 'va', empty: '', missing: null }, body: 'the body', sameBody: true, srcIp: '10.1.2.3', method: 'PUT', path: '/e', auth: 'Bearer k' });
  const infoRequests = r.trace.filter((t) => t.dir === 'in' && t.frame.type === 3);
  expect(infoRequests).toHaveLength(4); // 3 vars + 1 body, despite repeated reads
  const callConn = r.trace.find((t) => t.frame.type === 2)!.conn;
  // The filter's logger carries the call's fields, and the credential it logged is redacted.
  const line = h.logs.find('echo saw headers')[0];
  expect(line).toMatchObject({ level: 'info', rpc: 'http_req_call', conf_token: 1, filter: 'test-echo', headers: [['x-a', 'va'], ['authorization', '[REDACTED]']] });
  expect(typeof line.request_id).toBe('number');
  expect(JSON.stringify(h.logs.lines)).not.toContain('Bearer k');
  expect(new Set(infoRequests.map((t) => t.conn))).toEqual(new Set([callConn]));
});

test('HTTPRespCall: RespBody fetched once, replaced status, headers and body', async () => {
  const r = await h.apisix.httpRespCall({
    routeKey: 'r5',
    conf: [{ name: 'test-echo', value: '{"vars":["http_x_state"]}' }],
    request: { path: '/p', headers: { 'x-state': 's1' } },
    upstream: { status: 200, headers: [['Content-Type', 'text/plain'], ['X-Up', '1']], body: 'upstream body' },
  });
  expect(r.kind).toBe('response');
  if (r.kind !== 'response') return;
  expect(r.status).toBe(201);
  expect(r.headers).toEqual([['content-type', 'application/json']]);
  const body = JSON.parse(r.body.toString());
  expect(body).toEqual({ upstream: 'upstream body', status: 200, vars: { http_x_state: 's1' }, headers: [['Content-Type', 'text/plain'], ['X-Up', '1']] });
});

test('HTTPRespCall continue: upstream status and body pass, excluded headers dropped', async () => {
  const r = await h.apisix.httpRespCall({
    routeKey: 'r6',
    conf: [{ name: 'test-pass' }],
    upstream: { status: 404, headers: [['Content-Type', 'text/plain'], ['X-Up', '1']], body: 'nope' },
  });
  expect(r.kind === 'response' && [r.status, r.headers, r.body.toString()]).toEqual([404, [['x-up', '1']], 'nope']);
});

test('a connection is reused for later calls and the pool gets back every connection', async () => {
  for (let i = 0; i < 5; i++) {
    const r = await h.apisix.httpReqCall({ routeKey: 'r7', conf: [{ name: 'test-pass' }], request: { path: '/' } });
    expect(r.kind).toBe('continue');
  }
  expect(h.apisix.connections.opened).toBe(2);
  expect(h.apisix.connections.unreadDataDrops).toBe(0);
});
