/**
 * Known key values sent through every path (runner request and response calls, bridge success and
 * failure, upstream errors) must never appear in logs, metrics or error bodies.
 */
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { fixedEnv } from '../../../src/core';
import { resolveTargets } from '../../../src/config/targets';
import { startBridge } from '../../../src/bridge/server';
import { Metrics } from '../../../src/health/metrics';
import { createLogger } from '../../../src/log';
import { startMockAnthropic } from '../../../src/mock/server';
import { createOpenAIToAnthropicFilter } from '../../../src/filters/openai-to-anthropic';
import { startHarness } from '../runner/harness';

const CLIENT_KEY = 'sk-client-SECRET-0123456789abcdef';
const TARGET_KEY = 'sk-ant-TARGET-SECRET-fedcba9876543210';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: string, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

describe('secrets never leak', () => {
  it('through the runner: request and response calls, refusals, at trace level', async () => {
    const h = await startHarness([createOpenAIToAnthropicFilter({ env: fixedEnv() })], {}, {});
    h.log.level = 'trace';
    try {
      const conf = [{ name: 'openai-to-anthropic', value: '{}' }];
      const headers = { authorization: `Bearer ${CLIENT_KEY}`, 'x-api-key': CLIENT_KEY, 'api-key': CLIENT_KEY, 'content-type': 'application/json' };
      const ok = await h.apisix.httpReqCall({ routeKey: 'route#s#ext-plugin-pre-req#1', conf, request: { method: 'POST', path: '/v1/chat/completions', headers, body: JSON.stringify({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }) } });
      expect(ok.kind).toBe('rewrite');
      const bad = await h.apisix.httpReqCall({ routeKey: 'route#s#ext-plugin-pre-req#1', conf, request: { method: 'POST', path: '/v1/chat/completions', headers, body: '{"model":' } });
      expect(bad.kind === 'stop' && bad.body!.toString()).not.toContain(CLIENT_KEY);
      if (ok.kind === 'rewrite') {
        await h.apisix.httpRespCall({ routeKey: 'route#s#ext-plugin-post-resp#1', conf, request: { method: 'POST', path: '/v1/chat/completions', headers: ok.request.headers }, upstream: { status: 401, headers: [['Content-Type', 'application/json']], body: JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } }) } });
      }
      await h.apisix.httpReqCall({ routeKey: 'route#s2#ext-plugin-pre-req#1', conf: [{ name: 'openai-to-anthropic', value: `{"bogus":"${CLIENT_KEY}"}` }], request: { method: 'POST', path: '/x', headers } });
      const logged = JSON.stringify(h.logs.lines);
      expect(h.logs.lines.length).toBeGreaterThan(3);
      expect(logged).not.toContain(CLIENT_KEY);
    } finally {
      await h.cleanup();
    }
  });

  it('through the bridge: client keys, target keys, upstream refusals, metrics', async () => {
    const mock = await startMockAnthropic({ keys: [TARGET_KEY] });
    const out = new Capture();
    const log = createLogger({ level: 'trace', destination: out, secretValues: [TARGET_KEY] });
    const metrics = new Metrics();
    const withKey = resolveTargets({ targets: { default: { base_url: mock.url, auth: { api_key_env: 'T_KEY' } }, clientkey: { base_url: mock.url } } }, { env: { T_KEY: TARGET_KEY } });
    const bridge = await startBridge({ targets: withKey, logger: log, metrics, env: fixedEnv() });
    try {
      const viaTarget = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${bridge.url}/v1`, maxRetries: 0 });
      const done = await viaTarget.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] });
      expect(done.choices[0].message.content).toBe('You said: hi');
      const viaClientKey = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${bridge.url}/t/clientkey/v1`, maxRetries: 0 });
      const err = await viaClientKey.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e as Error);
      expect((err as { status?: number }).status).toBe(401);
      expect(JSON.stringify(err)).not.toContain(CLIENT_KEY);
      const text = `${out.text}\n${await metrics.render()}`;
      expect(out.text.length).toBeGreaterThan(0);
      for (const secret of [CLIENT_KEY, TARGET_KEY]) expect(text).not.toContain(secret);
    } finally {
      await bridge.close();
      await mock.close();
    }
  });
});
