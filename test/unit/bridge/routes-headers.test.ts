import { resolveTargets, type TargetFileEntry } from '../../../src/config/targets';
import { matchRoute } from '../../../src/bridge/routes';
import { beforeResponseError, duringBodyError, upstreamRequestHeaders } from '../../../src/bridge/upstream';

describe('matchRoute', () => {
  test.each([
    ['POST', '/v1/chat/completions', { kind: 'chat', target: undefined }],
    ['POST', '/v1/chat/completions?x=1', { kind: 'chat', target: undefined }],
    ['POST', '/t/azure-1/v1/chat/completions', { kind: 'chat', target: 'azure-1' }],
    ['GET', '/t/azure/v1/models', { kind: 'models', target: 'azure' }],
    ['GET', '/v1/models', { kind: 'models', target: undefined }],
    ['GET', '/healthz', { kind: 'healthz' }],
    ['GET', '/readyz', { kind: 'readyz' }],
    ['GET', '/metrics', { kind: 'metrics' }],
    ['GET', '/v1/chat/completions', { kind: 'method_not_allowed', allow: 'POST' }],
    ['POST', '/metrics', { kind: 'method_not_allowed', allow: 'GET, HEAD' }],
    ['GET', '/t/a/healthz', { kind: 'not_found' }],
    ['POST', '/t/../v1/chat/completions', { kind: 'not_found' }],
    ['POST', '/t/a.b/v1/chat/completions', { kind: 'not_found' }],
    ['POST', '/t/http:%2F%2Fevil/v1/chat/completions', { kind: 'not_found' }],
    ['POST', '//evil.com/v1/chat/completions', { kind: 'not_found' }],
    ['POST', '/v1/chat/completions/', { kind: 'not_found' }],
  ])('%s %s', (method, url, expected) => {
    expect(matchRoute(method, url)).toEqual(expected);
  });
});

function target(entry: Partial<TargetFileEntry>, env: Record<string, string> = {}) {
  return resolveTargets({ targets: { t: { base_url: 'https://up.example', ...entry } } }, { env }).targets.get('t')!;
}

describe('upstreamRequestHeaders', () => {
  const client = {
    authorization: 'Bearer sk-client', 'openai-organization': 'org', host: 'bridge', 'content-length': '10', 'x-trace': 'abc',
    'anthropic-beta': 'b1', 'user-agent': 'OpenAI/JS', cookie: 'c=1',
  };

  test('x-api-key style: only what we build goes upstream', () => {
    expect(upstreamRequestHeaders(target({}), client, true)).toEqual({
      'x-api-key': 'sk-client', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'b1',
      'content-type': 'application/json', accept: 'text/event-stream',
    });
  });

  test('forward_headers pass named headers, never hop-by-hop or framing ones', () => {
    const h = upstreamRequestHeaders(target({ forward_headers: ['x-trace', 'host', 'content-length', 'authorization'] }), client, false);
    expect(h['x-trace']).toBe('abc');
    expect(h.host).toBeUndefined();
    expect(h['content-length']).toBeUndefined();
    // authorization was mapped to x-api-key; the core says it must not also go as-is.
    expect(h.authorization).toBeUndefined();
    expect(h.accept).toBe('application/json');
  });

  test('bearer style, and a configured key that replaces the client one', () => {
    expect(upstreamRequestHeaders(target({ auth: { style: 'bearer' } }), { 'api-key': 'k1' }, false).authorization).toBe('Bearer k1');
    const keyed = upstreamRequestHeaders(target({ auth: { api_key_env: 'K' } }, { K: 'sk-conf' }), client, false);
    expect(keyed['x-api-key']).toBe('sk-conf');
    expect(JSON.stringify(keyed)).not.toContain('sk-client');
  });

  test('passthrough keeps the client credential headers as they are', () => {
    const h = upstreamRequestHeaders(target({ auth: { style: 'passthrough' } }), { 'x-api-key': 'k2', authorization: 'Bearer e' }, false);
    expect(h['x-api-key']).toBe('k2');
    expect(h.authorization).toBe('Bearer e');
  });
});

describe('transport failures', () => {
  const t = target({});
  test('before the status line', () => {
    expect(beforeResponseError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), t)).toMatchObject({ code: 'ERR_BRIDGE_UPSTREAM_UNREACHABLE', status: 502 });
    expect(beforeResponseError(Object.assign(new Error('x'), { code: 'UND_ERR_CONNECT_TIMEOUT' }), t)).toMatchObject({ code: 'ERR_BRIDGE_UPSTREAM_TIMEOUT', status: 504, type: 'timeout_error' });
    expect(beforeResponseError(Object.assign(new Error('x'), { cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } }), t)).toMatchObject({ code: 'ERR_BRIDGE_UPSTREAM_TIMEOUT' });
  });
  test('in the middle of the body', () => {
    expect(duringBodyError(Object.assign(new Error('x'), { code: 'UND_ERR_BODY_TIMEOUT' }), t)).toMatchObject({ code: 'ERR_BRIDGE_UPSTREAM_TIMEOUT', status: 504 });
    expect(duringBodyError(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }), t)).toMatchObject({ code: 'ERR_BRIDGE_UPSTREAM_RESET', status: 502 });
  });
});

describe('auth.header: which of two forwarded credentials is meant', () => {
  // ai-proxy-multi forwards the client's Authorization (its APISIX key) and adds the instance's header.
  const both = { authorization: 'Bearer apisix-consumer-key', 'x-api-key': 'sk-ant-instance' };

  test('without auth.header the core precedence applies (Authorization first)', () => {
    expect(upstreamRequestHeaders(target({}), both, false)['x-api-key']).toBe('apisix-consumer-key');
  });

  test('auth.header x-api-key takes the instance key and drops the other', () => {
    const h = upstreamRequestHeaders(target({ auth: { header: 'x-api-key' } }), both, false);
    expect(h['x-api-key']).toBe('sk-ant-instance');
    expect(JSON.stringify(h)).not.toContain('apisix-consumer-key');
  });

  test('auth.header authorization with bearer style; a missing header sends no credential', () => {
    expect(upstreamRequestHeaders(target({ auth: { header: 'authorization', style: 'bearer' } }), both, false).authorization).toBe('Bearer apisix-consumer-key');
    const none = upstreamRequestHeaders(target({ auth: { header: 'api-key' } }), both, false);
    expect(none['x-api-key']).toBeUndefined();
    expect(none.authorization).toBeUndefined();
  });

  test('passthrough with auth.header forwards only that header, unchanged', () => {
    const h = upstreamRequestHeaders(target({ auth: { header: 'x-api-key', style: 'passthrough' } }), both, false);
    expect(h['x-api-key']).toBe('sk-ant-instance');
    expect(h.authorization).toBeUndefined();
  });
});
