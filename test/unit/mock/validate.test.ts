/** The strict mock refuses what the real Anthropic API refuses, with its error shapes. */
import { validateAnthropicRequest } from '../../../src/mock/validate';

const H = { 'anthropic-version': '2023-06-01', 'x-api-key': 'k' };
const base = { model: 'claude-sonnet-4-20250514', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
const tool = { name: 'get_weather', input_schema: { type: 'object' } };
const call = { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] };
const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'sunny' }] };

function check(body: unknown, headers: Record<string, string | undefined> = H) {
  const e = validateAnthropicRequest(body, headers);
  return e && { status: e.status, type: e.body.error.type, message: e.body.error.message };
}

describe('validateAnthropicRequest', () => {
  it('accepts a minimal valid request and a full tool round trip', () => {
    expect(check(base)).toBeNull();
    expect(check({ ...base, tools: [tool], messages: [{ role: 'user', content: 'w?' }, call, result] })).toBeNull();
    expect(validateAnthropicRequest(base, { 'anthropic-version': '2023-06-01', authorization: 'Bearer entra-token' })).toBeNull();
  });

  it.each([
    ['missing anthropic-version', base, { 'x-api-key': 'k' }, 400, /anthropic-version/],
    ['missing key', base, { 'anthropic-version': '2023-06-01' }, 401, /x-api-key/],
  ])('refuses %s', (_n, body, headers, status, message) => {
    expect(check(body, headers)).toMatchObject({ status, message: expect.stringMatching(message) });
  });

  it('refuses a wrong key when keys are configured', () => {
    expect(validateAnthropicRequest(base, H, { keys: ['other'] })?.status).toBe(401);
  });

  it.each([
    ['an unknown top-level key', { ...base, stream_options: {} }, /stream_options: Extra inputs are not permitted/],
    ['missing max_tokens', { model: base.model, messages: base.messages }, /max_tokens: Field required/],
    ['max_tokens 0', { ...base, max_tokens: 0 }, /max_tokens/],
    ['max_tokens over the limit', { ...base, max_tokens: 10_000_000 }, /maximum allowed/],
    ['a system role in messages', { ...base, messages: [{ role: 'system', content: 'x' }] }, /Unexpected role "system"/],
    ['a tool role', { ...base, messages: [{ role: 'tool', content: 'x' }] }, /Unexpected role "tool"/],
    ['an empty user message', { ...base, messages: [{ role: 'user', content: '' }] }, /non-empty content/],
    ['an empty text block', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }, /must be non-empty/],
    ['a whitespace-only text block', { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: ' \n' }] }] }, /non-whitespace/],
    ['a prefill ending in whitespace', { ...base, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'a ' }] }, /trailing whitespace/],
    ['an svg image', { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/svg+xml', data: 'AA==' } }] }] }, /media_type/],
    ['five cache breakpoints', { ...base, system: [1, 2, 3, 4, 5].map((i) => ({ type: 'text', text: `s${i}`, cache_control: { type: 'ephemeral' } })) }, /maximum of 4/],
    ['a cache ttl of 2h', { ...base, system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral', ttl: '2h' } }] }, /ttl/],
    ['a tool name with a dot', { ...base, tools: [{ ...tool, name: 'a.b' }] }, /String should match pattern/],
    ['duplicate tool names', { ...base, tools: [tool, tool] }, /unique/],
    ['a non-object input schema', { ...base, tools: [{ name: 'x', input_schema: { type: 'string' } }] }, /input_schema.type/],
    ['tool blocks without tools', { ...base, messages: [{ role: 'user', content: 'w?' }, call, result] }, /must define tools/],
    ['tool_choice without tools', { ...base, tool_choice: { type: 'auto' } }, /only be specified while providing tools/],
    ['a tool_use without its result', { ...base, tools: [tool], messages: [{ role: 'user', content: 'w?' }, call, { role: 'user', content: 'never mind' }] }, /without `tool_result` blocks immediately after/],
    ['an orphan tool_result', { ...base, tools: [tool], messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'zz' }] }] }, /unexpected `tool_use_id`/],
    ['a tool_result after text', { ...base, tools: [tool], messages: [{ role: 'user', content: 'w?' }, call, { role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'tool_result', tool_use_id: 't1' }] }] }, /must come before/],
    ['temperature above 1', { ...base, temperature: 1.5 }, /temperature/],
    ['temperature with top_p on an exclusive model', { ...base, model: 'claude-sonnet-4-5', temperature: 0.5, top_p: 0.5 }, /cannot both be specified/],
    ['a whitespace stop sequence', { ...base, stop_sequences: ['\n'] }, /non-whitespace/],
    ['an e-mail user_id', { ...base, metadata: { user_id: 'a@b.com' } }, /email/],
    ['extra metadata keys', { ...base, metadata: { user_id: 'u', x: 1 } }, /Extra inputs/],
    ['a thinking budget under 1024', { ...base, max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 100 } }, /1024/],
    ['a thinking budget not under max_tokens', { ...base, max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 2000 } }, /max_tokens/],
    ['temperature with thinking', { ...base, max_tokens: 5000, temperature: 0.5, thinking: { type: 'enabled', budget_tokens: 1024 } }, /thinking is enabled/],
    ['forced tool choice with thinking', { ...base, max_tokens: 5000, tools: [tool], tool_choice: { type: 'any' }, thinking: { type: 'enabled', budget_tokens: 1024 } }, /forces tool use/],
    ['thinking blocks while thinking is off', { ...base, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 's' }, { type: 'text', text: 'a' }] }, { role: 'user', content: 'y' }] }, /thinking is disabled/],
    ['a tool-use turn without its thinking block while thinking is on', { ...base, max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [tool], messages: [{ role: 'user', content: 'w?' }, call, result] }, /Expected `thinking`/],
  ])('refuses %s with a 400 invalid_request_error', (_n, body, message) => {
    expect(check(body)).toMatchObject({ status: 400, type: 'invalid_request_error', message: expect.stringMatching(message) });
  });

  it('answers 404 for an unknown model', () => {
    expect(check({ ...base, model: 'gpt-4o' })).toMatchObject({ status: 404, type: 'not_found_error' });
  });

  it('does not mutate the request it checks', () => {
    const body = Object.freeze({ ...base, messages: Object.freeze([Object.freeze({ role: 'user', content: 'hi' })]) });
    expect(() => validateAnthropicRequest(body, H)).not.toThrow();
  });

  it('optionally enforces strict alternation, a first user message and no URL sources', () => {
    const twoUsers = { ...base, messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }] };
    expect(validateAnthropicRequest(twoUsers, H)).toBeNull();
    expect(validateAnthropicRequest(twoUsers, H, { strictAlternation: true })?.body.error.message).toMatch(/alternate/);
    expect(validateAnthropicRequest({ ...base, messages: [{ role: 'assistant', content: 'a' }] }, H, { firstMessageUser: true })?.status).toBe(400);
    const url = { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }] }] };
    expect(validateAnthropicRequest(url, H)).toBeNull();
    expect(validateAnthropicRequest(url, H, { refuseUrlSources: true })?.body.error.message).toMatch(/URL sources/);
  });
});
