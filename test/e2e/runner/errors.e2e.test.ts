import { apisixMessages as m, luaHeader } from '../../helpers/fake-apisix';
import { startHarness, type Harness } from './harness';
import { passFilter, slowFilter, stopFilter, throwingFilter } from './test-filters';

let h: Harness;
let release: () => void;
beforeEach(async () => {
  const gate = { wait: new Promise<void>((r) => { release = r; }) };
  h = await startHarness([passFilter, stopFilter, throwingFilter, slowFilter(gate)], { callDeadlineMs: 300 });
});
afterEach(async () => {
  release();
  await h.cleanup();
});

async function errCodeOf(type: number, payload: Uint8Array): Promise<{ type: number; header: number[]; code?: number }> {
  const conn = await h.apisix.rawConnection();
  conn.sendFrame(type, payload);
  const f = await conn.receiveFrame(5000);
  conn.destroy();
  return { type: f.type, header: [...f.header], code: f.type === 0 ? m.readErr(f.payload).code : undefined };
}

test('an unknown conf token gets CONF_TOKEN_NOT_FOUND in a non-empty Err frame', async () => {
  const r = await errCodeOf(2, m.buildHttpReqCall({ id: 1, confToken: 999, method: 'GET', path: '/' }));
  expect(r.type).toBe(0);
  expect(r.code).toBe(2);
  expect(r.header[0]).toBe(0);
  expect(r.header[1] * 65536 + r.header[2] * 256 + r.header[3]).toBeGreaterThan(0);
  expect((await errCodeOf(4, m.buildHttpRespCall({ id: 1, confToken: 5, status: 200 }))).code).toBe(2);
  expect(h.logs.find('unknown conf token: APISIX will prepare again')[0]).toMatchObject({ level: 'info', rpc: 'http_req_call', conf_token: 999, err_code: 'CONF_TOKEN_NOT_FOUND' });
});

test('unknown RPC types and out-of-turn types get BAD_REQUEST; the connection keeps working', async () => {
  const conn = await h.apisix.rawConnection();
  for (const type of [0, 3, 5, 255]) {
    conn.sendFrame(type, Uint8Array.from([1, 2, 3, 4]));
    const f = await conn.receiveFrame(5000);
    expect([f.type, m.readErr(f.payload).code]).toEqual([0, 0]);
  }
  conn.sendFrame(1, m.buildPrepareConfReq('k', [['test-pass', '{}']]));
  const ok = await conn.receiveFrame(5000);
  expect(ok.type).toBe(1);
  expect(m.readPrepareConfResp(ok.payload)).toBeGreaterThan(0);
  conn.destroy();
});

test('an undecodable payload gets BAD_REQUEST for each request type', async () => {
  for (const type of [1, 2, 4]) {
    expect(await errCodeOf(type, Uint8Array.from([0xff, 0xff, 0xff, 0x7f, 9, 9]))).toMatchObject({ type: 0, code: 0 });
  }
  expect(h.logs.find('bad request from APISIX').length).toBe(3);
});

test('a filter that throws gives SERVICE_UNAVAILABLE, no retry, and a log line naming the filter', async () => {
  const r = await h.apisix.httpReqCall({ routeKey: 'r', conf: [{ name: 'test-throw' }], request: { path: '/' } });
  expect(r).toMatchObject({ kind: 'error', status: 503, error: 'service unavailable', tries: 1 });
  const line = h.logs.find('call failed')[0];
  expect(line).toMatchObject({ level: 'error', rpc: 'http_req_call', filter: 'test-throw', err_code: 'SERVICE_UNAVAILABLE', conf_token: 1 });
  expect(String(line.problem)).toMatch(/boom in onRequest/);
  const resp = await h.apisix.httpRespCall({ routeKey: 'r', conf: [{ name: 'test-throw' }], upstream: { status: 200, headers: [], body: 'x' } });
  expect(resp).toMatchObject({ kind: 'error', error: 'service unavailable' });
});

test('PrepareConf refuses an unknown filter, bad JSON, a schema violation and a parseConf refusal, logging route key, filter and problem', async () => {
  const cases: [string, { name: string; value?: string }[], RegExp][] = [
    ['route#1', [{ name: 'test-pass' }, { name: 'no-such-filter', value: '{}' }], /unknown filter "no-such-filter"/],
    ['route#2', [{ name: 'test-stop', value: '{"status": 200' }], /not JSON/],
    ['route#3', [{ name: 'test-stop', value: '{"status":"sk-secret-in-value"}' }], /\/status must be integer/],
    ['route#4', [{ name: 'test-throw', value: '{"refuse":true}' }], /refused by parseConf/],
  ];
  for (const [routeKey, conf, problem] of cases) {
    const r = await h.apisix.httpReqCall({ routeKey, conf, request: { path: '/' } });
    expect(r).toMatchObject({ kind: 'error', status: 503, error: 'bad request', tries: 1 });
    const line = h.logs.lines.find((l) => l.msg === `route conf refused: ${String(l.problem)}` && l.route_key === routeKey);
    expect(line).toMatchObject({ level: 'error', rpc: 'prepare_conf', filter: conf.at(-1)!.name });
    expect(String(line!.problem)).toMatch(problem);
  }
  expect(JSON.stringify(h.logs.lines)).not.toContain('sk-secret-in-value');
  expect(h.runner.confTokens).toBe(0);
});

test('a call that misses the deadline gets SERVICE_UNAVAILABLE and that connection is closed; others are unaffected', async () => {
  const token = await h.apisix.prepareConf('slow', [{ name: 'test-slow' }]);
  const conn = await h.apisix.rawConnection();
  conn.sendFrame(2, m.buildHttpReqCall({ id: 1, confToken: token, method: 'GET', path: '/' }));
  const f = await conn.receiveFrame(5000);
  expect([f.type, m.readErr(f.payload).code]).toEqual([0, 1]);
  await expect(conn.receiveFrame(5000)).rejects.toThrow(/closed/);
  const other = await h.apisix.httpReqCall({ routeKey: 'ok', conf: [{ name: 'test-stop', value: '{"status":204}' }], request: { path: '/' } });
  expect(other).toMatchObject({ kind: 'stop', status: 204 });
  expect(h.logs.find('call failed')[0]).toMatchObject({ err_code: 'SERVICE_UNAVAILABLE', problem: 'no answer within the 300 ms call deadline' });
});

test('a truncated frame followed by EOF costs only that connection', async () => {
  const bad = await h.apisix.rawConnection();
  bad.sendRaw(Buffer.concat([luaHeader(2, 1000), Buffer.alloc(10)]));
  bad.destroy();
  const r = await h.apisix.httpReqCall({ routeKey: 'after', conf: [{ name: 'test-stop', value: '{"status":200}' }], request: { path: '/' } });
  expect(r.kind).toBe('stop');
  expect(h.runner.status()).toBe('listening');
});

test('an ExtraInfo answer nobody asked for, during a call, closes that connection', async () => {
  const token = await h.apisix.prepareConf('slow2', [{ name: 'test-slow' }]);
  const conn = await h.apisix.rawConnection();
  conn.sendFrame(2, m.buildHttpReqCall({ id: 1, confToken: token, method: 'GET', path: '/' }));
  conn.sendFrame(3, m.buildExtraInfoResp(Buffer.from('unasked')));
  await expect(conn.receiveFrame(5000)).rejects.toThrow(/closed/);
  expect(h.logs.find('protocol violation: closing this connection')).toHaveLength(1);
});
