import { request } from 'undici';
import { Readable } from 'node:stream';
import OpenAI, { APIError } from 'openai';
import { startBridgeHarness, startScriptedUpstream, textStream, type BridgeHarness, type ScriptedUpstream } from './harness';

let up: ScriptedUpstream;
let h: BridgeHarness;
let ready = true;

beforeEach(async () => {
  ready = true;
  up = await startScriptedUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_up_1' });
    res.end(textStream(['Hello', ' world']));
  });
  h = await startBridgeHarness({
    default: { base_url: up.url, options: { model_aliases: { 'gpt-4o': 'claude-sonnet-4-5' } }, forward_headers: ['x-trace-id', 'host'] },
    azure: { base_url: `${up.url}/anthropic`, auth: { style: 'bearer' }, options: { model_aliases: { fast: 'claude-haiku-4-5' }, anthropic_beta: ['b-conf'] } },
    keyed: { base_url: up.url, auth: { api_key_env: 'BRIDGE_KEY' } },
  }, { secrets: { BRIDGE_KEY: 'sk-configured-secret' }, maxBody: 4096, ready: () => ready });
});

afterEach(async () => {
  await h.close();
  await up.close();
});

test('a streamed answer through the default target, with the request converted and the upstream id kept', async () => {
  const client = h.sdk({ headers: { 'x-trace-id': 't-1' } });
  const { data: stream, response } = await client.chat.completions.create({ model: 'gpt-4o', stream: true, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] }).withResponse();
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  expect(text).toBe('Hello world');
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-cache');
  expect(response.headers.get('x-accel-buffering')).toBe('no');
  expect(response.headers.get('x-request-id')).toBe('req_up_1');
  const sent = up.received[0];
  expect(sent.url).toBe('/v1/messages');
  expect(JSON.parse(sent.body)).toMatchObject({ model: 'claude-sonnet-4-5', system: [{ type: 'text', text: 'be brief' }], stream: true });
  expect(sent.headers['x-api-key']).toBe('sk-client-key');
  expect(sent.headers.authorization).toBeUndefined();
  expect(sent.headers['anthropic-version']).toBe('2023-06-01');
  expect(sent.headers['x-trace-id']).toBe('t-1');
  expect(sent.headers.host).toBe(new URL(up.url).host);
  expect(sent.headers['x-stainless-lang']).toBeUndefined();
});

test('a named target: its path prefix, bearer auth and merged betas', async () => {
  await h.sdk({ target: 'azure', headers: { 'anthropic-beta': 'b-client' } }).chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hi' }], stream: true });
  const sent = up.received[0];
  expect(sent.url).toBe('/anthropic/v1/messages');
  expect(sent.headers.authorization).toBe('Bearer sk-client-key');
  expect(sent.headers['x-api-key']).toBeUndefined();
  expect(sent.headers['anthropic-beta']).toBe('b-client,b-conf');
  expect(JSON.parse(sent.body).model).toBe('claude-haiku-4-5');
});

