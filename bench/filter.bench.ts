/**
 * Added cost of the openai-to-anthropic filter per request (issue 6): request call + response call, as
 * a ratio to the bare runner doing the same round trips with bodies of the same size (bench-rewrite
 * filter), for a 16 KB request with a 4 KB JSON answer and with a 500-event streamed answer.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeResponseState } from '../src/core';
import { BenchConnection, reqCallPayload, respCallPayload } from './apisix-client';
import { startChild } from './children';
import { drive, ms, ratio, summarize, table } from './stats';

function openaiRequest(bytes: number): Buffer {
  const words = Math.floor(bytes / 5 / 10);
  const messages = Array.from({ length: 10 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: 'word '.repeat(words) }));
  return Buffer.from(JSON.stringify({ model: 'claude-sonnet-4-5', messages }));
}

function anthropicJson(bytes: number): Buffer {
  return Buffer.from(JSON.stringify({ id: 'msg_b', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'x'.repeat(bytes - 200) }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 100, output_tokens: 50 } }));
}

function anthropicStream(events: number): Buffer {
  const ev = (type: string, o: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...o })}\n\n`;
  const parts = [ev('message_start', { message: { id: 'msg_b', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } }), ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } })];
  for (let i = 0; i < events - 5; i++) parts.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'lorem ip' } }));
  parts.push(ev('content_block_stop', { index: 0 }), ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: events } }), ev('message_stop', {}));
  return Buffer.from(parts.join(''));
}

export async function filterSuite(quick: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'a6bench-'));
  const runner = await startChild('runner', join(dir, 'runner.sock'));
  const concurrency = 8;
  const calls = quick ? 200 : 4000;
  const rows: Array<Array<string | number>> = [];
  const ratios: Record<string, number> = {};
  try {
    const conns = await Promise.all(Array.from({ length: concurrency }, () => BenchConnection.open(runner.info.socket!)));
    const reqBody = openaiRequest(16 * 1024);
    const stateVars = { http_x_a6_bridge_state: encodeResponseState({ clientModel: 'gpt-4o', stream: false, includeUsage: false }) };
    const streamVars = { http_x_a6_bridge_state: encodeResponseState({ clientModel: 'gpt-4o', stream: true, includeUsage: true }) };
    const headers: Array<[string, string]> = [['content-type', 'application/json'], ['authorization', 'Bearer k'], ['content-length', String(reqBody.length)]];
    const bareReq = await conns[0].prepare('route#bare#ext-plugin-pre-req#1', [['bench-rewrite', '{}']]);
    const filterReq = await conns[0].prepare('route#f#ext-plugin-pre-req#1', [['openai-to-anthropic', '{}']]);
    const filterResp = await conns[0].prepare('route#f#ext-plugin-post-resp#1', [['openai-to-anthropic', '{}']]);

    const cases: Array<[string, Buffer, string, Record<string, string>]> = [
      ['16 KB request + 4 KB JSON answer', anthropicJson(4096), 'application/json', stateVars],
      ['16 KB request + 500-event stream', anthropicStream(500), 'text/event-stream; charset=utf-8', streamVars],
    ];
    for (const [label, answer, ctype, vars] of cases) {
      const bare = async (w: number) => {
        await conns[w].call(2, reqCallPayload(1, bareReq, '/v1/chat/completions', headers), { reqBody });
        // The bare runner's response round trip: same bytes moved (RespBody) through bench-rewrite's request path.
        await conns[w].call(2, reqCallPayload(2, bareReq, '/v1/messages', headers), { reqBody: answer });
      };
      const filtered = async (w: number) => {
        const r = await conns[w].call(2, reqCallPayload(1, filterReq, '/v1/chat/completions', headers), { reqBody });
        if (r.type !== 2) throw new Error('request call failed');
        const s = await conns[w].call(4, respCallPayload(2, filterResp, 200, [['Content-Type', ctype]]), { vars, respBody: answer });
        if (s.type !== 4) throw new Error('response call failed');
      };
      await drive(Math.min(300, calls), concurrency, bare);
      const b = summarize(...Object.values(await drive(calls, concurrency, bare)) as [number[], number]);
      await drive(Math.min(300, calls), concurrency, filtered);
      const f = summarize(...Object.values(await drive(calls, concurrency, filtered)) as [number[], number]);
      ratios[label] = f.perSec / b.perSec;
      rows.push([label, b.perSec.toFixed(0), f.perSec.toFixed(0), ms(b.p50), ms(f.p50), ms(f.p99), ratio(f.perSec / b.perSec), ms(1000 / f.perSec * concurrency - 1000 / b.perSec * concurrency)]);
    }
    conns.forEach((c) => c.close());
  } finally {
    await runner.stop();
  }
  const text = table(`Filter cost per request (request + response call, concurrency ${concurrency}) vs bare runner round trips of the same sizes`,
    ['case', 'bare req/s', 'filter req/s', 'bare p50', 'filter p50', 'filter p99', 'throughput ratio', 'added time per request'], rows);
  return { ratios, text };
}
