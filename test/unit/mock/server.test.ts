/** The mock over HTTP, judged by the official Anthropic SDK: if the SDK parses it, the shapes are right. */
import Anthropic from '@anthropic-ai/sdk';
import { request } from 'undici';
import { startMockAnthropic, type MockAnthropic } from '../../../src/mock/server';

let mock: MockAnthropic;
let client: Anthropic;
beforeEach(async () => {
  mock = await startMockAnthropic();
  client = new Anthropic({ baseURL: mock.url, apiKey: 'test-key', maxRetries: 0 });
});
afterEach(async () => {
  await mock.close();
});

const ask = (text: string, extra: Record<string, unknown> = {}) => ({ model: 'claude-sonnet-4-5', max_tokens: 200, messages: [{ role: 'user' as const, content: text }], ...extra });
const weather = { name: 'get_weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } } };

describe('mock Anthropic upstream', () => {
  it('answers JSON deterministically and records the request', async () => {
    const msg = await client.messages.create(ask('hello there'));
    expect(msg.content).toEqual([{ type: 'text', text: 'You said: hello there' }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(mock.received).toHaveLength(1);
    expect(mock.received[0]).toMatchObject({ method: 'POST', path: '/v1/messages', body: { model: 'claude-sonnet-4-5' } });
  });

  it('streams exact event sequences that the SDK accumulates into the same message', async () => {
    const stream = client.messages.stream(ask('[[mock:parallel-tools]] go', { tools: [weather] }));
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type));
    const msg = await stream.finalMessage();
    expect(types[0]).toBe('message_start');
    expect(types[types.length - 1]).toBe('message_stop');
    expect(msg.content.map((b) => b.type)).toEqual(['text', 'tool_use', 'tool_use']);
    expect(msg.content[1]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'value' } });
    expect(msg.stop_reason).toBe('tool_use');
  });

  it('frames SSE like the real API: charset in the content type, event names equal to data types, a ping', async () => {
    const r = await request(`${mock.url}/v1/messages`, { method: 'POST', headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify({ ...ask('hi'), stream: true }) });
    expect(r.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const text = await r.body.text();
    const events = text.split('\n\n').filter(Boolean).map((e) => /^event: (.*)\ndata: (.*)$/.exec(e)!);
    expect(events.every((m) => m && JSON.parse(m[2]).type === m[1])).toBe(true);
    expect(events.map((m) => m[1])).toContain('ping');
  });

  it('streams thinking with a signature', async () => {
    const msg = await client.messages.stream(ask('think', { max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 1024 } }), { headers: { 'x-mock-scenario': 'thinking' } }).finalMessage();
    expect(msg.content[0]).toMatchObject({ type: 'thinking', signature: expect.any(String) });
  });

  it.each([['end-turn', 'end_turn'], ['refusal', 'refusal'], ['max-tokens', 'max_tokens'], ['pause-turn', 'pause_turn'], ['future', 'future_reason']])('answers stop:%s with stop_reason %s', async (arg, reason) => {
    const msg = await client.messages.create(ask(`[[mock:stop:${arg}]]`));
    expect(msg.stop_reason).toBe(reason);
  });

  it.each([[400, Anthropic.BadRequestError], [401, Anthropic.AuthenticationError], [429, Anthropic.RateLimitError], [529, Anthropic.InternalServerError]])('answers error:%i with the typed SDK error', async (status, cls) => {
    const err = await client.messages.create(ask(`[[mock:error:${status}]]`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(status);
  });

  it('refuses an invalid request like the real API', async () => {
    const err = await client.messages.create({ ...ask('x'), stop_sequences: ['\n'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String((err as Error).message)).toMatch(/non-whitespace/);
  });

  it('serves the Azure AI Foundry path layout and a non-JSON 502', async () => {
    const r = await request(`${mock.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify(ask('[[mock:html-502]]')) });
    expect(r.statusCode).toBe(502);
    expect(r.headers['content-type']).toBe('text/html');
    expect(await r.body.text()).toContain('Bad Gateway');
  });

  it('holds a stream after its first delta until released, and notices a client that goes away', async () => {
    const held = mock.whenHeld();
    const r = await request(`${mock.url}/v1/messages`, { method: 'POST', headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'k', 'content-type': 'application/json' }, body: JSON.stringify({ ...ask('[[mock:hold]] abc'), stream: true }) });
    await held;
    const gone = mock.whenClientGone();
    r.body.destroy();
    await gone;
    expect(mock.clientsGone).toBe(1);
  });
});
