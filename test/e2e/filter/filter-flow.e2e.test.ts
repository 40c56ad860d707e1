/**
 * The openai-to-anthropic filter driven over a real Unix socket by the fake APISIX client, which
 * applies the runner's replies exactly as APISIX 3.18 does. The upstream answer is scripted here; the
 * strict mock is used by the T1/T2 tests. Client-side bodies are parsed by the official OpenAI SDK.
 */
import { fixedEnv } from '../../../src/core';
import { createOpenAIToAnthropicFilter } from '../../../src/filters/openai-to-anthropic';
import { FakeApisix } from '../../helpers/fake-apisix';
import { sdkParseCompletion, sdkParseStream } from '../../helpers/openai-sdk';
import { startHarness, type Harness } from '../runner/harness';

const ROUTE_REQ = 'route#r1#ext-plugin-pre-req#1';
const ROUTE_RESP = 'route#r1#ext-plugin-post-resp#1';
const conf = (value = '{"model_aliases":{"gpt-4o":"claude-sonnet-4-5"}}') => [{ name: 'openai-to-anthropic', value }];
const seed = { model: 'gpt-4o', messages: [{ role: 'system', content: 'You are a mathematician' }, { role: 'user', content: 'What is 1+1?' }] };

function chatRequest(body: unknown, extraHeaders: Record<string, string> = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), authorization: 'Bearer sk-client-key', 'accept-encoding': 'gzip', ...extraHeaders },
    body: text,
  };
}

const anthropicMessage = {
  id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: '1 + 1 = 2' }, { type: 'tool_use', id: 'toolu_1', name: 'calc_add', input: { a: 1, b: 1 } }],
  stop_reason: 'tool_use', stop_sequence: null, usage: { input_tokens: 12, output_tokens: 9, cache_read_input_tokens: 3 },
};

let h: Harness;
beforeEach(async () => {
  h = await startHarness([createOpenAIToAnthropicFilter({ env: fixedEnv() })]);
});
afterEach(async () => {
  await h.cleanup();
});

async function rewrite(body: unknown, value?: string) {
  const r = await h.apisix.httpReqCall({ routeKey: ROUTE_REQ, conf: conf(value), request: chatRequest(body) });
  if (r.kind !== 'rewrite') throw new Error(`expected a rewrite, got ${r.kind}`);
  return r;
}

const header = (headers: Array<readonly [string, string]>, name: string) => headers.find(([n]) => n === name)?.[1];

