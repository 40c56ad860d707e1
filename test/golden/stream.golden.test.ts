/**
 * Stream goldens: test/golden/stream/<behaviour>/upstream.sse (Anthropic) -> expected.sse (OpenAI).
 * Every case is replayed whole, at 1, 2, 7 and 64-byte chunks and at seeded random split points, and
 * must give byte-identical output. The OpenAI SDK must then parse the result.
 */
import { join } from 'node:path';
import { SseParser, StreamConverter, accumulateStream, convertBufferedStream, convertMessageResponse, ConversionError, fixedEnv, resolveOptions, type ResponseState } from '../../src/core';
import { caseDirs, readJson, readText, UPDATE, writeText } from '../helpers/golden';
import { sdkIterateStream, sdkParseStream } from '../helpers/openai-sdk';

const ROOT = join(__dirname, 'stream');
const options = resolveOptions({});

function runChunked(bytes: Uint8Array, cuts: number[], state: ResponseState): string {
  const parser = new SseParser();
  const conv = new StreamConverter(state, options, fixedEnv());
  const out: string[] = [];
  let prev = 0;
  for (const cut of [...cuts, bytes.length]) {
    for (const ev of parser.push(bytes.subarray(prev, cut))) out.push(...conv.push(ev));
    prev = cut;
  }
  for (const ev of parser.end()) out.push(...conv.push(ev));
  out.push(...conv.end());
  return out.join('');
}

function everyN(length: number, n: number): number[] {
  const cuts: number[] = [];
  for (let i = n; i < length; i += n) cuts.push(i);
  return cuts;
}

function seededCuts(length: number, seed: number): number[] {
  let x = seed;
  const cuts: number[] = [];
  for (let i = 0; i < length; i += 1 + ((x = (x * 1103515245 + 12345) & 0x7fffffff) % 97)) if (i > 0) cuts.push(i);
  return cuts;
}

describe.each(caseDirs(ROOT))('stream golden %s', (name) => {
  const dir = join(ROOT, name);
  const upstream = readText(dir, 'upstream.sse')!;
  const state = readJson<ResponseState>(dir, 'state.json')!;
  const bytes = new TextEncoder().encode(upstream);
  const whole = convertBufferedStream(upstream, state, options, fixedEnv());

  it('converts as recorded', () => {
    if (UPDATE) writeText(dir, 'expected.sse', whole);
    expect(whole).toBe(readText(dir, 'expected.sse'));
  });

  it.each([1, 2, 7, 64])('gives identical output when fed in %i-byte chunks', (n) => {
    expect(runChunked(bytes, everyN(bytes.length, n), state)).toBe(whole);
  });

  it('gives identical output at seeded random split points', () => {
    for (const seed of [1, 42, 4242]) expect(runChunked(bytes, seededCuts(bytes.length, seed), state)).toBe(whole);
  });

  it('folds back into the same answer for a client that asked for JSON', async () => {
    const errorLine = whole.split('\n').find((l) => l.startsWith('data: {"error"'));
    let folded: ReturnType<typeof accumulateStream>;
    try {
      folded = accumulateStream(upstream);
    } catch (e) {
      expect(e).toBeInstanceOf(ConversionError);
      expect(errorLine).toBeDefined();
      return;
    }
    if (folded.kind === 'error') {
      expect(errorLine).toContain(folded.error.message);
      return;
    }
    const json = convertMessageResponse(folded.message, { ...state, stream: false }, options, fixedEnv());
    const { final } = await sdkParseStream(whole);
    expect(json.choices[0].finish_reason).toBe(final.choices[0].finish_reason);
    expect(json.choices[0].message.content ?? '').toBe(final.choices[0].message.content ?? '');
    expect((json.choices[0].message.tool_calls ?? []).map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]))
      .toEqual((final.choices[0].message.tool_calls ?? []).map((c) => c.type === 'function' && [c.id, c.function.name, JSON.parse(c.function.arguments)]));
  });

  it('is parsed by the official OpenAI SDK', async () => {
    const errorLine = whole.split('\n').find((l) => l.startsWith('data: {"error"'));
    if (errorLine) {
      const { error } = await sdkIterateStream(whole);
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).toContain(JSON.parse(errorLine.slice(6)).error.message);
      return;
    }
    const { chunks, final } = await sdkParseStream(whole);
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((c) => c.id === chunks[0].id && c.created === chunks[0].created)).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(final.model).toBe(state.clientModel);
    const content = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? '')).join('');
    expect(final.choices[0].message.content ?? '').toBe(content);
    const argsByIndex = new Map<number, string>();
    for (const c of chunks) for (const tc of c.choices[0]?.delta.tool_calls ?? []) argsByIndex.set(tc.index, (argsByIndex.get(tc.index) ?? '') + (tc.function?.arguments ?? ''));
    const calls = final.choices[0].message.tool_calls ?? [];
    expect(calls.length).toBe(argsByIndex.size);
    calls.forEach((call, i) => {
      expect(call.type === 'function' && call.function.arguments).toBe(argsByIndex.get(i));
      if (call.type === 'function') expect(() => JSON.parse(call.function.arguments)).not.toThrow();
    });
  });
});
