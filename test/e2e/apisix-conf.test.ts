/**
 * The shipped apisix-conf/ examples, loaded as APISIX would load them and driven through the runner,
 * the strict mock and the bridge, so that the documented configuration can never drift from the code.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { request } from 'undici';
import { parse } from 'yaml';
import { SchemaCompiler } from '../../src/config/ajv';
import { resolveTargets, type TargetsFile } from '../../src/config/targets';
import { fixedEnv, optionsSchema } from '../../src/core';
import { createOpenAIToAnthropicFilter } from '../../src/filters/openai-to-anthropic';
import { startBridge } from '../../src/bridge/server';
import { createLogger } from '../../src/log';
import { startMockAnthropic, type MockAnthropic } from '../../src/mock/server';
import { sdkParseCompletion, sdkParseStream } from '../helpers/openai-sdk';
import { startHarness, type Harness } from './runner/harness';

const DIR = join(__dirname, '../../apisix-conf');
type Obj = Record<string, any>;
const text = (rel: string) => readFileSync(join(DIR, rel), 'utf8');
const yamlOf = (rel: string): Obj => parse(text(rel));
/** APISIX's ${{VAR:=default}} substitution, with an empty environment. */
const substitute = (v: string) => v.replace(/\$\{\{(\w+)(?::=([^}]*))?\}\}/g, (_m, _name, def) => def ?? '');

const topologies = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const routesOf = (topology: string): Obj[] => yamlOf(`${topology}/apisix.yaml`).routes;
const extConf = (route: Obj, plugin: string): Array<{ name: string; value: string }> => route.plugins?.[plugin]?.conf ?? [];

