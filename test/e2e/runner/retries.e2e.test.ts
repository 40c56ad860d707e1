import { FakeApisix } from '../../helpers/fake-apisix';
import { startHarness, type Harness } from './harness';
import { stopFilter, throwingFilter } from './test-filters';

let h: Harness;
let clock = 0;
beforeEach(async () => {
  clock = 0;
  // Every read of the clock moves it a day on: tokens are always expired when they are used.
  h = await startHarness([stopFilter, throwingFilter], { confExpireSeconds: 1, now: () => (clock += 86_400_000) });
});
afterEach(() => h.cleanup());

test('APISIX gives up after 3 tries when every token is unknown, re-preparing before each', async () => {
  const r = await h.apisix.httpReqCall({ routeKey: 'k', conf: [{ name: 'test-stop', value: '{"status":200}' }], request: { path: '/' } });
  expect(r).toMatchObject({ kind: 'error', status: 503, error: 'conf token not found', tries: 3 });
  expect(h.apisix.stats.prepareConf).toBe(3);
  expect(r.trace.filter((t) => t.dir === 'out' && t.frame.type === 1)).toHaveLength(3);
  expect(r.trace.filter((t) => t.dir === 'in' && t.frame.type === 0)).toHaveLength(3);
});

test('with allow_degradation a runner failure lets the request through unchanged', async () => {
  const apisix = new FakeApisix({ socketPath: h.socketPath, allowDegradation: true });
  const r = await apisix.httpReqCall({ routeKey: 'k2', conf: [{ name: 'test-throw' }], request: { path: '/keep', headers: { a: '1' } } });
  expect(r).toMatchObject({ kind: 'continue', degraded: true, request: { path: '/keep', headers: [['a', '1']] } });
  const resp = await apisix.httpRespCall({ routeKey: 'k3', conf: [{ name: 'test-throw' }], upstream: { status: 200, headers: [['Content-Type', 'x'], ['X-A', '1']], body: 'b' } });
  expect(resp).toMatchObject({ kind: 'response', degraded: true, status: 200, headers: [['x-a', '1']] });
  await apisix.close();
});