describe('request side', () => {
  it('rewrites the seed request into an Anthropic Messages request', async () => {
    const r = await rewrite(seed);
    const sent = JSON.parse(r.request.body!.toString('utf8'));
    expect(sent).toEqual({
      model: 'claude-sonnet-4-5', max_tokens: 8192,
      system: [{ type: 'text', text: 'You are a mathematician' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is 1+1?' }] }],
    });
    expect(r.upstreamUri).toBe('/v1/messages');
    const hs = r.request.headers;
    expect(header(hs, 'content-length')).toBe(String(r.request.body!.length));
    expect(header(hs, 'x-api-key')).toBe('sk-client-key');
    expect(header(hs, 'anthropic-version')).toBe('2023-06-01');
    for (const gone of ['authorization', 'transfer-encoding', 'accept-encoding']) expect(header(hs, gone)).toBeUndefined();
    expect(header(hs, 'x-a6-bridge-state')).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('uses the configured path and keeps a Bearer credential for Azure AI Foundry with Entra ID', async () => {
    const r = await rewrite(seed, '{"upstream_path":"/anthropic/v1/messages","auth":"bearer","anthropic_beta":["b1"]}');
    expect(r.upstreamUri).toBe('/anthropic/v1/messages');
    expect(header(r.request.headers, 'authorization')).toBe('Bearer sk-client-key');
    expect(header(r.request.headers, 'anthropic-beta')).toBe('b1');
  });

  it.each([
    ['not JSON', '{"model":', 400, 'ERR_REQUEST_NOT_JSON'],
    ['a JSON array', '[1,2]', 400, 'ERR_REQUEST_NOT_OBJECT'],
    ['without messages', '{"model":"gpt-4o"}', 400, 'ERR_REQUEST_INVALID'],
    ['with n=2', JSON.stringify({ ...seed, n: 2 }), 400, 'ERR_REQUEST_UNSUPPORTED_FIELD'],
    ['with an svg image', JSON.stringify({ model: 'x', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,AA==' } }] }] }), 400, 'ERR_IMAGE_MEDIA_TYPE'],
  ])('answers a body %s with an OpenAI-shaped error and no upstream call', async (_what, body, status, code) => {
    const r = await h.apisix.httpReqCall({ routeKey: ROUTE_REQ, conf: conf(), request: chatRequest(body) });
    expect(r.kind).toBe('stop');
    if (r.kind !== 'stop') return;
    expect(r.status).toBe(status);
    expect(header(r.headers, 'content-type')).toBe('application/json');
    expect(JSON.parse(r.body!.toString('utf8')).error).toMatchObject({ code, type: 'invalid_request_error' });
  });

  it('answers GET /v1/models with the aliases in OpenAI list shape', async () => {
    const r = await h.apisix.httpReqCall({ routeKey: ROUTE_REQ, conf: conf(), request: { method: 'GET', path: '/v1/models' } });
    expect(r.kind).toBe('stop');
    if (r.kind !== 'stop') return;
    const list = JSON.parse(r.body!.toString('utf8'));
    expect(list).toMatchObject({ object: 'list', data: [{ id: 'gpt-4o', object: 'model', owned_by: 'anthropic' }] });
  });

  it('refuses unknown options when APISIX prepares the conf, naming the problem in the log', async () => {
    const r = await h.apisix.httpReqCall({ routeKey: 'route#bad#ext-plugin-pre-req#1', conf: conf('{"modle_aliases":{}}'), request: chatRequest(seed) });
    expect(r).toMatchObject({ kind: 'error', status: 503 });
    const line = h.logs.find(/route conf refused/)[0];
    expect(line).toMatchObject({ route_key: 'route#bad#ext-plugin-pre-req#1', filter: 'openai-to-anthropic' });
    expect(String(line.problem)).toContain('modle_aliases');
  });
});

describe('response side', () => {
  it('converts a JSON answer on a new connection, after a runner restart, with state from the request header', async () => {
    const r = await rewrite({ ...seed, tools: [{ type: 'function', function: { name: 'calc.add', parameters: { type: 'object' } } }] });
    await h.restart();
    const fresh = new FakeApisix({ socketPath: h.socketPath });
    try {
      const resp = await fresh.httpRespCall({
        routeKey: ROUTE_RESP, conf: conf(), request: { method: 'POST', path: '/v1/chat/completions', headers: r.request.headers },
        upstream: { status: 200, headers: [['Content-Type', 'application/json'], ['request-id', 'req_77'], ['Content-Length', '999']], body: JSON.stringify(anthropicMessage) },
      });
      expect(resp.kind).toBe('response');
      if (resp.kind !== 'response') return;
      expect(header(resp.headers, 'content-type')).toBe('application/json');
      expect(header(resp.headers, 'x-request-id')).toBe('req_77');
      expect(header(resp.headers, 'content-length')).toBeUndefined();
      const completion = await sdkParseCompletion(resp.body.toString('utf8'));
      expect(completion.model).toBe('gpt-4o');
      expect(completion.choices[0].finish_reason).toBe('tool_calls');
      expect(completion.choices[0].message.content).toBe('1 + 1 = 2');
      const call = completion.choices[0].message.tool_calls![0];
      expect(call.type === 'function' && call.function.name).toBe('calc.add');
      expect(completion.usage).toMatchObject({ prompt_tokens: 15, completion_tokens: 9, total_tokens: 24 });
    } finally {
      await fresh.close();
    }
  });

  it('converts a whole SSE answer (charset in the content type) into a chunk stream the SDK accumulates', async () => {
    const r = await rewrite({ ...seed, stream: true, stream_options: { include_usage: true } });
    const ev = (type: string, o: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...o })}\n\n`;
    const sse = ev('message_start', { message: { ...anthropicMessage, content: [], stop_reason: null, usage: { input_tokens: 12, output_tokens: 1 } } })
      + ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })
      + ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: '2' } })
      + ev('content_block_stop', { index: 0 }) + ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }) + ev('message_stop', {});
    const resp = await h.apisix.httpRespCall({
      routeKey: ROUTE_RESP, conf: conf(), request: { method: 'POST', path: '/v1/chat/completions', headers: r.request.headers },
      upstream: { status: 200, headers: [['Content-Type', 'text/event-stream; charset=utf-8']], body: sse },
    });
    if (resp.kind !== 'response') throw new Error(resp.error);
    expect(header(resp.headers, 'content-type')).toBe('text/event-stream');
    const text = resp.body.toString('utf8');
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    const { final, chunks } = await sdkParseStream(text);
    expect(final.choices[0].message.content).toBe('2');
    expect(chunks[chunks.length - 1].usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 2 });
  });

  it('folds a streamed answer into one chat.completion when the client asked for JSON', async () => {
    const r = await rewrite(seed);
    const ev = (type: string, o: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...o })}\n\n`;
    const sse = ev('message_start', { message: { ...anthropicMessage, content: [], stop_reason: null, usage: { input_tokens: 12, output_tokens: 1 } } })
      + ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) + ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'two' } })
      + ev('content_block_stop', { index: 0 }) + ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }) + ev('message_stop', {});
    const resp = await h.apisix.httpRespCall({
      routeKey: ROUTE_RESP, conf: conf(), request: { method: 'POST', path: '/v1/chat/completions', headers: r.request.headers },
      upstream: { status: 200, headers: [['Content-Type', 'text/event-stream']], body: sse },
    });
    if (resp.kind !== 'response') throw new Error(resp.error);
    expect(header(resp.headers, 'content-type')).toBe('application/json');
    const completion = await sdkParseCompletion(resp.body.toString('utf8'));
    expect(completion.choices[0].message.content).toBe('two');
    expect(completion.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3 });
  });

  it('replays a JSON answer as a stream when the client asked for one', async () => {
    const r = await rewrite({ ...seed, stream: true });
    const resp = await h.apisix.httpRespCall({
      routeKey: ROUTE_RESP, conf: conf(), request: { method: 'POST', path: '/v1/chat/completions', headers: r.request.headers },
      upstream: { status: 200, headers: [['Content-Type', 'application/json']], body: JSON.stringify(anthropicMessage) },
    });
    if (resp.kind !== 'response') throw new Error(resp.error);
    const { final } = await sdkParseStream(resp.body.toString('utf8'));
    expect(final.choices[0].message.content).toBe('1 + 1 = 2');
    expect(final.choices[0].finish_reason).toBe('tool_calls');
  });

  it.each([
    [400, 'invalid_request_error', 400, 'invalid_request_error'],
    [401, 'authentication_error', 401, 'authentication_error'],
    [429, 'rate_limit_error', 429, 'rate_limit_error'],
    [529, 'overloaded_error', 503, 'overloaded_error'],
  ])('maps an upstream %i %s to %i with an OpenAI error body', async (status, type, outStatus, outType) => {
    const r = await rewrite(seed);
    const resp = await h.apisix.httpRespCall({
      routeKey: ROUTE_RESP, conf: conf(), request: { method: 'POST', path: '/v1/chat/completions', headers: r.request.headers },
      upstream: { status, headers: [['Content-Type', 'application/json'], ['retry-after', '7']], body: JSON.stringify({ type: 'error', error: { type, message: 'upstream says no' } }) },
    });
    if (resp.kind !== 'response') throw new Error(resp.error);
    expect(resp.status).toBe(outStatus);
    expect(header(resp.headers, 'retry-after')).toBe('7');
    expect(JSON.parse(resp.body.toString('utf8'))).toEqual({ error: { message: 'upstream says no', type: outType, param: null, code: type } });
  });

  it('maps a non-JSON 502 from a proxy to an api_error', async () => {
    const r = await rewrite(seed);
    const resp = await h.apisix.httpRespCall({
      routeKey: ROUTE_RESP, conf: conf(), request: { method: 'POST', path: '/v1/chat/completions', headers: r.request.headers },
      upstream: { status: 502, headers: [['Content-Type', 'text/html']], body: '<html><body>Bad Gateway</body></html>' },
    });
    if (resp.kind !== 'response') throw new Error(resp.error);
    expect(resp.status).toBe(502);
    expect(JSON.parse(resp.body.toString('utf8')).error).toMatchObject({ type: 'api_error', message: expect.stringContaining('Bad Gateway') });
  });

  it('passes the answer through untouched (and says so) when the request carries no state', async () => {
    const resp = await h.apisix.httpRespCall({
      routeKey: ROUTE_RESP, conf: conf(), request: { method: 'POST', path: '/v1/chat/completions', headers: {} },
      upstream: { status: 200, headers: [['Content-Type', 'application/json']], body: '{"raw":true}' },
    });
    if (resp.kind !== 'response') throw new Error(resp.error);
    expect(resp.body.toString('utf8')).toBe('{"raw":true}');
    expect(h.logs.find(/no conversion state/).length).toBe(1);
  });
});
