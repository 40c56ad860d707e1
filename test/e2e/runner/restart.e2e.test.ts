/**
 * A sidecar runner restarts: APISIX keeps its conf tokens, presents them to a runner that has never
 * seen them, gets CONF_TOKEN_NOT_FOUND, flushes, re-prepares and retries. No request may fail.
 *
 * One thing no runner can fix is left out on purpose: closing a connection races with APISIX taking
 * it from its pool at that instant, and APISIX answers such a transport error with 503 (it retries
 * only "conf token not found"). So at each restart the workers stop starting requests and the ones
 * in flight finish first; calls that are mid-way when close() begins are covered by
 * lifecycle.e2e.test.ts (they complete on the old runner).
 */
import { startHarness, type Harness } from './harness';
import { echoFilter, rewriteFilter, stopFilter } from './test-filters';

let h: Harness;
beforeEach(async () => {
  h = await startHarness([rewriteFilter, stopFilter, echoFilter], { shutdownGraceMs: 5000 });
});
afterEach(() => h.cleanup());

test('after a restart, stale tokens are recovered through CONF_TOKEN_NOT_FOUND', async () => {
  const call = () => h.apisix.httpReqCall({ routeKey: 'route#1#ext-plugin-pre-req#1', conf: [{ name: 'test-stop', value: '{"status":200}' }], request: { path: '/' } });
  expect(await call()).toMatchObject({ kind: 'stop', tries: 1 });
  await h.restart();
  const r = await call();
  expect(r).toMatchObject({ kind: 'stop', status: 200, tries: 2 });
  const errors = r.trace.filter((t) => t.dir === 'in' && t.frame.type === 0);
  expect(errors).toHaveLength(1);
  expect(h.apisix.stats.tokenNotFound).toBe(1);
});

test('restarts under concurrent traffic: zero failed requests, retries observed', async () => {
  let gap: Promise<void> | undefined;
  let stop = false;
  let inFlight = 0;
  const outcomes: { kind: string; tries: number; error?: string }[] = [];
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      if (gap) await gap;
      inFlight += 1;
      const route = `route#${(w + i) % 4}#ext-plugin-pre-req#1`;
      const r = i % 2
        ? await h.apisix.httpReqCall({ routeKey: route, conf: [{ name: 'test-rewrite', value: '{"path":"/x"}' }], request: { method: 'POST', path: '/', body: 'b' } })
        : await h.apisix.httpRespCall({ routeKey: `${route}#resp`, conf: [{ name: 'test-echo', value: '{"vars":[]}' }], upstream: { status: 200, headers: [], body: 'u' } });
      inFlight -= 1;
      outcomes.push({ kind: r.kind, tries: r.tries, ...(r.kind === 'error' ? { error: r.error } : {}) });
    }
  };
  const workers = Array.from({ length: 8 }, (_, w) => worker(w));
  const waitFor = async (n: number) => { while (outcomes.length < n) await new Promise((r) => setTimeout(r, 2)); };
  for (let restart = 1; restart <= 3; restart++) {
    await waitFor(restart * 60);
    let open!: () => void;
    gap = new Promise<void>((r) => { open = r; });
    while (inFlight > 0) await new Promise((r) => setTimeout(r, 1));
    await h.restart();
    gap = undefined;
    open();
  }
  await waitFor(4 * 60);
  stop = true;
  await Promise.all(workers);
  const failed = outcomes.filter((o) => o.kind === 'error');
  expect(failed).toEqual([]);
  expect(outcomes.some((o) => o.tries > 1)).toBe(true);
  expect(h.apisix.stats.tokenNotFound).toBeGreaterThan(0);
  expect(outcomes.every((o) => o.tries <= 2)).toBe(true);
});
