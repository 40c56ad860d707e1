import { convertResponseHeaders, convertUpstreamError, formatResetDuration, resolveOptions, decodeResponseState, encodeResponseState } from '../../../src/core';

const options = resolveOptions({});
const anthropicError = (type: string, message = 'm') => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_1' });

describe('convertUpstreamError', () => {
  it.each([
    [400, 'invalid_request_error', 400, 'invalid_request_error'],
    [401, 'authentication_error', 401, 'authentication_error'],
    [402, 'billing_error', 402, 'insufficient_quota'],
    [403, 'permission_error', 403, 'permission_error'],
    [404, 'not_found_error', 404, 'not_found_error'],
    [413, 'request_too_large', 413, 'invalid_request_error'],
    [429, 'rate_limit_error', 429, 'rate_limit_error'],
    [500, 'api_error', 500, 'api_error'],
    [504, 'timeout_error', 504, 'timeout_error'],
    [529, 'overloaded_error', 503, 'overloaded_error'],
    [500, 'brand_new_error', 500, 'api_error'],
  ])('HTTP %i %s -> %i %s', (status, type, outStatus, outType) => {
    const r = convertUpstreamError(status, anthropicError(type, 'details here'), options);
    expect(r.status).toBe(outStatus);
    expect(r.body).toEqual({ error: { message: 'details here', type: outType, param: null, code: type } });
  });

  it('keeps 529 when configured', () => {
    expect(convertUpstreamError(529, anthropicError('overloaded_error'), resolveOptions({ overloaded_status: 529 })).status).toBe(529);
  });

  it('turns an HTML proxy page into an api_error with the original status and a short excerpt', () => {
    const html = `<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>${'x'.repeat(1000)}</body></html>`;
    const r = convertUpstreamError(502, html, options);
    expect(r.status).toBe(502);
    expect(r.body.error.type).toBe('api_error');
    expect(r.body.error.message).toMatch(/^Upstream returned HTTP 502 with a non-JSON body: 502 Bad Gateway Bad Gateway x+\.\.\.$/);
    expect(r.body.error.message.length).toBeLessThan(300);
    expect(convertUpstreamError(500, '', options).body.error.message).toMatch(/empty body/);
  });
});

describe('convertResponseHeaders', () => {
  it('maps request-id, retry-after and rate-limit headers with reset durations', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(convertResponseHeaders({
      'request-id': 'req_9', 'retry-after': '12', 'anthropic-ratelimit-requests-limit': '50', 'anthropic-ratelimit-requests-remaining': '49',
      'anthropic-ratelimit-requests-reset': '2026-01-01T00:06:00Z', 'anthropic-ratelimit-tokens-reset': '2026-01-01T00:00:01.5Z', 'content-type': 'application/json',
    }, now)).toEqual({
      'x-request-id': 'req_9', 'retry-after': '12', 'x-ratelimit-limit-requests': '50', 'x-ratelimit-remaining-requests': '49',
      'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-reset-tokens': '2s',
    });
  });

  it.each([[0, '0s'], [-5, '0s'], [250, '250ms'], [1000, '1s'], [61_000, '1m1s'], [3_723_000, '1h2m3s']])('formats %i ms as %s', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });
});

describe('response state header', () => {
  it('round-trips, tool maps with unicode included', () => {
    const s = { clientModel: 'gpt-4o', stream: true, includeUsage: true, toolNames: { a_b: 'a.b', x_y: 'x/ü' }, jsonTool: 'answer' };
    const v = encodeResponseState(s);
    expect(v).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeResponseState(v)).toEqual(s);
  });

  it.each([undefined, '', 'not base64!', 'e30', encodeResponseState({ clientModel: 'm', stream: false, includeUsage: false }).slice(0, 5)])('rejects %p', (v) => {
    expect(decodeResponseState(v)).toBeUndefined();
  });
});
