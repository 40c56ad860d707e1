/**
 * The official OpenAI SDK against the running bridge, the bridge against the strict mock upstream
 * (which refuses any request the real Anthropic API would refuse, and accepts only the client's key).
 * Scenarios are picked with the x-mock-scenario header, which the target forwards.
 */
import OpenAI, { APIError } from 'openai';
import { fixedEnv } from '../../../src/core';
import { startMockAnthropic, type MockAnthropic } from '../../../src/mock/server';
import { startBridgeHarness, type BridgeHarness } from './harness';

const KEY = 'sk-mock-client-key';
let mock: MockAnthropic;
let h: BridgeHarness;

beforeAll(async () => {
  mock = await startMockAnthropic({ keys: [KEY] });
  const common = { base_url: mock.url, forward_headers: ['x-mock-scenario'] };
  h = await startBridgeHarness({
    default: { ...common, options: { model_aliases: { 'gpt-4o': 'claude-sonnet-4-5' } } },
    raw529: { ...common, options: { overloaded_status: 529 } },
  }, { env: { now: () => Date.now(), newId: fixedEnv().newId } });
});

afterAll(async () => {
  await h.close();
  await mock.close();
});

function client(scenario?: string, target?: string, apiKey = KEY): OpenAI {
  return h.sdk({ apiKey, target, headers: scenario ? { 'x-mock-scenario': scenario } : undefined });
}

const user = (content: string) => [{ role: 'user' as const, content }];

describe('streaming', () => {
  test('text, with include_usage: a usage-only chunk before [DONE]', async () => {
    const stream = await client('text').chat.completions.create({ model: 'gpt-4o', messages: user('hello there'), stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('You said: hello there');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.model === 'gpt-4o')).toBe(true);
    const last = chunks[chunks.length - 1];
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 5, total_tokens: 26 });
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('stop');
    expect(mock.received[mock.received.length - 1].body).toMatchObject({ model: 'claude-sonnet-4-5', stream: true });
  });

  test('text without include_usage: no usage chunk', async () => {
    const stream = await client('text').chat.completions.create({ model: 'gpt-4o', messages: user('hi'), stream: true });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  test('parallel tool calls: indices 0 and 1, arguments reassembled by the SDK accumulator', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' }, hours: { type: 'integer' } } } } },
    ];
    const runner = client('parallel-tools').chat.completions.stream({ model: 'gpt-4o', messages: user('weather and time?'), tools });
    const indices = new Set<number>();
    runner.on('chunk', (c) => c.choices[0]?.delta.tool_calls?.forEach((t) => indices.add(t.index)));
    const final = await runner.finalChatCompletion();
    expect([...indices].sort()).toEqual([0, 1]);
    const msg = final.choices[0].message;
    expect(final.choices[0].finish_reason).toBe('tool_calls');
    expect(msg.content).toBe('Let me check both.');
    const calls = msg.tool_calls!.map((t) => (t.type === 'function' ? { id: t.id, name: t.function.name, args: JSON.parse(t.function.arguments) as unknown } : null));
    expect(calls).toEqual([
      { id: 'toolu_mock1', name: 'get_weather', args: { city: 'value' } },
      { id: 'toolu_mock2', name: 'get_time', args: { zone: 'value', hours: 1 } },
    ]);
  });

  test('thinking: reasoning_content deltas before the answer', async () => {
    const stream = await client('thinking').chat.completions.create({ model: 'gpt-4o', messages: user('think'), stream: true, reasoning_effort: 'low' });
    let reasoning = '';
    let content = '';
    let order = '';
    for await (const c of stream) {
      const d = c.choices[0]?.delta as { reasoning_content?: string; content?: string | null } | undefined;
      if (d?.reasoning_content) {
        reasoning += d.reasoning_content;
        if (!order.endsWith('r')) order += 'r';
      }
      if (d?.content) {
        content += d.content;
        if (!order.endsWith('c')) order += 'c';
      }
    }
    expect(reasoning).toBe('The user wants an answer. Think briefly.');
    expect(content).toBe('You said: think');
    expect(order).toBe('rc');
    expect((mock.received[mock.received.length - 1].body as { thinking?: unknown }).thinking).toMatchObject({ type: 'enabled' });
  });

  test('a mid-stream upstream error surfaces as an SDK APIError after the partial text', async () => {
    const stream = await client('mid-stream-error').chat.completions.create({ model: 'gpt-4o', messages: user('x'), stream: true });
    let text = '';
    const err = await (async () => {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('You said: x');
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).message).toMatch(/Overloaded/);
  });
});

