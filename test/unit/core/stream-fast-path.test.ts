/**
 * Text deltas in Anthropic's exact serialisation take a copy-through fast path; any other key order
 * takes the general parse path. Both must mean exactly the same to a client, for any text.
 */
import fc from 'fast-check';
import { StreamConverter, fixedEnv, resolveOptions, type SseEvent } from '../../../src/core';

const options = resolveOptions({});
const state = { clientModel: 'm', stream: true, includeUsage: false };

function run(deltaData: (text: string) => string, texts: string[]): unknown[] {
  const c = new StreamConverter(state, options, fixedEnv());
  const events: SseEvent[] = [
    { event: 'message_start', data: JSON.stringify({ type: 'message_start', message: { id: 'msg_1', usage: { input_tokens: 1 } } }) },
    { event: 'content_block_start', data: JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) },
    ...texts.map((t) => ({ event: 'content_block_delta', data: deltaData(t) })),
    { event: 'message_delta', data: JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }) },
    { event: 'message_stop', data: '{"type":"message_stop"}' },
  ];
  const frames = [...events.flatMap((e) => c.push(e)), ...c.end()];
  return frames.map((f) => (f === 'data: [DONE]\n\n' ? '[DONE]' : JSON.parse(f.slice(6))));
}

const anthropicOrder = (t: string) => JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } });
const otherOrder = (t: string) => JSON.stringify({ index: 0, delta: { text: t, type: 'text_delta' }, type: 'content_block_delta' });
const asciiEscaped = (t: string) => anthropicOrder(t).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

describe('text delta fast path', () => {
  it.each([
    ['plain', ['Hello', ', world']],
    ['quotes and backslashes', ['say "hi"', 'C:\\path\\', '\\', '"']],
    ['control characters and newlines', ['a\nb\tc', '\u0001', '\r\n']],
    ['unicode and surrogates', ['h\u00e9llo', '\u{1F600}', '\u2028\u2029']],
    ['empty text', ['', 'x', '']],
  ])('%s: fast and general paths agree', (_name, texts) => {
    const general = run(otherOrder, texts);
    expect(run(anthropicOrder, texts)).toEqual(general);
    expect(run(asciiEscaped, texts)).toEqual(general);
  });

  it('agrees for any text (property)', () => {
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 5 }), (texts) => {
      expect(run(anthropicOrder, texts)).toEqual(run(otherOrder, texts));
    }), { numRuns: 300 });
  });

  it('tool argument deltas agree too (tool calls and the response_format tool)', () => {
    for (const jsonTool of [undefined, 'answer']) {
      const runTool = (order: (p: string) => string) => {
        const c = new StreamConverter({ ...state, ...(jsonTool ? { jsonTool } : {}) }, options, fixedEnv());
        const evs: SseEvent[] = [
          { event: 'message_start', data: '{"type":"message_start","message":{"id":"msg_1"}}' },
          { event: 'content_block_start', data: JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 't1', name: 'answer', input: {} } }) },
          ...['', '{"q":', ' "a\\"b"', '}'].map((p) => ({ event: 'content_block_delta', data: order(p) })),
          { event: 'content_block_stop', data: '{"type":"content_block_stop","index":0}' },
          { event: 'message_delta', data: '{"type":"message_delta","delta":{"stop_reason":"tool_use"}}' },
          { event: 'message_stop', data: '{"type":"message_stop"}' },
        ];
        return [...evs.flatMap((e) => c.push(e)), ...c.end()];
      };
      const fast = runTool((p) => JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: p } }));
      const general = runTool((p) => JSON.stringify({ index: 0, type: 'content_block_delta', delta: { partial_json: p, type: 'input_json_delta' } }));
      expect(fast.map((f) => f.trim())).toEqual(general.map((f) => f.trim()));
    }
  });

  it('never copies a token that is not a plain JSON string', () => {
    const forged = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a","x":"b"}}';
    const out = run(() => forged, ['ignored']);
    expect(out.filter((o) => typeof o === 'object' && o !== null && 'choices' in o).every((o) => {
      const delta = (o as { choices: Array<{ delta: Record<string, unknown> }> }).choices[0]?.delta ?? {};
      return !('x' in delta);
    })).toBe(true);
  });
});
