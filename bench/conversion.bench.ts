/**
 * Conversion throughput vs the work any conversion must do anyway (issue 3): request conversion vs
 * JSON.parse + JSON.stringify of the same bytes; stream conversion vs the SSE parser alone, and its
 * per-event cost at 200, 2,000 and 20,000 events (linear scaling shows as a flat per-event cost).
 */
import { convertChatRequest, fixedEnv, resolveOptions, SseParser, StreamConverter } from '../src/core';
import { ratio, table } from './stats';

const options = resolveOptions({});

function conversation(messages: number, textBytes: number): string {
  const msgs: unknown[] = [{ role: 'system', content: 'You are a careful assistant. '.repeat(4) }];
  for (let i = 0; i < messages; i++) {
    if (i % 5 === 3) {
      msgs.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: 'lookup.data', arguments: JSON.stringify({ q: 'x'.repeat(40), n: i }) } }] });
      msgs.push({ role: 'tool', tool_call_id: `call_${i}`, content: 'result '.repeat(Math.max(1, Math.floor(textBytes / 7))) });
    } else {
      msgs.push({ role: i % 2 === 0 ? 'user' : 'assistant', content: 'word '.repeat(Math.max(1, Math.floor(textBytes / 5))) });
    }
  }
  if ((msgs[msgs.length - 1] as { role: string }).role !== 'user') msgs.push({ role: 'user', content: 'continue' });
  return JSON.stringify({ model: 'claude-sonnet-4-5', messages: msgs, tools: [{ type: 'function', function: { name: 'lookup.data', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }], temperature: 0.3, stream: true });
}

function opsPerSec(fn: () => void, minMs: number): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    fn();
    n += 1;
  }
  return (n * 1000) / (performance.now() - start);
}

function streamText(events: number): string {
  const ev = (type: string, o: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...o })}\n\n`;
  const parts = [ev('message_start', { message: { id: 'msg_b', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } })];
  const textEvents = Math.floor(events * 0.7);
  parts.push(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
  for (let i = 0; i < textEvents; i++) parts.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: `token${i} ` } }));
  parts.push(ev('content_block_stop', { index: 0 }));
  parts.push(ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_b', name: 'lookup', input: {} } }));
  for (let i = textEvents; i < events - 6; i++) parts.push(ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: i === textEvents ? '{"k":"' : 'abc' } }));
  parts.push(ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '"}' } }));
  parts.push(ev('content_block_stop', { index: 1 }), ev('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: events } }), ev('message_stop', {}));
  return parts.join('');
}

export async function conversionSuite(quick: boolean) {
  const minMs = quick ? 150 : 1500;
  const reqRows: Array<Array<string | number>> = [];
  const results: Record<string, number> = {};
  for (const [label, text] of [['14 KB, 20 messages', conversation(20, 560)], ['1 MB', conversation(200, 4600)]] as const) {
    const base = opsPerSec(() => JSON.stringify(JSON.parse(text)), minMs);
    const conv = opsPerSec(() => JSON.stringify(convertChatRequest(JSON.parse(text), options).body), minMs);
    results[`request ${label}`] = conv / base;
    reqRows.push([`${label} (${(text.length / 1024).toFixed(0)} KB)`, base.toFixed(0), conv.toFixed(0), ratio(conv / base)]);
  }
  const streamRows: Array<Array<string | number>> = [];
  for (const events of [200, 2000, 20000]) {
    const text = streamText(events);
    const bytes = new TextEncoder().encode(text);
    const parseOnly = opsPerSec(() => {
      const p = new SseParser();
      p.push(bytes);
      p.end();
    }, minMs);
    const full = opsPerSec(() => {
      const p = new SseParser();
      const c = new StreamConverter({ clientModel: 'gpt-4o', stream: true, includeUsage: true }, options, fixedEnv());
      for (const ev of p.push(bytes)) c.push(ev);
      for (const ev of p.end()) c.push(ev);
      c.end();
    }, minMs);
    results[`stream ${events}`] = full / parseOnly;
    streamRows.push([events, (parseOnly * events).toFixed(0), (full * events).toFixed(0), `${((1e6 / (full * events))).toFixed(2)} µs`, ratio(full / parseOnly)]);
  }
  const text = table('Request conversion vs JSON.parse + JSON.stringify of the same bytes (target >= 0.7)', ['conversation', 'parse+stringify ops/s', 'convert ops/s', 'ratio'], reqRows)
    + '\n' + table('Stream conversion vs the SSE parser alone (target >= 0.5; flat µs/event = linear)', ['events', 'parser events/s', 'convert events/s', 'µs per event', 'ratio'], streamRows);
  return { results, text };
}