test('a key configured on the target replaces the client credential and is never logged', async () => {
  await h.sdk({ target: 'keyed', apiKey: 'sk-client-should-not-pass' }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
  expect(up.received[0].headers['x-api-key']).toBe('sk-configured-secret');
  expect(JSON.stringify(up.received[0].headers)).not.toContain('sk-client-should-not-pass');
  expect(h.logs.text).not.toContain('sk-configured-secret');
  expect(h.logs.text).not.toContain('sk-client-should-not-pass');
  const line = h.logs.lines.find((l) => l.msg === 'bridge request');
  expect(line).toMatchObject({ target: 'keyed', route: 'chat_completions', status: 200, stream: true, upstream_status: 200, outcome: 'done' });
  expect(typeof line!.request_id).toBe('string');
  expect(typeof line!.duration_ms).toBe('number');
});

test('unknown target -> 404 in OpenAI shape, and the upstream is never called', async () => {
  const err = await h.sdk({ target: 'evil' }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((x: unknown) => x);
  expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  expect((err as APIError).code).toBe('ERR_BRIDGE_TARGET_UNKNOWN');
  const host = await request(`${h.bridge.url}/t/..%2F..%2Fevil.com/v1/chat/completions`, { method: 'POST', body: '{}' });
  expect(host.statusCode).toBe(404);
  await host.body.dump();
  expect(up.received).toHaveLength(0);
});

test('body not JSON -> 400; conversion refusal -> 400 with the core code; wrong method -> 405; unknown path -> 404', async () => {
  const notJson = await request(`${h.bridge.url}/v1/chat/completions`, { method: 'POST', body: '{"model":', headers: { 'content-type': 'application/json' } });
  expect(notJson.statusCode).toBe(400);
  expect(await notJson.body.json()).toMatchObject({ error: { code: 'ERR_REQUEST_NOT_JSON', type: 'invalid_request_error' } });
  const n2 = await h.sdk().chat.completions.create({ model: 'm', n: 2, messages: [{ role: 'user', content: 'hi' }] }).catch((x: unknown) => x);
  expect(n2).toBeInstanceOf(OpenAI.BadRequestError);
  expect((n2 as APIError).code).toBe('ERR_REQUEST_UNSUPPORTED_FIELD');
  const get = await request(`${h.bridge.url}/v1/chat/completions`);
  expect(get.statusCode).toBe(405);
  expect(get.headers.allow).toBe('POST');
  await get.body.dump();
  const nowhere = await request(`${h.bridge.url}/v2/anything`);
  expect(nowhere.statusCode).toBe(404);
  expect(await nowhere.body.json()).toMatchObject({ error: { code: 'ERR_BRIDGE_ROUTE_NOT_FOUND' } });
  expect(up.received).toHaveLength(0);
});

test('a body over the limit -> 413 without reading it all, announced or chunked', async () => {
  const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(8000) }] });
  const announced = await h.sdk().chat.completions.create(JSON.parse(big)).catch((x: unknown) => x);
  expect(announced).toBeInstanceOf(APIError);
  expect((announced as APIError).status).toBe(413);
  expect((announced as APIError).code).toBe('ERR_BRIDGE_BODY_TOO_LARGE');
  async function* chunked() {
    for (let i = 0; i < 100; i++) yield Buffer.alloc(1024, 0x20);
  }
  const res = await request(`${h.bridge.url}/v1/chat/completions`, { method: 'POST', body: Readable.from(chunked()) }).catch((x: Error) => x);
  // Either the 413 arrives, or the bridge closed the connection while we were still sending.
  if (res instanceof Error) {
    expect(res.message).toMatch(/socket|closed|reset|EPIPE/i);
  } else {
    expect(res.statusCode).toBe(413);
    await res.body.dump();
  }
  expect(up.received).toHaveLength(0);
});

test('GET /v1/models lists the target aliases; healthz, readyz follow the callback', async () => {
  const models = await h.sdk({ target: 'azure' }).models.list();
  expect(models.data.map((m) => m.id)).toEqual(['fast']);
  const health = await request(`${h.bridge.url}/healthz`);
  expect(health.statusCode).toBe(200);
  await health.body.dump();
  const isReady = await request(`${h.bridge.url}/readyz`);
  expect(isReady.statusCode).toBe(200);
  await isReady.body.dump();
  ready = false;
  const notReady = await request(`${h.bridge.url}/readyz`);
  expect(notReady.statusCode).toBe(503);
  expect(await notReady.body.json()).toEqual({ status: 'not ready' });
});

test('GET /metrics exposes the counters after traffic', async () => {
  await h.sdk().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } })
    .then(async (s) => {
      for await (const _ of s) void _;
    });
  await h.sdk({ target: 'nope' }).models.list().catch(() => undefined);
  const res = await request(`${h.bridge.url}/metrics`);
  expect(res.statusCode).toBe(200);
  const text = await res.body.text();
  expect(text).toContain('a6_bridge_requests_total{target="default",route="chat_completions",status="200"} 1');
  expect(text).toContain('a6_bridge_requests_total{target="-",route="models",status="404"} 1');
  expect(text).toContain('a6_bridge_errors_total{type="ERR_BRIDGE_TARGET_UNKNOWN"} 1');
  expect(text).toContain('a6_bridge_upstream_responses_total{target="default",status="200"} 1');
  expect(text).toContain('a6_bridge_tokens_total{target="default",kind="prompt"} 10');
  expect(text).toContain('a6_bridge_tokens_total{target="default",kind="completion"} 5');
  expect(text).toMatch(/a6_bridge_time_to_first_chunk_seconds_count\{target="default"\} 1/);
  expect(text).toMatch(/a6_bridge_conversion_seconds_count\{direction="request"\} 1/);
  expect(text).toContain('a6_bridge_active_streams{target="default"} 0');
});

test('non-streaming: one chat.completion', async () => {
  up.setScript((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      id: 'msg_9', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'Two.' }],
      stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 7, output_tokens: 2 },
    }));
  });
  const c = await h.sdk().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: '1+1?' }] });
  expect(c.object).toBe('chat.completion');
  expect(c.model).toBe('gpt-4o');
  expect(c.choices[0].message.content).toBe('Two.');
  expect(c.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 });
  expect(JSON.parse(up.received[0].body).stream).toBeUndefined();
});