describe('order and cancellation with the mock', () => {
  test('hold: the client sees the first text before the mock sends anything more', async () => {
    const held = mock.whenHeld();
    const stream = await client('hold').chat.completions.create({ model: 'gpt-4o', messages: user('abcdefghijklmnop'), stream: true });
    let text = '';
    let releasedAfter = '';
    for await (const c of stream) {
      text += c.choices[0]?.delta.content ?? '';
      if (!releasedAfter && text.length > 0) {
        // The mock is still holding after its first delta: what we have came from before the hold.
        await held;
        releasedAfter = text;
        mock.release();
      }
    }
    expect(releasedAfter).toBe('You said');
    expect(text).toBe('You said: abcdefghijklmnop');
  });

  test('a client abort closes the upstream stream the mock is holding', async () => {
    const gone = mock.whenClientGone();
    const before = mock.clientsGone;
    const held = mock.whenHeld();
    const controller = new AbortController();
    const stream = await client('hold').chat.completions.create({ model: 'gpt-4o', messages: user('cancel me'), stream: true }, { signal: controller.signal });
    for await (const c of stream) {
      if (c.choices[0]?.delta.content) {
        await held;
        controller.abort();
      }
    }
    await gone;
    expect(mock.clientsGone).toBe(before + 1);
  });
});

describe('non-streaming', () => {
  test('one chat.completion with tool calls and usage', async () => {
    const c = await client('tools').chat.completions.create({
      model: 'gpt-4o', messages: user('weather?'),
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    expect(c.object).toBe('chat.completion');
    expect(c.model).toBe('gpt-4o');
    expect(c.choices[0].finish_reason).toBe('tool_calls');
    expect(c.choices[0].message.content).toBeNull();
    const call = c.choices[0].message.tool_calls![0];
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'value' });
    expect(c.usage?.total_tokens).toBe((c.usage?.prompt_tokens ?? 0) + (c.usage?.completion_tokens ?? 0));
  });
});

describe('upstream errors become the SDK typed errors with the right status', () => {
  const cases: Array<[string, number, new (...args: never[]) => APIError, string?]> = [
    ['error:400', 400, OpenAI.BadRequestError],
    ['error:403', 403, OpenAI.PermissionDeniedError],
    ['error:404', 404, OpenAI.NotFoundError],
    ['error:413', 413, APIError],
    ['error:429', 429, OpenAI.RateLimitError],
    ['error:500', 500, OpenAI.InternalServerError],
    ['error:529', 503, OpenAI.InternalServerError],
    ['html-502', 502, OpenAI.InternalServerError],
  ];
  test.each(cases)('%s -> %d', async (scenario, status, Type) => {
    for (const stream of [false, true]) {
      const err = await client(scenario).chat.completions.create({ model: 'gpt-4o', messages: user('x'), stream }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Type);
      expect((err as APIError).status).toBe(status);
      expect((err as APIError).message.length).toBeGreaterThan(0);
    }
  });

  test('401: a wrong key reaches the mock and comes back as AuthenticationError', async () => {
    const err = await client(undefined, undefined, 'sk-wrong').chat.completions.create({ model: 'gpt-4o', messages: user('x') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as APIError).status).toBe(401);
  });

  test('429 keeps retry-after and converts the rate-limit headers', async () => {
    const err = await client('error:429').chat.completions.create({ model: 'gpt-4o', messages: user('x') }).catch((e: unknown) => e) as APIError;
    expect(err.headers?.get('retry-after')).toBe('7');
    expect(err.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(err.headers?.get('x-ratelimit-reset-requests')).toMatch(/^(1m0s|[1-5]?\ds)$/);
  });

  test('529 stays 529 on a target configured with overloaded_status 529', async () => {
    const err = await client('error:529', 'raw529').chat.completions.create({ model: 'claude-sonnet-4-5', messages: user('x') }).catch((e: unknown) => e);
    expect((err as APIError).status).toBe(529);
    expect((err as APIError).type).toBe('overloaded_error');
  });
});
