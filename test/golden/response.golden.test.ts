/**
 * Response goldens: test/golden/response/<behaviour>/upstream.json (Anthropic message) -> expected.json
 * (OpenAI chat.completion) or error.json. Each answer is also streamed through the stream state machine
 * (messageToEvents) and must give the same content, tool calls, finish_reason and usage.
 */
import { join } from 'node:path';
import { ConversionError, convertMessageResponse, fixedEnv, messageToEvents, resolveOptions, StreamConverter, type ResponseState } from '../../src/core';
import { caseDirs, deepFreeze, readJson, UPDATE, writeJson } from '../helpers/golden';
import { sdkParseCompletion, sdkParseStream } from '../helpers/openai-sdk';

const ROOT = join(__dirname, 'response');
const options = resolveOptions({});

describe.each(caseDirs(ROOT))('response golden %s', (name) => {
  const dir = join(ROOT, name);
  const upstream = deepFreeze(readJson<Record<string, unknown>>(dir, 'upstream.json')!);
  const state = readJson<ResponseState>(dir, 'state.json')!;

  it('converts as recorded and the OpenAI SDK parses it', async () => {
    let result;
    try {
      result = convertMessageResponse(upstream, state, options, fixedEnv());
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      if (UPDATE) writeJson(dir, 'error.json', { code: e.code, status: e.status });
      expect({ code: e.code, status: e.status }).toEqual(readJson(dir, 'error.json'));
      return;
    }
    if (UPDATE) writeJson(dir, 'expected.json', result);
    expect(result).toEqual(readJson(dir, 'expected.json'));
    const parsed = await sdkParseCompletion(JSON.stringify(result));
    expect(parsed.choices[0].message.content).toBe(result.choices[0].message.content);
    expect(parsed.usage).toEqual(result.usage);
  });

  it('matches the stream path for the same answer', async () => {
    if (readJson(dir, 'error.json')) return;
    const whole = convertMessageResponse(upstream, state, options, fixedEnv());
    const streamState = { ...state, stream: true, includeUsage: true };
    const conv = new StreamConverter(streamState, options, fixedEnv());
    const sse = [...messageToEvents(upstream).flatMap((ev) => conv.push(ev)), ...conv.end()].join('');
    const { final, chunks } = await sdkParseStream(sse);
    const msg = whole.choices[0].message;
    expect(final.choices[0].message.content ?? null).toBe(msg.content === '' ? null : msg.content);
    expect(final.choices[0].finish_reason).toBe(whole.choices[0].finish_reason);
    expect((final.choices[0].message.tool_calls ?? []).map((c) => c.type === 'function' && [c.id, c.function.name, JSON.parse(c.function.arguments)]))
      .toEqual((msg.tool_calls ?? []).map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]));
    expect(chunks[chunks.length - 1].usage).toEqual(whole.usage);
    const reasoning = chunks.map((c) => (c.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '').join('');
    expect(reasoning || undefined).toBe(msg.reasoning_content);
  });
});
