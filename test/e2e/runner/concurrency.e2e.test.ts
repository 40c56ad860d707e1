import { apisixMessages as m, FakeApisix } from '../../helpers/fake-apisix';
import { startHarness, type Harness } from './harness';
import { echoFilter, passFilter, slowFilter, stopFilter } from './test-filters';

let h: Harness;
let release: () => void;
let maxConnections = 0;
let gate: { wait: Promise<void>; entered?: number };
beforeEach(async () => {
  maxConnections = 0;
  gate = { wait: new Promise<void>((r) => { release = r; }) };
  h = await startHarness([passFilter, stopFilter, echoFilter, slowFilter(gate)], { onConnections: (n) => { maxConnections = Math.max(maxConnections, n); } });
});
afterEach(async () => {
  release();
  await h.cleanup();
});

test('a silent connection does not block PrepareConf on a second one (the APISIX nesting)', async () => {
  const first = await h.apisix.rawConnection();
  const second = await h.apisix.rawConnection();
  second.sendFrame(1, m.buildPrepareConfReq('nest', [['test-stop', '{"status":201}']]));
  const token = m.readPrepareConfResp((await second.receiveFrame(5000)).payload);
  first.sendFrame(2, m.buildHttpReqCall({ id: 1, confToken: token, method: 'GET', path: '/' }));
  const reply = m.readHttpReqCallResp((await first.receiveFrame(5000)).payload);
  expect(reply).toMatchObject({ action: 'stop', status: 201 });
  first.destroy();
  second.destroy();
});

test('a call waiting for an ExtraInfo answer does not block other connections', async () => {
  const token = await h.apisix.prepareConf('echo', [{ name: 'test-echo', value: '{"vars":["v"]}' }]);
  const waiting = await h.apisix.rawConnection();
  waiting.sendFrame(2, m.buildHttpReqCall({ id: 1, confToken: token, method: 'GET', path: '/' }));
  expect(m.readExtraInfoReq((await waiting.receiveFrame(5000)).payload)).toEqual({ kind: 'var', name: 'v' });
  // While that call is open and we hold the answer back, other connections are served.
  const other = await h.apisix.httpReqCall({ routeKey: 'other', conf: [{ name: 'test-stop', value: '{"status":202}' }], request: { path: '/' } });
  expect(other).toMatchObject({ kind: 'stop', status: 202 });
  const prep = await h.apisix.prepareConf('another', [{ name: 'test-pass' }]);
  expect(prep).toBeGreaterThan(token);
  waiting.sendFrame(3, m.buildExtraInfoResp(Buffer.from('x')));
  expect(m.readExtraInfoReq((await waiting.receiveFrame(5000)).payload)).toEqual({ kind: 'reqBody' });
  waiting.sendFrame(3, m.buildExtraInfoResp(undefined));
  expect((await waiting.receiveFrame(5000)).type).toBe(2);
  waiting.destroy();
});

test('idle connections stay open and usable (the runner never closes them)', async () => {
  const conn = await h.apisix.rawConnection();
  conn.sendFrame(1, m.buildPrepareConfReq('idle', [['test-pass', '{}']]));
  await conn.receiveFrame(5000);
  await new Promise((r) => setTimeout(r, 300));
  expect(conn.closed).toBe(false);
  conn.sendFrame(1, m.buildPrepareConfReq('idle', [['test-pass', '{}']]));
  expect((await conn.receiveFrame(5000)).type).toBe(1);
  conn.destroy();
});

test('200 concurrent connections, each with a call in flight, all answered', async () => {
  const token = await h.apisix.prepareConf('slow', [{ name: 'test-slow' }]);
  const conns = await Promise.all(Array.from({ length: 200 }, () => h.apisix.rawConnection()));
  const replies = conns.map((c, i) => {
    c.sendFrame(2, m.buildHttpReqCall({ id: i, confToken: token, method: 'GET', path: '/' }));
    return c.receiveFrame(10_000);
  });
  // All 200 calls are open at the same time (the filter holds them), then released together.
  await new Promise<void>((resolve) => {
    const check = () => (gate.entered === 200 ? resolve() : setTimeout(check, 5));
    check();
  });
  release();
  const frames = await Promise.all(replies);
  expect(frames.every((f) => f.type === 2)).toBe(true);
  expect(frames.map((f) => m.readHttpReqCallResp(f.payload).id)).toEqual(conns.map((_, i) => i));
  expect(maxConnections).toBeGreaterThanOrEqual(200);
  for (const c of conns) c.destroy();
});

test('many clients through the fake APISIX pool: every call succeeds, at most 32 idle kept', async () => {
  const apisix = new FakeApisix({ socketPath: h.socketPath });
  const results = await Promise.all(
    Array.from({ length: 150 }, (_, i) =>
      apisix.httpReqCall({ routeKey: `r#${i % 5}`, conf: [{ name: 'test-stop', value: `{"status":${200 + (i % 5)}}` }], request: { path: `/${i}` } }),
    ),
  );
  expect(results.every((r, i) => r.kind === 'stop' && r.status === 200 + (i % 5))).toBe(true);
  expect(apisix.connections.idle).toBeLessThanOrEqual(32);
  expect(apisix.connections.unreadDataDrops).toBe(0);
  await apisix.close();
});