describe('apisix-conf files', () => {
  it('has the three topologies', () => {
    expect(topologies.sort()).toEqual(['t1-direct', 't2-loopback', 't3-bridge']);
  });

  it.each(topologies)('%s/apisix.yaml ends with #END, as standalone mode requires', (t) => {
    expect(text(`${t}/apisix.yaml`)).toMatch(/\n#END\s*$/);
  });

  it('config.yaml variants keep the ext-plugin essentials', () => {
    const sidecar = yamlOf('config-sidecar.yaml');
    expect(sidecar['ext-plugin']).toEqual({ path_for_test: '/var/run/a6/runner.sock' });
    const spawned = yamlOf('config-spawned.yaml');
    expect(spawned['ext-plugin'].cmd[0]).toMatch(/^\//);
    expect(spawned['ext-plugin'].path_for_test).toBeUndefined();
    for (const c of [sidecar, spawned]) {
      expect(c.nginx_config.http_configuration_snippet).toMatch(/lua_socket_read_timeout\s+\d+s;/);
      expect(c.deployment.role_data_plane.config_provider).toBe('yaml');
      // Either APISIX's default plugin list or one that keeps the shared dict alive.
      if (c.plugins) expect(c.plugins.some((p: string) => p === 'ext-plugin-pre-req' || p === 'ext-plugin-post-req')).toBe(true);
    }
  });

  it('every ext-plugin conf names our filter with a value valid against its schema, and no route degrades', () => {
    const schemas = new SchemaCompiler();
    let seen = 0;
    for (const t of topologies) {
      for (const route of routesOf(t)) {
        for (const plugin of ['ext-plugin-pre-req', 'ext-plugin-post-req', 'ext-plugin-post-resp']) {
          if (route.plugins?.[plugin]) expect(route.plugins[plugin].allow_degradation ?? false).toBe(false);
          for (const entry of extConf(route, plugin)) {
            seen += 1;
            expect(entry.name).toBe('openai-to-anthropic');
            expect(schemas.check(optionsSchema, JSON.parse(entry.value))).toBeNull();
          }
        }
      }
    }
    expect(seen).toBe(4);
  });

  it('the bridge targets file is valid and T3 instances point at bridge paths that exist', () => {
    const targets = resolveTargets(yamlOf('bridge-targets.yaml'), { source: 'bridge-targets.yaml' });
    for (const route of routesOf('t3-bridge')) {
      for (const inst of route.plugins['ai-proxy-multi'].instances) {
        const path = new URL(inst.override.endpoint).pathname;
        const m = /^(?:\/t\/([^/]+))?\/v1\/chat\/completions$/.exec(path);
        expect(m).not.toBeNull();
        expect(targets.targets.has(m![1] ?? targets.defaultTarget!)).toBe(true);
      }
    }
  });
});

describe('T1 and T2 routes driven end to end', () => {
  let h: Harness;
  let mock: MockAnthropic;
  beforeAll(async () => {
    mock = await startMockAnthropic();
    h = await startHarness([createOpenAIToAnthropicFilter({ env: fixedEnv() })]);
  });
  afterAll(async () => {
    await h.cleanup();
    await mock.close();
  });

  /** What ai-proxy-multi (R2) does with the rewritten request: forward client headers minus host/content-length, overlay auth.header. */
  function asAiProxyMulti(headers: Array<readonly [string, string]>, r2: Obj): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [n, v] of headers) if (!['host', 'content-length', 'accept-encoding'].includes(n)) out[n] = v;
    const inst = r2.plugins['ai-proxy-multi'].instances[0];
    for (const [n, v] of Object.entries(inst.auth.header as Record<string, string>)) out[n.toLowerCase()] = substitute(v);
    return out;
  }

  async function roundTrip(topology: string, body: Obj) {
    const routes = routesOf(topology);
    const r1 = routes[0];
    const routeKey = (p: string) => `route#${r1.id}#${p}#1`;
    const req = await h.apisix.httpReqCall({
      routeKey: routeKey('ext-plugin-pre-req'), conf: extConf(r1, 'ext-plugin-pre-req'),
      request: { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: 'Bearer client-key', host: 'gw.example' }, body: JSON.stringify(body) },
    });
    if (req.kind !== 'rewrite') throw new Error(`expected rewrite, got ${req.kind}`);
    const path = req.upstreamUri!.split('?')[0];
    let headers: Record<string, string>;
    if (topology === 't2-loopback') {
      const r2 = routes.find((r) => r.uri === path)!;
      expect(r2.vars).toEqual([['server_port', '==', '9081']]);
      headers = asAiProxyMulti(req.request.headers, r2);
    } else {
      headers = Object.fromEntries(req.request.headers.filter(([n]) => n !== 'host'));
    }
    const up = await request(`${mock.url}${path}`, { method: 'POST', headers, body: req.request.body });
    const upBody = Buffer.from(await up.body.arrayBuffer());
    const resp = await h.apisix.httpRespCall({
      routeKey: routeKey('ext-plugin-post-resp'), conf: extConf(r1, 'ext-plugin-post-resp'),
      request: { method: 'POST', path: '/v1/chat/completions', headers: req.request.headers },
      upstream: { status: up.statusCode, headers: Object.entries(up.headers).map(([n, v]) => [n, String(v)] as [string, string]), body: upBody },
    });
    if (resp.kind !== 'response') throw new Error(resp.error);
    return resp;
  }

  it.each(['t1-direct', 't2-loopback'])('%s: the seed request comes back as a chat.completion the SDK parses', async (t) => {
    const before = mock.received.length;
    const resp = await roundTrip(t, { model: 'gpt-4o', messages: [{ role: 'system', content: 'You are a mathematician' }, { role: 'user', content: 'What is 1+1?' }] });
    expect(mock.received.length).toBe(before + 1);
    expect(mock.received[before].body).toMatchObject({ model: 'claude-sonnet-4-5', system: [{ type: 'text', text: 'You are a mathematician' }] });
    const completion = await sdkParseCompletion(resp.body.toString('utf8'));
    expect(completion.model).toBe('gpt-4o');
    expect(completion.choices[0].message.content).toBe('You said: What is 1+1?');
  });

  it.each(['t1-direct', 't2-loopback'])('%s: tools across two turns: the second turn sends back what the first returned', async (t) => {
    const tools = [{ type: 'function' as const, function: { name: 'weather.get', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const first = await roundTrip(t, { model: 'gpt-4o', tools, messages: [{ role: 'user', content: '[[mock:tool]] weather in Paris?' }] });
    const c1 = await sdkParseCompletion(first.body.toString('utf8'));
    expect(c1.choices[0].finish_reason).toBe('tool_calls');
    const call = c1.choices[0].message.tool_calls![0];
    expect(call.type === 'function' && call.function.name).toBe('weather.get');
    const before = mock.received.length;
    const second = await roundTrip(t, {
      model: 'gpt-4o', tools,
      messages: [{ role: 'user', content: 'weather in Paris?' }, c1.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 C' }],
    });
    expect(second.status).toBe(200);
    const sent = mock.received[before].body as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
    expect(sent.messages[1].content[0]).toMatchObject({ type: 'tool_use', id: call.id, name: 'weather_get' });
    expect(sent.messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: call.id });
    const c2 = await sdkParseCompletion(second.body.toString('utf8'));
    expect(c2.choices[0].message.content).toBe('You said: (nothing)');
  });

  it.each(['t1-direct', 't2-loopback'])('%s: a streamed request comes back as a complete chunk stream', async (t) => {
    const resp = await roundTrip(t, { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: '[[mock:parallel-tools]] go' }], tools: [{ type: 'function', function: { name: 'get.weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] });
    const { final } = await sdkParseStream(resp.body.toString('utf8'));
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(final.choices[0].message.tool_calls!.map((c) => c.type === 'function' && c.function.name)).toEqual(['get.weather', 'get.weather']);
  });
});

describe('T3 route driven through the bridge', () => {
  it('the instance auth reaches the upstream as x-api-key and the SDK streams the answer', async () => {
    const mock = await startMockAnthropic();
    const file = yamlOf('bridge-targets.yaml') as TargetsFile;
    for (const t of Object.values(file.targets!)) t.base_url = mock.url;
    const bridge = await startBridge({ targets: resolveTargets(file), logger: createLogger({ level: 'silent' }), env: fixedEnv() });
    try {
      const inst = routesOf('t3-bridge')[0].plugins['ai-proxy-multi'].instances[0];
      const endpoint = new URL(inst.override.endpoint);
      const client = new OpenAI({ apiKey: 'unused', baseURL: `${bridge.url}${endpoint.pathname.replace(/\/chat\/completions$/, '')}`, maxRetries: 0, defaultHeaders: { Authorization: substitute(inst.auth.header.Authorization) } });
      const stream = client.chat.completions.stream({ model: inst.options.model, messages: [{ role: 'user', content: 'hello' }], stream: true });
      const final = await stream.finalChatCompletion();
      expect(final.choices[0].message.content).toBe('You said: hello');
      expect(mock.received[0].headers['x-api-key']).toBe('demo-key');
      expect(mock.received[0].headers.authorization).toBeUndefined();
    } finally {
      await bridge.close();
      await mock.close();
    }
  });
});
