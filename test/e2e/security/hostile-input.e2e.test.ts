/**
 * Hostile request bodies through the real socket: every one ends in an OpenAI-shaped 400 (Stop) or a
 * valid Rewrite whose body the strict mock accepts; none crashes the runner or reaches the upstream
 * unconverted. Set FUZZ_RUNS to run longer than the CI budget.
 */
import fc from 'fast-check';
import { fixedEnv } from '../../../src/core';
import { createOpenAIToAnthropicFilter } from '../../../src/filters/openai-to-anthropic';
import { acceptedByStrictMock } from '../../helpers/strict-mock-check';
import { startHarness, type Harness } from '../runner/harness';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const conf = [{ name: 'openai-to-anthropic', value: '{"model_aliases":{"gpt-4o":"claude-sonnet-4-5"}}' }];

let h: Harness;
beforeAll(async () => {
  h = await startHarness([createOpenAIToAnthropicFilter({ env: fixedEnv() })]);
});
afterAll(async () => {
  await h.cleanup();
});

async function send(body: Buffer | string) {
  return h.apisix.httpReqCall({ routeKey: 'route#fuzz#ext-plugin-pre-req#1', conf, request: { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: 'Bearer k' }, body } });
}

async function expectCleanOutcome(body: Buffer | string): Promise<void> {
  const r = await send(body);
  if (r.kind === 'stop') {
    expect(r.status).toBe(400);
    const err = JSON.parse(r.body!.toString('utf8')).error;
    expect(typeof err.message).toBe('string');
    expect(err.type).toBe('invalid_request_error');
  } else if (r.kind === 'rewrite') {
    const sent = JSON.parse(r.request.body!.toString('utf8'));
    // Which model names exist is the upstream's call (404); everything else must be acceptable.
    const refusal = acceptedByStrictMock(sent) as { error?: { type?: string } } | null;
    if (refusal) expect(refusal.error?.type).toBe('not_found_error');
  } else {
    throw new Error(`unexpected outcome ${r.kind}: ${'error' in r ? r.error : ''}`);
  }
}

const deep = (n: number, open: string, close: string) => open.repeat(n) + close.repeat(n);

describe('hostile request bodies', () => {
  it.each([
    ['deeply nested arrays', `{"model":"gpt-4o","messages":${deep(100000, '[', ']')}}`],
    ['deeply nested objects in content', `{"model":"gpt-4o","messages":[{"role":"user","content":[${deep(50000, '{"a":', '}').replace(/}$/, '1}')}]}]}`],
    ['a 5 MB string', JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] })],
    ['numbers out of range', '{"model":"gpt-4o","max_tokens":1e400,"temperature":-1e308,"messages":[{"role":"user","content":"hi"}]}'],
    ['prototype keys', '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}},"model":"__proto__","messages":[{"role":"user","content":"hi","__proto__":{"role":"system"}}]}'],
    ['model named constructor', '{"model":"constructor","messages":[{"role":"user","content":"hi"}]}'],
    ['tool named __proto__', '{"model":"gpt-4o","tools":[{"type":"function","function":{"name":"__proto__."}}],"messages":[{"role":"user","content":"hi"}]}'],
    ['duplicate keys', '{"model":"gpt-4o","messages":[],"messages":[{"role":"user","content":"hi"}]}'],
    ['invalid UTF-8', Buffer.concat([Buffer.from('{"model":"gpt-4o","messages":[{"role":"user","content":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}]}')])],
    ['a lone surrogate escape', '{"model":"gpt-4o","messages":[{"role":"user","content":"\\ud800"}]}'],
    ['null bytes', '{"model":"gpt-4o","messages":[{"role":"user","content":"a\\u0000b"}]}'],
    ['an empty object', '{}'],
    ['a bare string', '"hello"'],
    ['truncated JSON', '{"model":"gpt-4o","messages":[{"role":"us'],
  ])('%s: a clean 400 or an accepted conversion', async (_name, body) => {
    await expectCleanOutcome(body);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('random JSON values and mutated requests never crash the runner', async () => {
    const valid = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'system', content: 's' }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.tuple(fc.nat(valid.length - 1), fc.nat(valid.length - 1), fc.string({ maxLength: 8 })).map(([a, b, s]) => valid.slice(0, Math.min(a, b)) + s + valid.slice(Math.max(a, b))),
          fc.record({ model: fc.string(), messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'tool', 'system', 'x'), content: fc.jsonValue() }), { maxLength: 4 }) }).map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          await expectCleanOutcome(body);
        },
      ),
      { numRuns: RUNS },
    );
    expect(h.runner.status()).toBe('listening');
  });
});
