/** A bug inside a handler costs that request a 500, is logged, and leaves the bridge serving. */
import { request } from 'undici';
import { Metrics } from '../../../src/health/metrics';
import { startBridgeHarness } from './harness';

class BrokenMetrics extends Metrics {
  override render(): Promise<string> {
    return Promise.reject(new Error('registry exploded'));
  }
}

test('an internal failure -> 500 ERR_BRIDGE_INTERNAL, logged, and the next request is served', async () => {
  const h = await startBridgeHarness({ default: { base_url: 'http://127.0.0.1:9' } }, { metrics: new BrokenMetrics() });
  try {
    const res = await request(`${h.bridge.url}/metrics`);
    expect(res.statusCode).toBe(500);
    expect(await res.body.json()).toMatchObject({ error: { code: 'ERR_BRIDGE_INTERNAL', type: 'api_error' } });
    expect(h.logs.lines.find((l) => l.msg === 'bridge request failed')).toMatchObject({ level: 'error', err: { message: 'registry exploded' } });
    const health = await request(`${h.bridge.url}/healthz`);
    expect(health.statusCode).toBe(200);
    await health.body.dump();
  } finally {
    await h.close();
  }
});
